import ArgumentParser
import ArticleParsing
import AttacheModels
import Extraction
import Foundation

/// `attache extract PATH...`: parse and enrich without Kafka.
struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Parse and enrich articles without Kafka: one EnrichedArticle JSON per line.",
        discussion: """
            Cross-article deltas are computed over all inputs in publication order: each line's `deltas` holds the \
            deltas the article contributed to, within itself and with the articles before it. Rejected inputs are \
            reported on standard error with their reason; the exit status is then 1.
            """
    )

    @Argument(help: "Article files (seed format or JSON) or directories of them.")
    var paths: [String]

    @Option(help: "The home country, ISO 3166-1 alpha-2 (ATTACHE_HOME_COUNTRY, default KZ).")
    var home = ProcessInfo.processInfo.environment["ATTACHE_HOME_COUNTRY"] ?? "KZ"

    func run() throws {
        let files = try ArticleFiles.expand(paths)
        let parser = ArticleParser()
        var articles: [Article] = []
        var rejected = 0
        for file in files {
            let bytes = try ArticleFiles.read(file)
            switch parser.parse(raw: bytes, origin: "file:\(file)", receivedAt: Date()) {
            case .success(let article): articles.append(article)
            case .failure(let rejection):
                rejected += 1
                Console.err("\(file): rejected (\(rejection.reason)): \(rejection.detail)")
            }
        }
        for enriched in Enricher(home: home.uppercased()).enrichInPublicationOrder(articles) {
            Console.out(try AttacheJSON.line(enriched))
        }
        if rejected > 0 { throw ExitCode(1) }
    }
}

/// Enrichment without Kafka: the extractor plus one series ledger over all articles.
struct Enricher {
    var home: String

    /// Enriches articles in publication order (then id); each result's `deltas` are the
    /// article's own deltas and those its observations produced in the shared ledger.
    func enrichInPublicationOrder(_ articles: [Article]) -> [EnrichedArticle] {
        let extractor = Extractor(home: home)
        var ledger = SeriesLedger()
        let ordered = articles.sorted { ($0.published, $0.id) < ($1.published, $1.id) }
        return ordered.map { article in
            let extraction = extractor.extract(article)
            var deltas: [String: TradeDelta] = [:]
            for delta in extraction.deltas(article: article) { deltas[delta.id] = delta }
            for observation in extraction.observations(article: article) {
                for delta in ledger.observe(observation) { deltas[delta.id] = delta }
            }
            return EnrichedArticle(
                article: article.summary, figures: extraction.figures,
                deltas: deltas.values.sorted { $0.id < $1.id },
                anniversaries: extraction.anniversaries, enrichedAt: article.receivedAt)
        }
    }
}

/// The article files named on a command line.
enum ArticleFiles {
    /// Files as given, and the files under directories (recursively, sorted).
    static func expand(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ValidationError("\(path): no such file or directory")
            }
            if isDirectory.boolValue {
                let found = FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String } ?? []
                files += found.filter {
                    !$0.hasPrefix(".") && ["txt", "json", "ndjson"].contains(($0 as NSString).pathExtension)
                }
                .sorted().map { (path as NSString).appendingPathComponent($0) }
            } else {
                files.append(path)
            }
        }
        return files
    }

    static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("\(path): cannot be read")
        }
        return Array(data)
    }
}
