import ArticleParsing
import AttacheModels
import AttacheTesting
import Foundation
import Testing

/// Hand-made variants of every rejection, with their reason codes and details.
@Suite("Rejections")
struct RejectionTests {
    /// Parses seed text bytes, expects a rejection with `reason`, checks the common invariants.
    func reject(
        _ bytes: [UInt8], _ reason: RejectionReason, parser: ArticleParser = Fixture.parser, json: Bool = false,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Rejection {
        let result = parser.parse(json ? .json(bytes) : .seedText(bytes), origin: "test", receivedAt: Fixture.received)
        let rejection = try Fixture.rejection(result, sourceLocation: sourceLocation)
        #expect(
            rejection.reason == reason.rawValue, "\(rejection.reason): \(rejection.detail)",
            sourceLocation: sourceLocation)
        Fixture.checkRejection(rejection, input: bytes, sourceLocation: sourceLocation)
        return rejection
    }

    func reject(
        _ text: String, _ reason: RejectionReason, json: Bool = false, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Rejection {
        try reject(Array(text.utf8), reason, json: json, sourceLocation: sourceLocation)
    }

    // MARK: missing_date_line

    @Test func missingDateLine() throws {
        let r = try reject("ASTANA - President Tokayev met the minister.\n\nMore text.", .missingDateLine)
        #expect(r.line == 1 && r.column == 1)
        #expect(r.detail.contains("date YYYY-MM-DD"))
        #expect(r.detail.contains("ASTANA - President"))
    }

    @Test func missingDateLineAfterBlankLines() throws {
        let r = try reject("\n\n   Published 2023-06-30: text", .missingDateLine)
        #expect(r.line == 3 && r.column == 4)
        #expect(r.detail.hasPrefix("Line 3, column 4: "))
    }

    @Test(
        "words that only start like the date line",
        arguments: ["dated 2023-06-30 text", "2023-06-30 text", "datum 2023-06-30 text", "date2023-06-30 text"])
    func notADateLine(_ text: String) throws {
        _ = try reject(text, .missingDateLine)
    }

    // MARK: invalid_date

    @Test func dayThatDoesNotExist() throws {
        let r = try reject(" date 2023-02-30 ASTANA - Text.", .invalidDate)
        #expect(r.line == 1 && r.column == 7)
        #expect(r.detail.contains("2023-02-30"))
        #expect(r.detail.contains("February 2023 has 28 days"))
        #expect(r.detail.contains("day is 30"))
    }

    @Test func monthOutOfRange() throws {
        let r = try reject("date 2023-13-01 Text.", .invalidDate)
        #expect(r.column == 6)
        #expect(r.detail.contains("month 13"))
    }

    @Test func yearZero() throws {
        let r = try reject(" date 0000-01-01 Text.", .invalidDate)
        #expect(r.detail.contains("year 0000"))
    }

    @Test func shortMonth() throws {
        let r = try reject(" date 2023-6-30 Text.", .invalidDate)
        #expect(r.detail.contains("month must have two digits"))
    }

    @Test func slashes() throws {
        let r = try reject(" date 2023/06/30 Text.", .invalidDate)
        #expect(r.detail.contains("YYYY-MM-DD"))
        #expect(r.detail.contains("2023/06/30"))
    }

    @Test func dateRunsIntoText() throws {
        let r = try reject(" date 2023-06-30ASTANA - Text.", .invalidDate)
        #expect(r.detail.contains("put a space"))
    }

    @Test func noDateAfterTheWord() throws {
        let r = try reject(" date\nASTANA - Text.", .invalidDate)
        #expect(r.detail.contains("no date"))
    }

    @Test func leapDayIsFine() throws {
        let article = try Fixture.article(Fixture.parse(" date 2024-02-29 Text of a leap day."))
        #expect(article.published == Day(year: 2024, month: 2, day: 29))
        let r = try reject(" date 2100-02-29 Text.", .invalidDate)
        #expect(r.detail.contains("February 2100 has 28 days"))
    }

    @Test func dateOnTheNextLine() throws {
        let r = try reject("\n date 2023-04-31\nText.", .invalidDate)
        #expect(r.line == 2 && r.column == 7)
        #expect(r.detail.contains("April 2023 has 30 days"))
    }

    // MARK: empty_body

    @Test(
        "nothing after the date",
        arguments: [
            " date 2023-06-30", " date 2023-06-30 ", " date 2023-06-30 \n\n \t\n\u{A0}\n",
            "date: 2023-06-30 --- ... \n\n \"\"",
        ])
    func emptyBody(_ text: String) throws {
        let r = try reject(text, .emptyBody)
        #expect(r.line == 1)
        #expect(r.detail.contains("no article text"))
    }

    @Test func emptySubmission() throws {
        let r = try reject("", .emptyBody)
        #expect(r.detail.contains("empty"))
        _ = try reject(" \n\r\n ", .emptyBody)
    }

    // MARK: invalid_utf8

    @Test func invalidUTF8WithOffsetLineAndColumn() throws {
        // "ab" on line 2, then 0xC3 0x28 (a lead byte followed by '(').
        let bytes = Array(" date 2023-06-30 Title\nab".utf8) + [0xC3, 0x28] + Array(" text".utf8)
        let r = try reject(bytes, .invalidUTF8)
        #expect(r.line == 2 && r.column == 3)
        #expect(r.detail.contains("byte offset 25"))
        #expect(r.detail.contains("0xC3 0x28"))
        #expect(r.detail.contains("UTF-8"))
    }

    @Test(
        "malformed sequences",
        arguments: [
            [0xC0, 0x80] as [UInt8],  // overlong NUL
            [0xE0, 0x80, 0x80],  // overlong
            [0xED, 0xA0, 0x80],  // UTF-16 surrogate
            [0xF4, 0x90, 0x80, 0x80],  // above U+10FFFF
            [0x80],  // lone continuation byte
            [0xFF],  // never in UTF-8
            [0xE9, 0x74, 0xE9],  // Latin-1 "été"
        ])
    func malformed(_ bad: [UInt8]) throws {
        let bytes = Array(" date 2023-06-30 Text é ".utf8) + bad + Array(" more".utf8)
        let r = try reject(bytes, .invalidUTF8)
        #expect(r.line == 1 && r.column == 25)
        #expect(r.detail.contains("byte offset 25"))
    }

    @Test func truncatedAtTheEnd() throws {
        let bytes = Array(" date 2023-06-30 Text\n\nEnd ".utf8) + [0xE2, 0x80]
        let r = try reject(bytes, .invalidUTF8)
        #expect(r.line == 3 && r.column == 5)
        #expect(r.detail.contains("cut off"))
    }

    @Test func utf16() throws {
        let bytes: [UInt8] = [0xFF, 0xFE] + Array(" date 2023-06-30 Text".utf8).flatMap { [$0, 0] }
        let r = try reject(bytes, .invalidUTF8)
        #expect(r.detail.contains("UTF-16"))
        #expect(r.line == 1 && r.column == 1)
    }

    @Test func invalidUTF8InJSON() throws {
        let bytes = Array("{\"published\": \"2023-06-30\",\n \"text\": \"caf".utf8) + [0xE9] + Array("\"}".utf8)
        let r = try reject(bytes, .invalidUTF8, json: true)
        #expect(r.line == 2 && r.column == 14)
    }

    // MARK: binary_data

    @Test func nulByte() throws {
        let bytes = Array(" date 2023-06-30 Title\n\nab".utf8) + [0x00] + Array("cd".utf8)
        let r = try reject(bytes, .binaryData)
        #expect(r.line == 3 && r.column == 3)
        #expect(r.detail.contains("U+0000 (NUL)"))
        #expect(r.detail.contains("binary"))
    }

    @Test("control characters", arguments: [0x01, 0x07, 0x08, 0x1B, 0x1F, 0x7F] as [UInt8])
    func controlBytes(_ byte: UInt8) throws {
        let bytes = Array(" date 2023-06-30 Text".utf8) + [byte]
        let r = try reject(bytes, .binaryData)
        #expect(r.column == 22)
    }

    @Test func c1Control() throws {
        let r = try reject(" date 2023-06-30 Text \u{90} more", .binaryData)
        #expect(r.detail.contains("U+0090"))
    }

    @Test func gzipIsBinary() throws {
        let gzip: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03]
        let result = Fixture.parser.parse(raw: gzip, origin: "test", receivedAt: Fixture.received)
        let r = try Fixture.rejection(result)
        #expect(r.reason == "binary_data")
    }

    @Test func escapedNULInJSONText() throws {
        let r = try reject("{\"published\": \"2023-06-30\", \"text\": \"a\\u0000b\"}", .binaryData, json: true)
        #expect(r.detail.contains("\"text\""))
        #expect(r.line == 1 && r.column == 37)
    }

    @Test("escaped C1 controls in JSON fields: U+0090 is binary data, NEL (U+0085) is a line break")
    func escapedC1ControlsInJSON() throws {
        let text = try reject(
            "{\"published\": \"2023-06-30\", \"text\": \"Text\\u0085more \\u0090 end\"}", .binaryData, json: true)
        #expect(text.detail.contains("\"text\"") && text.detail.contains("U+0090"), "\(text.detail)")
        let title = try reject(
            "{\"published\": \"2023-06-30\", \"text\": \"Text.\", \"title\": \"A \\u009b title\"}", .binaryData,
            json: true)
        #expect(title.detail.contains("\"title\"") && title.detail.contains("U+009B"), "\(title.detail)")
        let article = try Fixture.article(
            Fixture.parseJSON("{\"published\": \"2023-06-30\", \"text\": \"Text\\u0085more \\u00a0end.\"}"))
        #expect(article.text == "Text\nmore end.")
    }

    @Test func allowedControlsAreText() throws {
        // Tab, CR, VT, FF and NEL are whitespace, not binary.
        let article = try Fixture.article(
            Fixture.parse(" date 2023-06-30 A\ttext\u{0B}on\u{0C}lines\u{85}and\r\nmore."))
        #expect(article.text == "A text\non\n\nlines\nand\nmore.")
    }

    // MARK: too_large

    @Test func tooLarge() throws {
        let parser = ArticleParser(maxBytes: 100)
        let text = " date 2023-06-30 " + String(repeating: "x", count: 84)
        #expect(text.utf8.count == 101)
        let r = try reject(Array(text.utf8), .tooLarge, parser: parser)
        #expect(r.detail.contains("101 bytes"))
        #expect(r.detail.contains("limit of 100 bytes"))
        #expect(r.line == nil && r.column == nil)
        // At the limit it is accepted.
        let ok = parser.parse(.seedText(Array(text.utf8.dropLast())), origin: "test", receivedAt: Fixture.received)
        #expect((try? ok.get()) != nil)
    }

    @Test func tooLargeAtTheDefaultLimit() throws {
        var bytes = Array(" date 2023-06-30 ".utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "a"), count: (1 << 20) + 1 - bytes.count)
        let r = try reject(bytes, .tooLarge)
        #expect(r.detail.contains("1,048,577 bytes"))
        #expect(r.detail.contains("1,048,576 bytes (1 MiB)"))
        #expect(r.payload.utf8.count == Rejection.maxPayloadBytes)
        let json = try reject(Array("{\"text\": \"".utf8) + bytes, .tooLarge, json: true)
        #expect(json.detail.contains("1 MiB"))
    }

    // MARK: invalid_json

    @Test func trailingComma() throws {
        let r = try reject("{\"published\": \"2023-06-30\", \"text\": \"Text\",}", .invalidJSON, json: true)
        #expect(r.line == 1 && r.column == 44)
        #expect(r.detail.contains("member name"))
    }

    @Test func errorOnALaterLine() throws {
        let r = try reject("{\n  \"published\": \"2023-06-30\",\n  \"text\" \"Text\"\n}", .invalidJSON, json: true)
        #expect(r.line == 3 && r.column == 10)
        #expect(r.detail.contains("':'"))
    }

    @Test(
        "not an object or not JSON",
        arguments: [
            ("[1, 2]", "array"), ("\"text\"", "string"), ("42", "number"), ("{\"text\": \"a\"", "ends early"),
            ("{\"text\": \"a}", "never closed"), ("{\"a\": 1} {\"b\": 2}", "after the end"), ("{\"a\": tru}", "'true'"),
            ("{\"a\": \"\\q\"}", "not a JSON escape"), ("{\"a\": \"\\uD800\"}", "surrogate"), ("{\"a\": 01}", "','"),
            ("{\"a\": \"line\nbreak\"}", "must be escaped"), ("{'a': 1}", "member name"),
        ])
    func malformedJSON(_ text: String, _ mention: String) throws {
        let r = try reject(text, .invalidJSON, json: true)
        #expect(r.detail.contains(mention), "\(r.detail)")
        #expect(r.line != nil && r.column != nil)
    }

    @Test func deeplyNestedJSONDoesNotCrash() throws {
        let text = "{\"x\": " + String(repeating: "[", count: 100_000)
        let r = try reject(text, .invalidJSON, json: true)
        #expect(r.detail.contains("nested"))
    }

    @Test func emptyJSON() throws {
        _ = try reject("  \n", .emptyBody, json: true)
    }

    // MARK: invalid_field

    @Test func publishedOfTheWrongType() throws {
        let r = try reject("{\"published\": 20230630, \"text\": \"Text\"}", .invalidField, json: true)
        #expect(r.detail.contains("\"published\""))
        #expect(r.detail.contains("must be a date string of the form YYYY-MM-DD"))
        #expect(r.detail.contains("a number"))
        #expect(r.line == 1 && r.column == 15)
    }

    @Test func textOfTheWrongType() throws {
        let r = try reject("{\"published\": \"2023-06-30\",\n\"text\": [\"a\", \"b\"]}", .invalidField, json: true)
        #expect(r.detail.contains("\"text\" must be a string"))
        #expect(r.detail.contains("an array"))
        #expect(r.line == 2 && r.column == 9)
    }

    @Test(
        "optional fields of the wrong type",
        arguments: [
            ("title", "5", "a number"), ("source", "{\"name\": \"gov.kz\"}", "an object"),
            ("title", "true", "a boolean"),
        ])
    func optionalField(_ name: String, _ value: String, _ found: String) throws {
        let r = try reject(
            "{\"published\": \"2023-06-30\", \"text\": \"Text\", \"\(name)\": \(value)}", .invalidField, json: true)
        #expect(r.detail.contains("\"\(name)\" must be a string (or null)"))
        #expect(r.detail.contains(found))
    }

    @Test func missingFields() throws {
        let noDate = try reject("{\"text\": \"Text\"}", .invalidField, json: true)
        #expect(noDate.detail.contains("no field \"published\""))
        let noText = try reject("{\"published\": \"2023-06-30\", \"body\": \"Text\"}", .invalidField, json: true)
        #expect(noText.detail.contains("no field \"text\""))
        let nullText = try reject("{\"published\": \"2023-06-30\", \"text\": null}", .invalidField, json: true)
        #expect(nullText.detail.contains("null"))
    }

    @Test func duplicateField() throws {
        let r = try reject(
            "{\"published\": \"2023-06-30\", \"text\": \"A\", \"text\": \"B\"}", .invalidField, json: true)
        #expect(r.detail.contains("appears twice"))
        #expect(r.detail.contains("line 1, column 37"))
    }

    @Test func invalidPublishedDate() throws {
        let r = try reject("{\"published\": \"2023-02-30\", \"text\": \"Text\"}", .invalidDate, json: true)
        #expect(r.detail.contains("\"published\""))
        #expect(r.detail.contains("February 2023 has 28 days"))
        #expect(r.line == 1 && r.column == 15)
    }

    @Test func publishedWithATime() throws {
        let r = try reject("{\"published\": \"2023-06-30T10:00:00Z\", \"text\": \"Text\"}", .invalidDate, json: true)
        #expect(r.detail.contains("give only the date 2023-06-30"))
    }

    @Test func emptyText() throws {
        let r = try reject("{\"published\": \"2023-06-30\", \"text\": \" \\n \"}", .emptyBody, json: true)
        #expect(r.detail.contains("\"text\""))
        _ = try reject("{\"published\": \"2023-06-30\", \"text\": \"\"}", .emptyBody, json: true)
    }

    @Test func unknownFieldsAndNullOptionalsAreAccepted() throws {
        let article = try Fixture.article(
            Fixture.parseJSON(
                "{\"id\": 7, \"published\": \"2023-06-30\", \"title\": null, \"source\": \"  Akorda \", \"text\": \"ASTANA - Text.\", \"tags\": [{}], \"x\": null}"
            ))
        #expect(article.title == nil)
        #expect(article.source == "Akorda")
        #expect(article.dateline == Dateline(place: "ASTANA"))
        #expect(article.text == "ASTANA - Text.")
    }

    @Test func rejectionsEncodeAsRecords() throws {
        let r = try reject(" date 2023-02-30 Text.", .invalidDate)
        let decoded = try AttacheJSON.decode(Rejection.self, from: try AttacheJSON.encode(r))
        #expect(decoded == r)
        #expect(r.key == StableID.submission(origin: "test", payload: " date 2023-02-30 Text."))
    }

    @Test func everyReasonCodeIsExercised() {
        #expect(
            Set(RejectionReason.allCases.map(\.rawValue)) == [
                "missing_date_line", "invalid_date", "empty_body", "invalid_utf8", "binary_data", "too_large",
                "invalid_json", "invalid_field",
            ])
    }
}
