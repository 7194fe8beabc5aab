import AttacheModels
import Foundation

/// One submission as it arrives, before parsing.
public enum ArticleInput: Sendable, Hashable {
    /// `text/plain` in the seed format: a first line starting with ` date YYYY-MM-DD `, the
    /// article text beginning on that same line.
    case seedText([UInt8])
    /// `application/json`: an object `{published, text, title?, source?}`. `published` is a
    /// `YYYY-MM-DD` string, `text` a non-empty string, `title` and `source` optional strings
    /// (or null); other members are ignored.
    case json([UInt8])

    /// The bytes as submitted.
    public var bytes: [UInt8] {
        switch self {
        case .seedText(let bytes), .json(let bytes): bytes
        }
    }
}

/// The pure article parser of the ingest service: bytes in, an `Article` or a `Rejection`
/// out, with no I/O, no clock and no shared state.
///
/// It reads the seed format and JSON submissions, normalises the text (see
/// `TextNormalisation`), finds the title, an image credit as the source, the dateline, the
/// paragraphs and the countries mentioned, and gives the article its stable id. `Article.text`
/// is the body: the title and credit lines are taken out of it (they are in `title` and
/// `source`), so the same article sent as seed text or as JSON with a separate title gets the
/// same text and id. The dateline stays at the start of the first paragraph.
///
/// Rejections carry a reason code of `RejectionReason`, a detail sentence that names the line
/// and column (1-based; columns count Unicode scalars) where they apply, and the input bytes
/// as payload.
public struct ArticleParser: Sendable {
    /// The largest submission accepted, in bytes (for `parseBatch`, per NDJSON line).
    public let maxBytes: Int

    /// A parser that rejects submissions above `maxBytes` bytes (default 1 MiB) as `too_large`.
    public init(maxBytes: Int = 1 << 20) {
        self.maxBytes = max(0, maxBytes)
    }

    /// Pure: never throws or crashes; always an Article or a Rejection.
    public func parse(_ input: ArticleInput, origin: String, receivedAt: Date) -> Result<Article, Rejection> {
        let bytes = input.bytes
        let result: Result<Parsed, Problem>
        switch input {
        case .seedText: result = parseSeed(bytes, lineOffset: 0)
        case .json: result = parseJSON(bytes, lineOffset: 0)
        }
        return finish(result, bytes: bytes, origin: origin, receivedAt: receivedAt)
    }

    /// Auto-detects seed text vs JSON (for records on articles.raw, whose producers set no
    /// content type): input whose first non-blank character is `{` or `[` is JSON, anything
    /// else is seed text.
    public func parse(raw bytes: [UInt8], origin: String, receivedAt: Date) -> Result<Article, Rejection> {
        parse(ArticleParser.looksLikeJSON(bytes) ? .json(bytes) : .seedText(bytes), origin: origin, receivedAt: receivedAt)
    }

    /// NDJSON batch: one result per non-empty line, with line numbers in rejections' details.
    ///
    /// Each line is a JSON submission as for `.json`; lines holding only whitespace are
    /// skipped; a CR before the LF is ignored. A rejection's `line` is the line of the batch
    /// and its payload that line's bytes. The size limit applies to each line.
    public func parseBatch(ndjson bytes: [UInt8], origin: String, receivedAt: Date) -> [Result<Article, Rejection>] {
        var results: [Result<Article, Rejection>] = []
        var start = 0
        var lineNumber = 0
        let n = bytes.count
        while start < n {
            lineNumber += 1
            var end = start
            while end < n, bytes[end] != 0x0A { end += 1 }
            var contentEnd = end
            if contentEnd > start, bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            let line = Array(bytes[start..<contentEnd])
            start = end + 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            var result: Result<Parsed, Problem>
            if let problem = sizeProblem(line.count, line: lineNumber) {
                result = .failure(problem)
            } else {
                result = parseJSON(line, lineOffset: lineNumber - 1)
            }
            // Every rejection of a batch names its line, even those without a column.
            if case .failure(var problem) = result, problem.line == nil {
                problem.line = lineNumber
                result = .failure(problem)
            }
            results.append(finish(result, bytes: line, origin: origin, receivedAt: receivedAt))
        }
        return results
    }

    /// Whether bytes look like JSON: the first character after whitespace and a BOM is `{` or `[`.
    public static func looksLikeJSON(_ bytes: [UInt8]) -> Bool {
        var i = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
        return i < bytes.count && (bytes[i] == UInt8(ascii: "{") || bytes[i] == UInt8(ascii: "["))
    }

    // MARK: - Internals

    /// What a submission yields before the Article is assembled.
    struct Parsed {
        var published: Day
        var layout: ArticleLayout
    }

    private func finish(_ result: Result<Parsed, Problem>, bytes: [UInt8], origin: String, receivedAt: Date) -> Result<Article, Rejection> {
        switch result {
        case .failure(let problem):
            return .failure(problem.rejection(origin: origin, payload: bytes, at: receivedAt))
        case .success(let parsed):
            return .success(ArticleParser.article(parsed, origin: origin, receivedAt: receivedAt))
        }
    }

    static func article(_ parsed: Parsed, origin: String, receivedAt: Date) -> Article {
        let layout = parsed.layout
        let text = layout.paragraphs.joined(separator: "\n\n")
        var spans: [TextSpan] = []
        spans.reserveCapacity(layout.paragraphs.count)
        var offset = 0
        for paragraph in layout.paragraphs {
            // Scalars = UTF-8 lead bytes (faster than walking the scalar view).
            var length = 0
            for byte in paragraph.utf8 where byte & 0xC0 != 0x80 { length += 1 }
            spans.append(TextSpan(start: offset, end: offset + length))
            offset += length + 2
        }
        var countries = Set(Countries.mentioned(in: text))
        if let title = layout.title { countries.formUnion(Countries.mentioned(in: title)) }
        if let place = layout.dateline?.place, let code = ArticleLayout.countryCode(ofPlace: place) { countries.insert(code) }
        return Article(id: StableID.article(published: parsed.published, normalisedText: text), published: parsed.published,
                       title: layout.title, dateline: layout.dateline, source: layout.source, text: text,
                       paragraphs: spans, countries: countries.sorted(), receivedAt: receivedAt, origin: origin)
    }

    private func sizeProblem(_ count: Int, line: Int?) -> Problem? {
        guard count > maxBytes else { return nil }
        var limit = "\(grouped(maxBytes)) bytes"
        if maxBytes >= 1 << 20, maxBytes % (1 << 20) == 0 { limit += " (\(maxBytes >> 20) MiB)" }
        else if maxBytes >= 1 << 10, maxBytes % (1 << 10) == 0 { limit += " (\(maxBytes >> 10) KiB)" }
        let what = line == nil ? "the submission" : "this NDJSON line"
        return Problem(.tooLarge, "\(what.prefix(1).uppercased() + what.dropFirst()) is \(grouped(count)) bytes, over the limit of \(limit); split it into smaller articles.",
                       line: line)
    }

    private func parseSeed(_ bytes: [UInt8], lineOffset: Int) -> Result<Parsed, Problem> {
        if let problem = sizeProblem(bytes.count, line: nil) { return .failure(problem) }
        let scalars: [Unicode.Scalar]
        switch ByteScanner.decode(bytes, lineOffset: lineOffset) {
        case .failure(let problem): return .failure(problem)
        case .success(let decoded): scalars = decoded
        }
        let published: Day
        let bodyStart: Int
        switch DateLine.parse(scalars, lineOffset: lineOffset) {
        case .failure(let problem): return .failure(problem)
        case .success(let found): (published, bodyStart) = found
        }
        let paragraphs = TextNormalisation.paragraphs(of: TextNormalisation.mapCharacters(scalars[bodyStart...]))
        let layout = ArticleLayout(paragraphs: paragraphs)
        guard ArticleParser.hasWords(layout.paragraphs) else {
            let (line, column) = ByteScanner.position(of: bodyStart, in: scalars)
            return .failure(Problem(.emptyBody, "there is no article text after the date \(published); the article must follow the date, on the same line or the next ones.",
                                    line: line + lineOffset, column: column))
        }
        return .success(Parsed(published: published, layout: layout))
    }

    static func hasWords(_ paragraphs: [String]) -> Bool {
        paragraphs.contains { $0.unicodeScalars.contains { $0.properties.isAlphabetic || $0.properties.numericType != nil } }
    }

    /// Line and column (1-based, columns in scalars) of a byte offset.
    static func position(ofByte offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        var i = 0
        let end = min(offset, bytes.count)
        while i < end {
            let b = bytes[i]
            if b == 0x0A {
                if !(i > 0 && bytes[i - 1] == 0x0D) { line += 1 }
                column = 1
            } else if b == 0x0D {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 {
                column += 1
            }
            i += 1
        }
        return (line, column)
    }

    private func parseJSON(_ bytes: [UInt8], lineOffset: Int) -> Result<Parsed, Problem> {
        if let problem = sizeProblem(bytes.count, line: nil) { return .failure(problem) }
        if case .failure(let problem) = ByteScanner.decode(bytes, lineOffset: lineOffset) { return .failure(problem) }
        var body = bytes
        var shift = 0
        if body.count >= 3, body[0] == 0xEF, body[1] == 0xBB, body[2] == 0xBF { body.removeFirst(3); shift = 3 }
        func at(_ offset: Int) -> (line: Int, column: Int) {
            let p = ArticleParser.position(ofByte: offset + shift, in: bytes)
            return (p.line + lineOffset, p.column)
        }
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            return .failure(Problem(.emptyBody, "the submission is empty; send a JSON object {\"published\": \"YYYY-MM-DD\", \"text\": \"…\"}.",
                                    line: lineOffset + 1, column: 1))
        }
        let members: [MiniJSON.Member]
        switch MiniJSON.topLevelObject(body) {
        case .failure(let failure):
            let (line, column) = at(failure.offset)
            return .failure(Problem(.invalidJSON, "invalid JSON: " + failure.message, line: line, column: column, byteOffset: failure.offset + shift))
        case .success(let found): members = found
        }
        var fields: [String: MiniJSON.Member] = [:]
        for member in members where ["published", "text", "title", "source"].contains(member.key) {
            if let earlier = fields[member.key] {
                let (line, column) = at(member.offset)
                let first = at(earlier.offset)
                return .failure(Problem(.invalidField, "the field \"\(member.key)\" appears twice (first at line \(first.line), column \(first.column)); give it once.",
                                        line: line, column: column))
            }
            fields[member.key] = member
        }
        func expectString(_ name: String, _ what: String) -> Result<(String, Int)?, Problem> {
            guard let member = fields[name] else { return .success(nil) }
            switch member.value {
            case .string(let s): return .success((s, member.offset))
            case .null where name == "title" || name == "source": return .success(nil)
            default:
                let (line, column) = at(member.offset)
                return .failure(Problem(.invalidField, "the field \"\(name)\" must be \(what), but it is \(member.value.typeName).",
                                        line: line, column: column))
            }
        }
        func checkControls(_ name: String, _ value: String, _ offset: Int) -> Problem? {
            guard let bad = value.unicodeScalars.first(where: { ByteScanner.isForbiddenControl($0.value) }) else { return nil }
            let (line, column) = at(offset)
            return Problem(.binaryData, "the field \"\(name)\" holds the control character \(codePoint(bad.value)), which means binary data, not article text; send plain text.",
                           line: line, column: column)
        }
        // published
        let published: Day
        switch expectString("published", "a date string of the form YYYY-MM-DD") {
        case .failure(let problem): return .failure(problem)
        case .success(nil):
            return .failure(Problem(.invalidField, "the JSON object has no field \"published\"; add \"published\": \"YYYY-MM-DD\", the publication date as a string."))
        case .success(let .some((value, offset))):
            switch DateValidation.day(value, inDateLine: false) {
            case .success(let day): published = day
            case .failure(let error):
                let (line, column) = at(offset)
                return .failure(Problem(.invalidDate, "in the field \"published\", " + error.message, line: line, column: column))
            }
        }
        // text
        let text: String
        let textOffset: Int
        switch expectString("text", "a string holding the article") {
        case .failure(let problem): return .failure(problem)
        case .success(nil):
            return .failure(Problem(.invalidField, "the JSON object has no field \"text\"; add \"text\": \"…\", the article as a string."))
        case .success(let .some((value, offset))): (text, textOffset) = (value, offset)
        }
        if let problem = checkControls("text", text, textOffset) { return .failure(problem) }
        // title, source
        var given: [String: String] = [:]
        for (name, what) in [("title", "a string (or null)"), ("source", "a string (or null)")] {
            switch expectString(name, what) {
            case .failure(let problem): return .failure(problem)
            case .success(nil): break
            case .success(let .some((value, offset))):
                if let problem = checkControls(name, value, offset) { return .failure(problem) }
                let normalised = TextNormalisation.normaliseLine(value)
                if !normalised.isEmpty { given[name] = normalised }
            }
        }
        // A seed file wrapped in JSON: drop its date line when it repeats `published`.
        var textScalars = Array(text.unicodeScalars)
        if case .success(let found) = DateLine.parse(textScalars), found.published == published {
            textScalars.removeSubrange(0..<found.bodyStart)
        }
        let paragraphs = TextNormalisation.paragraphs(of: TextNormalisation.mapCharacters(textScalars))
        let layout = ArticleLayout(paragraphs: paragraphs, givenTitle: given["title"], givenSource: given["source"])
        guard ArticleParser.hasWords(layout.paragraphs) else {
            let (line, column) = at(textOffset)
            return .failure(Problem(.emptyBody, "the field \"text\" has no article text; send the article in it.", line: line, column: column))
        }
        return .success(Parsed(published: published, layout: layout))
    }
}
