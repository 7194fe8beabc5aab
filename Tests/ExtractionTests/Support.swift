import AttacheModels
import AttacheTesting
import Foundation

@testable import Extraction

/// Test helpers: articles from seed files or from a sentence, without the ingest parser.
enum Fixtures {
    /// The repository's `seeds/` directory, found from this file (symlinks resolved).
    static let seedsDirectory: URL = {
        var url = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            url = url.deletingLastPathComponent()
            let candidate = url.appendingPathComponent("seeds")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
        }
        return URL(fileURLWithPath: "seeds")
    }()

    static let seedFiles: [URL] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: seedsDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".txt") }.sorted().map { seedsDirectory.appendingPathComponent($0) }
    }()

    /// An article repeating one trade sentence, and its extraction with `count` figures copied
    /// from the sentence's, each in year `1900 + k % 90` and then changed by `change` (for tests
    /// that need more series and periods than the short lists hold).
    static func manyFigures(
        _ count: Int, change: (Int, inout Figure) -> Void = { _, _ in }
    ) -> (Article, Extraction) {
        let text = String(
            repeating:
                "Trade between Kazakhstan and Germany reached $5 million in 2023, compared to $4 million in 2022. ",
            count: 50)
        let article = Fixtures.article(text)
        var e = Fixtures.extractor.extract(article)
        let figures = e.figures
        e.figures = (0..<count).map { k in
            var f = figures[k % figures.count]
            f.period = Period.year(1900 + k % 90)
            change(k, &f)
            return f
        }
        return (article, e)
    }

    /// Builds an article from the seed format: ` date YYYY-MM-DD ` then the text.
    static func article(seedText raw: String) -> Article? {
        let prefix = " date "
        guard raw.hasPrefix(prefix) else { return nil }
        let afterPrefix = raw.dropFirst(prefix.count)
        let dateText = afterPrefix.prefix(10)
        guard let day = Day(iso: dateText) else { return nil }
        var text = String(afterPrefix.dropFirst(10))
        if text.hasPrefix(" ") { text.removeFirst() }
        return article(text, published: day)
    }

    static func article(_ text: String, published: Day) -> Article {
        Article(
            id: StableID.article(published: published, normalisedText: text), published: published, title: nil,
            dateline: nil, source: nil, text: text, paragraphs: [], countries: Countries.mentioned(in: text),
            receivedAt: Date(timeIntervalSince1970: 0), origin: "test")
    }

    /// A hand-made article published on `date` (default 2024-05-15).
    static func article(_ text: String, date: String = "2024-05-15") -> Article {
        article(text, published: Day(iso: date)!)
    }

    /// The seed whose file name starts with `number` (`"000"`).
    static func seed(_ number: String) -> Article {
        let url = seedFiles.first { $0.lastPathComponent.hasPrefix(number) }!
        let raw = try! String(contentsOf: url, encoding: .utf8)
        return article(seedText: raw)!
    }

    static var allSeeds: [Article] {
        seedFiles.map { article(seedText: try! String(contentsOf: $0, encoding: .utf8))! }
    }

    static let extractor = Extractor(home: "KZ")

    static func extract(_ text: String, date: String = "2024-05-15") -> Extraction {
        extractor.extract(article(text, date: date))
    }
}
