import AttacheModels
import Foundation

/// Where notifications go: a console, a file, a webhook.
///
/// `deliver` returns once the sink has accepted the notification and throws otherwise.
/// Delivery is at least once: a sink may see the same notification again (after a crash
/// between its acceptance and the offset commit) and must treat `Notification.id` as an
/// idempotency key. Throw `SinkError.permanent` for failures that retrying cannot fix (the
/// notification is dead-lettered at once); any other error is retried with backoff.
public protocol NotificationSink: Sendable {
    /// A short name for logs, metrics and dead letters (`console`, `file`,
    /// `webhook:hooks.example.com`); never a secret.
    var name: String { get }
    /// Delivers one notification; returns when accepted.
    func deliver(_ notification: AttacheModels.Notification) async throws
}

extension NotificationSink {
    public var name: String { String(describing: Self.self) }
}

/// Why a sink did not accept a notification.
public enum SinkError: Error, CustomStringConvertible, Sendable, Hashable {
    /// Retrying cannot help (e.g. HTTP 400, 401, 404): dead-letter now.
    case permanent(String)
    /// It may work later (e.g. HTTP 500, 429, a timeout): retry with backoff.
    case transient(String)

    public var description: String {
        switch self {
        case .permanent(let text): "permanent failure: \(text)"
        case .transient(let text): "transient failure: \(text)"
        }
    }

    /// Whether retrying is pointless.
    public var isPermanent: Bool {
        if case .permanent = self { return true }
        return false
    }
}

/// One readable line per notification on standard output (what `attache demo` shows):
///
///     [notice] anniversary-milestone 5f0c…: Today: 31st anniversary of diplomatic relations …
public struct ConsoleSink: NotificationSink {
    public let name: String
    private let write: @Sendable (String) -> Void

    /// Writes to standard output, or to `write` (one call per line, newline included).
    public init(name: String = "console", write: (@Sendable (String) -> Void)? = nil) {
        self.name = name
        self.write = write ?? ConsoleSink.standardOutput
    }

    /// The line shown for a notification (without the newline).
    public static func line(for notification: AttacheModels.Notification) -> String {
        "[\(notification.severity.rawValue)] \(notification.rule) \(notification.id): \(notification.title)"
    }

    public func deliver(_ notification: AttacheModels.Notification) async throws {
        write(ConsoleSink.line(for: notification) + "\n")
    }

    private static let lock = NSLock()

    /// An unbuffered write of the whole line, so lines of concurrent writers never interleave.
    private static func standardOutput(_ text: String) {
        lock.withLock { FileHandle.standardOutput.write(Data(text.utf8)) }
    }
}

/// Appends each notification as one JSON line (Attache JSON, `attache.notification.v1`) to a
/// file, skipping ids the file already holds, so a redelivery does not add a line.
public actor FileSink: NotificationSink {
    public nonisolated let name: String
    public nonisolated let path: String
    private var ids: Set<String>?

    /// Appends to `path` (created with its directory when missing).
    public init(path: String, name: String = "file") {
        self.path = path
        self.name = name
    }

    /// The ids of the notifications in the file.
    public func storedIDs() throws -> Set<String> {
        try loadIDs()
    }

    public func deliver(_ notification: AttacheModels.Notification) async throws {
        var known = try loadIDs()
        guard !known.contains(notification.id) else { return }
        let line: String
        do {
            line = try AttacheJSON.line(notification)
        } catch {
            throw SinkError.permanent("cannot encode notification \(notification.id): \(error)")
        }
        do {
            try append(line)
        } catch {
            throw SinkError.transient("cannot append to \(path): \(error)")
        }
        known.insert(notification.id)
        ids = known
    }

    private func loadIDs() throws -> Set<String> {
        if let ids { return ids }
        var found: Set<String> = []
        if FileManager.default.fileExists(atPath: path) {
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw SinkError.transient("cannot read \(path): \(error)")
            }
            for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
                // A line cut short by a crash is not a delivery: it is skipped.
                if let probe = try? JSONDecoder().decode(IDProbe.self, from: Data(line)) { found.insert(probe.id) }
            }
        }
        ids = found
        return found
    }

    private func append(_ line: String) throws {
        let url = URL(fileURLWithPath: path)
        let manager = FileManager.default
        if !manager.fileExists(atPath: path) {
            try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            guard manager.createFile(atPath: path, contents: nil) else {
                throw SinkError.transient("cannot create \(path)")
            }
        }
        let handle = try FileHandle(forUpdating: url)
        defer { try? handle.close() }
        let end = try handle.seekToEnd()
        var bytes = Data(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        if end > 0 {
            // After a line cut short by a crash, start on a line of our own.
            try handle.seek(toOffset: end - 1)
            if try handle.read(upToCount: 1) != Data([UInt8(ascii: "\n")]) { bytes.insert(UInt8(ascii: "\n"), at: 0) }
            try handle.seekToEnd()
        }
        try handle.write(contentsOf: bytes)
        try handle.synchronize()
    }

    private struct IDProbe: Decodable {
        var id: String
    }
}
