import AttacheModels
import Foundation

/// The reason codes of the rejections the article parser produces (`Rejection.reason`).
public enum RejectionReason: String, Sendable, CaseIterable, Codable {
    /// The first line does not start with ` date YYYY-MM-DD `.
    case missingDateLine = "missing_date_line"
    /// The date is not of the form YYYY-MM-DD or not a real date (e.g. 2023-02-30).
    case invalidDate = "invalid_date"
    /// There is no article text after the date line (or in the JSON `text` field).
    case emptyBody = "empty_body"
    /// The bytes are not valid UTF-8.
    case invalidUTF8 = "invalid_utf8"
    /// The input holds NUL or other control characters: it is binary data, not text.
    case binaryData = "binary_data"
    /// The input is larger than the parser's limit.
    case tooLarge = "too_large"
    /// The input is not well-formed JSON, or not a JSON object.
    case invalidJSON = "invalid_json"
    /// A known JSON field is missing or has the wrong type.
    case invalidField = "invalid_field"
}

/// A problem found while parsing, before it becomes a `Rejection` (which adds origin,
/// payload and time). `message` does not name the location; `detail(lineLabel:)` does.
struct Problem: Error, Sendable {
    var reason: RejectionReason
    var message: String
    var line: Int?
    var column: Int?
    var byteOffset: Int?

    init(_ reason: RejectionReason, _ message: String, line: Int? = nil, column: Int? = nil, byteOffset: Int? = nil) {
        self.reason = reason
        self.message = message
        self.line = line
        self.column = column
        self.byteOffset = byteOffset
    }

    /// `Line 3, column 7 (byte offset 41): <message>`, or the bare message without a location.
    var detail: String {
        guard let line else { return message }
        var location = "Line \(line)"
        if let column { location += ", column \(column)" }
        if let byteOffset { location += " (byte offset \(byteOffset))" }
        return location + ": " + message
    }

    func rejection(origin: String, payload: some Collection<UInt8>, at: Date) -> Rejection {
        Rejection(
            reason: reason.rawValue, detail: detail, origin: origin, payload: payload, at: at,
            line: line, column: column)
    }
}

/// `1048576` → `1,048,576`.
func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return (n < 0 ? "-" : "") + out
}

/// `U+00A0`.
func codePoint(_ value: UInt32) -> String {
    let hex = String(value, radix: 16, uppercase: true)
    return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
}

/// A short, printable excerpt of a text for a detail sentence.
func excerpt(_ scalars: some Collection<Unicode.Scalar>, limit: Int = 40) -> String {
    var out = String.UnicodeScalarView()
    for s in scalars.prefix(limit) {
        if s == "\n" || s == "\r" { break }
        out.append(s.properties.generalCategory == .control ? "?" : s)
    }
    var text = String(out)
    if scalars.count > limit { text += "…" }
    return text
}
