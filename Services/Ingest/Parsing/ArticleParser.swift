import AttacheModels
import Foundation

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
        parse(
            ArticleParser.looksLikeJSON(bytes) ? .json(bytes) : .seedText(bytes), origin: origin, receivedAt: receivedAt
        )
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

    private func finish(_ result: Result<Parsed, Problem>, bytes: [UInt8], origin: String, receivedAt: Date) -> Result<
        Article, Rejection
    > {
        switch result {
        case .failure(let problem):
            return .failure(problem.rejection(origin: origin, payload: bytes, at: receivedAt))
        case .success(let parsed):
            return .success(ArticleParser.article(parsed, origin: origin, receivedAt: receivedAt))
        }
    }

    static func article(_ parsed: Parsed, origin: String, receivedAt: Date) -> Article {
        let layout = parsed.layout
        let text = layout.body
        // The countries the body and title mention by name or adjective, found over their
        // UTF-8 (`Countries.mentioned(in:)`): a byte scan, with no copy of the body's scalars.
        var countries = Set(Countries.mentioned(in: text))
        if let title = layout.title { countries.formUnion(Countries.mentioned(in: title)) }
        if let place = layout.dateline?.place, let code = ArticleLayout.countryCode(ofPlace: place) {
            countries.insert(code)
        }
        return Article(
            id: StableID.article(published: parsed.published, normalisedText: text), published: parsed.published,
            title: layout.title, dateline: layout.dateline, source: layout.source, text: text,
            paragraphs: layout.paragraphSpans, countries: countries.sorted(), receivedAt: receivedAt, origin: origin)
    }

    func sizeProblem(_ count: Int, line: Int?) -> Problem? {
        guard count > maxBytes else { return nil }
        var limit = "\(grouped(maxBytes)) bytes"
        if maxBytes >= 1 << 20, maxBytes % (1 << 20) == 0 {
            limit += " (\(maxBytes >> 20) MiB)"
        } else if maxBytes >= 1 << 10, maxBytes % (1 << 10) == 0 {
            limit += " (\(maxBytes >> 10) KiB)"
        }
        let what = line == nil ? "the submission" : "this NDJSON line"
        return Problem(
            .tooLarge,
            "\(what.prefix(1).uppercased() + what.dropFirst()) is \(grouped(count)) bytes, over the limit of \(limit); split it into smaller articles.",
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
        let layout = ArticleLayout(LaidOutText.normalising(scalars[bodyStart...]))
        guard layout.hasWords else {
            let (line, column) = ByteScanner.position(of: bodyStart, in: scalars)
            return .failure(
                Problem(
                    .emptyBody,
                    "there is no article text after the date \(published); the article must follow the date, on the same line or the next ones.",
                    line: line + lineOffset, column: column))
        }
        return .success(Parsed(published: published, layout: layout))
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
}
