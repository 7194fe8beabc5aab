import ArticleParsing
import AttacheModels
import Extraction
import Foundation

/// An annotated corpus on disk: `articles/NNN.txt` (seed format) beside `gold/NNN.json`.
public struct Corpus: Sendable {
    /// One article with its gold annotation.
    public struct Item: Sendable {
        /// The file stem (`001`).
        public var id: String
        public var article: Article
        public var gold: GoldAnnotation
    }

    public var items: [Item]
    /// Files that could not be used, with the reason (a missing gold file, a rejected article,
    /// JSON that does not decode).
    public var problems: [String]

    /// Whether `directory` looks like a corpus (has an `articles` folder).
    public static func exists(at directory: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(
            atPath: (directory as NSString).appendingPathComponent("articles"), isDirectory: &isDirectory)
            && isDirectory.boolValue
    }

    /// Loads every `articles/*.txt` that has a `gold/*.json` of the same stem.
    public static func load(from directory: String) throws -> Corpus {
        let articlesDir = (directory as NSString).appendingPathComponent("articles")
        let goldDir = (directory as NSString).appendingPathComponent("gold")
        guard exists(at: directory) else {
            throw CorpusError("\(directory): no articles/ folder; expected DIR/articles/*.txt and DIR/gold/*.json")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: articlesDir).filter { $0.hasSuffix(".txt") }
            .sorted()
        var items: [Item] = []
        var problems: [String] = []
        let parser = ArticleParser()
        let decoder = JSONDecoder()
        for name in names {
            let stem = String(name.dropLast(4))
            let articlePath = (articlesDir as NSString).appendingPathComponent(name)
            let goldPath = (goldDir as NSString).appendingPathComponent(stem + ".json")
            guard let raw = FileManager.default.contents(atPath: articlePath) else {
                problems.append("\(articlePath): cannot be read"); continue
            }
            guard let goldData = FileManager.default.contents(atPath: goldPath) else {
                problems.append("\(goldPath): missing, so \(name) is not scored"); continue
            }
            let gold: GoldAnnotation
            do { gold = try decoder.decode(GoldAnnotation.self, from: goldData) } catch {
                problems.append("\(goldPath): not a gold annotation: \(error)"); continue
            }
            switch parser.parse(
                raw: Array(raw), origin: "file:\(articlePath)", receivedAt: Date(timeIntervalSince1970: 0))
            {
            case .success(let article): items.append(Item(id: stem, article: article, gold: gold))
            case .failure(let rejection):
                problems.append("\(articlePath): rejected (\(rejection.reason)): \(rejection.detail)")
            }
        }
        return Corpus(items: items, problems: problems)
    }

    /// Runs the extractor over every item and scores it.
    public func evaluate(with extractor: Extractor) -> EvaluationReport {
        let scores = items.map { item in
            Scorer.score(
                id: item.id, article: item.article, extraction: extractor.extract(item.article), gold: item.gold,
                home: extractor.home)
        }
        return EvaluationReport(scores: scores, problems: problems)
    }
}

/// A corpus that cannot be loaded at all.
public struct CorpusError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
