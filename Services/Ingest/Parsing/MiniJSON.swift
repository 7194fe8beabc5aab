import AttacheModels

/// A small, strict JSON reader (RFC 8259) for article submissions: it reads the top-level
/// object's members with the byte offset of each value, and reports errors with their
/// offset so the parser can name the line and column. Nesting is limited to 64 levels.
enum MiniJSON {
    enum Value: Sendable {
        case string(String)
        case number
        case bool
        case null
        case array
        case object

        /// How a detail sentence names the type.
        var typeName: String {
            switch self {
            case .string: "a string"
            case .number: "a number"
            case .bool: "a boolean"
            case .null: "null"
            case .array: "an array"
            case .object: "an object"
            }
        }
    }

    struct Member: Sendable {
        var key: String
        var value: Value
        var offset: Int
    }

    struct Failure: Error, Sendable {
        var message: String
        var offset: Int
    }

    /// The members of the top-level object, in order (duplicates kept).
    static func topLevelObject(_ bytes: [UInt8]) -> Result<[Member], Failure> {
        var reader = Reader(bytes: bytes)
        do {
            reader.skipWhitespace()
            guard reader.i < bytes.count else {
                throw Failure(message: "the input is empty; expected a JSON object.", offset: reader.i)
            }
            guard bytes[reader.i] == UInt8(ascii: "{") else {
                let start = reader.i
                let value = try reader.value(depth: 0)
                _ = value
                throw Failure(
                    message:
                        "expected a JSON object such as {\"published\": \"2023-06-30\", \"text\": \"…\"}, found \(describe(bytes[start])).",
                    offset: start)
            }
            let members = try reader.object(depth: 0, keep: true)
            reader.skipWhitespace()
            if reader.i < bytes.count {
                throw Failure(
                    message:
                        "unexpected \(describe(bytes[reader.i])) after the end of the JSON object; send one object per submission (or NDJSON with one per line).",
                    offset: reader.i)
            }
            return .success(members)
        } catch let failure as Failure {
            return .failure(failure)
        } catch {
            return .failure(Failure(message: "the JSON could not be read.", offset: 0))
        }
    }

    static func describe(_ b: UInt8) -> String {
        switch b {
        case UInt8(ascii: "["): return "an array"
        case UInt8(ascii: "\""): return "a string"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return "a boolean"
        case UInt8(ascii: "n"): return "null"
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return "a number"
        case 0x21...0x7E: return "'\(Character(Unicode.Scalar(b)))'"
        default: return "the byte 0x\(ByteScanner.hex(b))"
        }
    }

    struct Reader {
        let bytes: [UInt8]
        var i = 0

        mutating func skipWhitespace() {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 {
                i += 1
            }
        }

        func unexpected(_ expected: String) -> Failure {
            if i >= bytes.count { return Failure(message: "the JSON ends early; expected \(expected).", offset: i) }
            return Failure(message: "expected \(expected), found \(MiniJSON.describe(bytes[i])).", offset: i)
        }

        mutating func value(depth: Int) throws -> Value {
            guard depth < 64 else { throw Failure(message: "the JSON is nested more than 64 levels deep.", offset: i) }
            skipWhitespace()
            guard i < bytes.count else { throw unexpected("a value") }
            switch bytes[i] {
            case UInt8(ascii: "{"): _ = try object(depth: depth + 1, keep: false); return .object
            case UInt8(ascii: "["): try array(depth: depth + 1); return .array
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool
            case UInt8(ascii: "f"): try literal("false"); return .bool
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number(); return .number
            default: throw unexpected("a value (a string, number, object, array, true, false or null)")
            }
        }

        mutating func literal(_ word: String) throws {
            for b in word.utf8 {
                guard i < bytes.count, bytes[i] == b else { throw unexpected("'\(word)'") }
                i += 1
            }
        }

        mutating func digits() -> Int {
            let start = i
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
            return i - start
        }

        mutating func number() throws {
            if bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 else { throw unexpected("a digit") }
            if bytes[i] == UInt8(ascii: "0") { i += 1 } else { _ = digits() }
            if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
                i += 1
                guard digits() > 0 else { throw unexpected("a digit after the decimal point") }
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
                i += 1
                if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
                guard digits() > 0 else { throw unexpected("a digit in the exponent") }
            }
        }

        mutating func array(depth: Int) throws {
            i += 1
            skipWhitespace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return }
            while true {
                _ = try value(depth: depth)
                skipWhitespace()
                guard i < bytes.count else { throw unexpected("',' or ']'") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "]") { i += 1; return }
                throw unexpected("',' or ']' in the array")
            }
        }

        mutating func object(depth: Int, keep: Bool) throws -> [Member] {
            var members: [Member] = []
            i += 1
            skipWhitespace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return members }
            while true {
                skipWhitespace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else {
                    throw unexpected("a member name in double quotes")
                }
                let key = try string()
                skipWhitespace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else {
                    throw unexpected("':' after the member name \"\(key)\"")
                }
                i += 1
                skipWhitespace()
                let offset = i
                let value = try value(depth: depth)
                if keep { members.append(Member(key: key, value: value, offset: offset)) }
                skipWhitespace()
                guard i < bytes.count else { throw unexpected("',' or '}'") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "}") { i += 1; return members }
                throw unexpected("',' or '}' after the value of \"\(key)\"")
            }
        }

        mutating func hex4() throws -> UInt32 {
            guard i + 4 <= bytes.count else {
                throw Failure(message: "the \\u escape needs four hex digits.", offset: i)
            }
            var v: UInt32 = 0
            for k in 0..<4 {
                let b = bytes[i + k]
                let d: UInt32
                switch b {
                case 0x30...0x39: d = UInt32(b - 0x30)
                case 0x41...0x46: d = UInt32(b - 0x41 + 10)
                case 0x61...0x66: d = UInt32(b - 0x61 + 10)
                default: throw Failure(message: "the \\u escape needs four hex digits.", offset: i + k)
                }
                v = v << 4 | d
            }
            i += 4
            return v
        }

        mutating func string() throws -> String {
            let quote = i
            i += 1
            var out: [UInt8] = []
            while true {
                // The bytes up to the next quote, backslash or control character, in one go.
                let run = i
                while i < bytes.count, bytes[i] != UInt8(ascii: "\""), bytes[i] != UInt8(ascii: "\\"), bytes[i] >= 0x20
                {
                    i += 1
                }
                out.append(contentsOf: bytes[run..<i])
                guard i < bytes.count else {
                    throw Failure(message: "the string that starts here is never closed with '\"'.", offset: quote)
                }
                let b = bytes[i]
                if b == UInt8(ascii: "\"") { i += 1; break }
                if b < 0x20 {
                    throw Failure(
                        message:
                            "a control character (\(codePoint(UInt32(b)))) must be escaped inside a JSON string (e.g. \\n for a line break).",
                        offset: i)
                }
                let escape = i
                i += 1
                guard i < bytes.count else {
                    throw Failure(message: "the escape at the end of the input is incomplete.", offset: escape)
                }
                let e = bytes[i]
                i += 1
                if let byte = JSONReader.unescaped(e) {
                    out.append(byte)
                    continue
                }
                switch e {
                case UInt8(ascii: "u"):
                    var v = try hex4()
                    if v >= 0xD800 && v <= 0xDBFF {
                        guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u")
                        else {
                            throw Failure(
                                message:
                                    "the escape \\u\(String(v, radix: 16, uppercase: true)) is half of a surrogate pair without its other half.",
                                offset: escape)
                        }
                        i += 2
                        let low = try hex4()
                        guard low >= 0xDC00 && low <= 0xDFFF else {
                            throw Failure(
                                message:
                                    "the escape \\u\(String(v, radix: 16, uppercase: true)) is not followed by a low surrogate.",
                                offset: escape)
                        }
                        v = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00)
                    } else if v >= 0xDC00 && v <= 0xDFFF {
                        throw Failure(
                            message: "the escape \\u\(String(v, radix: 16, uppercase: true)) is a lone low surrogate.",
                            offset: escape)
                    }
                    guard let scalar = Unicode.Scalar(v) else {
                        throw Failure(message: "invalid \\u escape.", offset: escape)
                    }
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                default:
                    throw Failure(
                        message:
                            "'\\\(Character(Unicode.Scalar(e)))' is not a JSON escape (use \\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX).",
                        offset: escape)
                }
            }
            // The input was validated as UTF-8 before, and escapes encode valid scalars.
            return String(decoding: out, as: UTF8.self)
        }
    }
}
