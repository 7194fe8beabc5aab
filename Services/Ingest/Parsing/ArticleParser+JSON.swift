import AttacheModels
import Foundation

/// JSON submissions (`ArticleInput.json`): one object `{published, text, title?, source?}`,
/// checked member by member so that each problem names its field, line and column.
extension ArticleParser {
    /// The `Parsed` article of a JSON submission, or the first problem found in it.
    func parseJSON(_ bytes: [UInt8], lineOffset: Int) -> Result<Parsed, Problem> {
        if let problem = sizeProblem(bytes.count, line: nil) { return .failure(problem) }
        if let problem = ByteScanner.validate(bytes, lineOffset: lineOffset) { return .failure(problem) }
        var body = bytes
        var shift = 0
        if body.count >= 3, body[0] == 0xEF, body[1] == 0xBB, body[2] == 0xBF { body.removeFirst(3); shift = 3 }
        func at(_ offset: Int) -> (line: Int, column: Int) {
            let p = ArticleParser.position(ofByte: offset + shift, in: bytes)
            return (p.line + lineOffset, p.column)
        }
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            return .failure(
                Problem(
                    .emptyBody,
                    "the submission is empty; send a JSON object {\"published\": \"YYYY-MM-DD\", \"text\": \"…\"}.",
                    line: lineOffset + 1, column: 1))
        }
        let members: [MiniJSON.Member]
        switch MiniJSON.topLevelObject(body) {
        case .failure(let failure):
            let (line, column) = at(failure.offset)
            return .failure(
                Problem(
                    .invalidJSON, "invalid JSON: " + failure.message, line: line, column: column,
                    byteOffset: failure.offset + shift))
        case .success(let found): members = found
        }
        var fields: [String: MiniJSON.Member] = [:]
        for member in members where ["published", "text", "title", "source"].contains(member.key) {
            if let earlier = fields[member.key] {
                let (line, column) = at(member.offset)
                let first = at(earlier.offset)
                return .failure(
                    Problem(
                        .invalidField,
                        "the field \"\(member.key)\" appears twice (first at line \(first.line), column \(first.column)); give it once.",
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
                return .failure(
                    Problem(
                        .invalidField, "the field \"\(name)\" must be \(what), but it is \(member.value.typeName).",
                        line: line, column: column))
            }
        }
        func checkControls(_ name: String, _ value: String, _ offset: Int) -> Problem? {
            guard let bad = ByteScanner.firstForbiddenControl(in: value) else { return nil }
            let (line, column) = at(offset)
            return Problem(
                .binaryData,
                "the field \"\(name)\" holds the control character \(codePoint(bad)), which means binary data, not article text; send plain text.",
                line: line, column: column)
        }
        // published
        let published: Day
        switch expectString("published", "a date string of the form YYYY-MM-DD") {
        case .failure(let problem): return .failure(problem)
        case .success(nil):
            return .failure(
                Problem(
                    .invalidField,
                    "the JSON object has no field \"published\"; add \"published\": \"YYYY-MM-DD\", the publication date as a string."
                ))
        case .success(let .some((value, offset))):
            switch DateValidation.day(value, inDateLine: false) {
            case .success(let day): published = day
            case .failure(let error):
                let (line, column) = at(offset)
                return .failure(
                    Problem(.invalidDate, "in the field \"published\", " + error.message, line: line, column: column))
            }
        }
        // text
        let text: String
        let textOffset: Int
        switch expectString("text", "a string holding the article") {
        case .failure(let problem): return .failure(problem)
        case .success(nil):
            return .failure(
                Problem(
                    .invalidField,
                    "the JSON object has no field \"text\"; add \"text\": \"…\", the article as a string."))
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
        let textScalars = [Unicode.Scalar](scalarsOf: text)
        var bodyStart = 0
        if DateLine.startsWithDateWord(textScalars), case .success(let found) = DateLine.parse(textScalars),
            found.published == published
        {
            bodyStart = found.bodyStart
        }
        let layout = ArticleLayout(
            LaidOutText.normalising(textScalars[bodyStart...]), givenTitle: given["title"], givenSource: given["source"]
        )
        guard layout.hasWords else {
            let (line, column) = at(textOffset)
            return .failure(
                Problem(
                    .emptyBody, "the field \"text\" has no article text; send the article in it.", line: line,
                    column: column))
        }
        return .success(Parsed(published: published, layout: layout))
    }
}
