import Foundation

/// The repository's `seeds/` (five articles in the seed format), found from this file.
public enum RepositorySeeds {
    /// The `seeds/` directory.
    public static var directory: URL {
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("seeds")
    }

    /// The seed files' paths, in file order (000…004).
    public static func files() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".txt") }.sorted()
            .map { directory.appendingPathComponent($0).path }
    }
}
