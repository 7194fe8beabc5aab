import ArticleParsing
import AttacheModels
import AttacheTesting
import Foundation
import Testing

/// Shared helpers for the parser tests.
enum Fixture {
    static let received = Date(timeIntervalSince1970: 1_700_000_000)
    static let parser = ArticleParser()

    /// The repository's `seeds/` directory (found from this file, following symlinks).
    static var seedsDirectory: URL {
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("seeds")
    }

    /// The seed whose file name starts with `prefix` (e.g. `000`).
    static func seed(_ prefix: String) throws -> [UInt8] {
        let names = try FileManager.default.contentsOfDirectory(atPath: seedsDirectory.path)
        let name = try #require(
            names.first { $0.hasPrefix(prefix) && $0.hasSuffix(".txt") }, "no seed \(prefix) in \(seedsDirectory.path)")
        return Array(try Data(contentsOf: seedsDirectory.appendingPathComponent(name)))
    }

    static func parse(_ text: String, origin: String = "test") -> Result<Article, Rejection> {
        parser.parse(.seedText(Array(text.utf8)), origin: origin, receivedAt: received)
    }

    static func parseJSON(_ text: String, parser: ArticleParser = Fixture.parser) -> Result<Article, Rejection> {
        parser.parse(.json(Array(text.utf8)), origin: "test", receivedAt: received)
    }

    static func article(_ result: Result<Article, Rejection>, sourceLocation: SourceLocation = #_sourceLocation) throws
        -> Article
    {
        switch result {
        case .success(let article): return article
        case .failure(let rejection):
            Issue.record(
                "expected an article, got \(rejection.reason): \(rejection.detail)", sourceLocation: sourceLocation)
            throw rejection
        }
    }

    static func rejection(_ result: Result<Article, Rejection>, sourceLocation: SourceLocation = #_sourceLocation)
        throws -> Rejection
    {
        switch result {
        case .failure(let rejection): return rejection
        case .success(let article):
            Issue.record("expected a rejection, got article \(article.id)", sourceLocation: sourceLocation)
            throw CancellationError()
        }
    }

    /// The invariants every parsed article keeps: spans in range, ordered, covering exactly the
    /// paragraphs of `text`, trimmed; the id is the hash of the text; the text is normalised.
    static func checkInvariants(_ article: Article, sourceLocation: SourceLocation = #_sourceLocation) {
        let count = article.text.unicodeScalars.count
        var previousEnd = -2
        var pieces: [String] = []
        for span in article.paragraphs {
            #expect(
                span.start >= 0 && span.start < span.end && span.end <= count, "span \(span) out of range 0..<\(count)",
                sourceLocation: sourceLocation)
            #expect(
                span.start == previousEnd + 2, "spans must be separated by one blank line",
                sourceLocation: sourceLocation)
            previousEnd = span.end
            guard let piece = article.text.text(in: span) else {
                Issue.record("span \(span) does not lie within the text", sourceLocation: sourceLocation)
                continue
            }
            #expect(!piece.contains("\n\n"), sourceLocation: sourceLocation)
            #expect(
                piece.first != " " && piece.last != " " && piece.first != "\n" && piece.last != "\n",
                sourceLocation: sourceLocation)
            pieces.append(piece)
        }
        #expect(
            pieces.joined(separator: "\n\n") == article.text, "paragraphs must tile the text",
            sourceLocation: sourceLocation)
        #expect(!article.paragraphs.isEmpty, sourceLocation: sourceLocation)
        #expect(
            article.id == StableID.article(published: article.published, normalisedText: article.text),
            sourceLocation: sourceLocation)
        #expect(
            TextNormalisation.normalise(article.text) == article.text, "normalisation must be idempotent",
            sourceLocation: sourceLocation)
        #expect(article.countries == Array(Set(article.countries)).sorted(), sourceLocation: sourceLocation)
        let unnormalised: Set<Unicode.Scalar> = [
            "\r", "\t", "\u{A0}", "\u{2013}", "\u{2014}", "\u{2019}", "\u{201C}", "\u{201D}", "\u{AB}", "\u{BB}",
            "\u{FEFF}",
        ]
        let bad = article.text.unicodeScalars.first {
            unnormalised.contains($0) || ($0.properties.generalCategory == .control && $0 != "\n")
        }
        #expect(
            bad == nil, "unnormalised scalar \(bad.map { String($0.value, radix: 16) } ?? "") in text",
            sourceLocation: sourceLocation)
    }

    /// The invariants of every rejection: a known reason, a detail that names the line and
    /// column when they are set, the payload and origin of the input.
    static func checkRejection(
        _ rejection: Rejection, input: [UInt8], origin: String = "test",
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(
            RejectionReason(rawValue: rejection.reason) != nil, "unknown reason \(rejection.reason)",
            sourceLocation: sourceLocation)
        #expect(rejection.detail.count > 20, sourceLocation: sourceLocation)
        #expect(rejection.origin == origin, sourceLocation: sourceLocation)
        #expect(rejection.at == received, sourceLocation: sourceLocation)
        #expect(
            rejection.payload == String(decoding: input.prefix(Rejection.maxPayloadBytes), as: UTF8.self),
            sourceLocation: sourceLocation)
        if let line = rejection.line {
            #expect(line >= 1, sourceLocation: sourceLocation)
            if let column = rejection.column {
                #expect(column >= 1, sourceLocation: sourceLocation)
                #expect(
                    rejection.detail.hasPrefix("Line \(line), column \(column)"),
                    "detail must name line and column: \(rejection.detail)", sourceLocation: sourceLocation)
            } else {
                #expect(rejection.detail.hasPrefix("Line \(line)"), sourceLocation: sourceLocation)
            }
        }
    }
}
