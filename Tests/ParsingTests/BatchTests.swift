import ArticleParsing
import AttacheModels
import AttacheTesting
import Foundation
import Testing

/// NDJSON batches: one result per non-empty line, rejections naming their line.
@Suite("NDJSON batches")
struct BatchTests {
    func batch(_ lines: [String], parser: ArticleParser = Fixture.parser, separator: String = "\n") -> [Result<
        Article, Rejection
    >] {
        parser.parseBatch(
            ndjson: Array(lines.joined(separator: separator).utf8), origin: "http", receivedAt: Fixture.received)
    }

    @Test func mixedGoodAndBadLines() throws {
        let lines = [
            #"{"published": "2023-06-30", "text": "ASTANA - Kazakhstan and Luxembourg met."}"#,  // 1 ok
            #"{"published": "2023-02-30", "text": "Text."}"#,  // 2 invalid_date
            "",  // 3 skipped
            #"{"published": "2023-06-30", "text": 12}"#,  // 4 invalid_field
            "   \t ",  // 5 skipped
            #"{"published": "2023-06-30", "text": "Second article about the EU.", "title": "EU"}"#,  // 6 ok
            #"{"published": "2023-06-30", "text": "x"#,  // 7 invalid_json
            #"{"text": "no date"}"#,  // 8 invalid_field, no column
            #"{"published": "2023-06-30", "text": "   "}"#,  // 9 empty_body
            "",
        ]
        let results = batch(lines)
        #expect(results.count == 7)
        let expected: [(line: Int, reason: String?)] = [
            (1, nil), (2, "invalid_date"), (4, "invalid_field"), (6, nil), (7, "invalid_json"),
            (8, "invalid_field"), (9, "empty_body"),
        ]
        for (result, want) in zip(results, expected) {
            switch result {
            case .success(let article):
                #expect(want.reason == nil, "line \(want.line) should be rejected")
                Fixture.checkInvariants(article)
                #expect(article.origin == "http")
            case .failure(let rejection):
                #expect(rejection.reason == want.reason, "line \(want.line): \(rejection.detail)")
                #expect(rejection.line == want.line)
                #expect(rejection.detail.hasPrefix("Line \(want.line)"), "\(rejection.detail)")
                #expect(rejection.payload == lines[want.line - 1], "the payload is the line")
                #expect(rejection.origin == "http")
            }
        }
        let first = try Fixture.article(results[0])
        #expect(first.countries == ["KZ", "LU"])
        #expect(first.dateline == Dateline(place: "ASTANA"))
        let second = try Fixture.article(results[3])
        #expect(second.title == "EU" && second.countries == ["EU"])
        // Columns point into the line: `2023-02-30` is the value at column 15 of line 2.
        let invalidDate = try Fixture.rejection(results[1])
        #expect(invalidDate.column == 15)
        #expect(invalidDate.detail.hasPrefix("Line 2, column 15: "))
    }

    @Test func crlfAndNoFinalNewline() throws {
        let results = batch(
            [#"{"published": "2023-06-30", "text": "One."}"#, #"{"published": "2023-06-30", "text": "Two."}"#],
            separator: "\r\n")
        #expect(results.count == 2)
        #expect(try results.map { try $0.get().text } == ["One.", "Two."])
    }

    @Test func sameArticleTwiceHasTheSameID() throws {
        let results = batch([
            #"{"published": "2023-06-30", "text": "Same  text.\n"}"#,
            #"{"published":"2023-06-30","text":"Same\u00A0text."}"#,
        ])
        let ids = try results.map { try $0.get().id }
        #expect(ids.count == 2 && ids[0] == ids[1])
    }

    @Test func emptyBatch() {
        #expect(batch([]).isEmpty)
        #expect(batch(["", "  ", "\r"]).isEmpty)
    }

    @Test func perLineProblemsOfBytes() throws {
        var bytes = Array(#"{"published": "2023-06-30", "text": "ok"}"#.utf8) + [0x0A]
        bytes += Array(#"{"published": "2023-06-30", "text": "caf"#.utf8) + [0xE9] + Array(#""}"#.utf8) + [0x0A]
        bytes += Array(#"{"published": "2023-06-30", "text": "a"#.utf8) + [0x00] + Array(#""}"#.utf8) + [0x0A]
        bytes += Array(" date 2023-06-30 seed text is not NDJSON".utf8) + [0x0A]
        let results = Fixture.parser.parseBatch(ndjson: bytes, origin: "http", receivedAt: Fixture.received)
        #expect(results.count == 4)
        #expect((try? results[0].get()) != nil)
        let utf8 = try Fixture.rejection(results[1])
        #expect(utf8.reason == "invalid_utf8" && utf8.line == 2 && utf8.column == 41)
        let binary = try Fixture.rejection(results[2])
        #expect(binary.reason == "binary_data" && binary.line == 3 && binary.column == 39)
        let seed = try Fixture.rejection(results[3])
        #expect(seed.reason == "invalid_json" && seed.line == 4 && seed.column == 2)
    }

    @Test func sizeLimitAppliesPerLine() throws {
        let parser = ArticleParser(maxBytes: 60)
        let short = #"{"published": "2023-06-30", "text": "Short."}"#
        let long = #"{"published": "2023-06-30", "text": "A much longer text that does not fit."}"#
        let results = batch([long, short], parser: parser)
        #expect(results.count == 2)
        let tooLarge = try Fixture.rejection(results[0])
        #expect(tooLarge.reason == "too_large")
        #expect(tooLarge.line == 1)
        #expect(tooLarge.detail.contains("\(long.utf8.count) bytes") && tooLarge.detail.contains("limit of 60 bytes"))
        #expect((try? results[1].get())?.text == "Short.")
    }
}
