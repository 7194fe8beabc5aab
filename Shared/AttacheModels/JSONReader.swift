import Foundation

// About 320 lines on purpose: one cursor over the bytes, and each kind of value (objects,
// strings with their escapes, numbers, instants) reads it through private state that an
// extension in another file could not see.

/// A strict reader over the UTF-8 bytes of a JSON document, for the records the services
/// decode on their hot paths (`JSONReadable`).
///
/// It accepts a subset of what `JSONDecoder` accepts and never more: RFC 8259 syntax,
/// integers without fraction or exponent for `Int`, instants in the form Attache writes.
/// Anything else — bad syntax, invalid UTF-8, a duplicate or missing field, a value of the
/// wrong type, a number that needs `JSONDecoder`'s conversions — sets `failed`, and the
/// caller decodes the record again with `JSONDecoder`, whose error says what is wrong and
/// where. So errors stay those of `AttacheJSON.explain`, and the fast path stays simple.
public struct JSONReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    /// Set at the first thing the reader cannot (or will not) read.
    public private(set) var failed = false
    /// Nesting depth, bounded so that a hostile document cannot exhaust the stack.
    private var depth = 0

    public init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Marks the document as not readable here.
    public mutating func fail() { failed = true }

    /// True when only whitespace follows and nothing failed.
    public mutating func finished() -> Bool {
        skipWhitespace()
        return !failed && index == bytes.count
    }

    // MARK: Objects and arrays

    /// Consumes `{`; false (and failed) when the next value is not an object.
    public mutating func beginObject() -> Bool { begin(UInt8(ascii: "{")) }

    /// Consumes `[`.
    public mutating func beginArray() -> Bool { begin(UInt8(ascii: "[")) }

    private mutating func begin(_ open: UInt8) -> Bool {
        skipWhitespace()
        guard !failed, index < bytes.count, bytes[index] == open, depth < 64 else { fail(); return false }
        index += 1
        depth += 1
        return true
    }

    /// The next member's key (its `:` consumed, the value next), or nil at `}` or on failure.
    /// `first` is true before the first member and is updated.
    public mutating func nextKey(_ first: inout Bool) -> String? {
        guard enterNext(UInt8(ascii: "}"), &first) else { return nil }
        guard let key = string() else { return nil }
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { fail(); return nil }
        index += 1
        return key
    }

    /// True when another element follows (positioned at it); false at `]` or on failure.
    public mutating func nextElement(_ first: inout Bool) -> Bool {
        enterNext(UInt8(ascii: "]"), &first)
    }

    private mutating func enterNext(_ close: UInt8, _ first: inout Bool) -> Bool {
        guard !failed else { return false }
        skipWhitespace()
        guard index < bytes.count else { fail(); return false }
        if bytes[index] == close {
            index += 1
            depth -= 1
            return false
        }
        if !first {
            guard bytes[index] == UInt8(ascii: ",") else { fail(); return false }
            index += 1
            skipWhitespace()
            guard index < bytes.count, bytes[index] != close else { fail(); return false }
        }
        first = false
        return true
    }

    // MARK: Values

    /// Whether the next value is `null` (consumed when it is).
    public mutating func null() -> Bool {
        skipWhitespace()
        guard !failed, literal("null") else { return false }
        return true
    }

    /// A string value.
    public mutating func string() -> String? {
        skipWhitespace()
        guard !failed, index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { fail(); return nil }
        index += 1
        let start = index
        // Fast path: no escapes.
        index = JSONSpecialBytes.first(in: bytes, from: index)
        guard index < bytes.count, bytes[index] != UInt8(ascii: "\\") else { return unescaping(from: start) }
        guard bytes[index] == UInt8(ascii: "\"") else { fail(); return nil }
        let text = String(strictUTF8: UnsafeBufferPointer(rebasing: bytes[start..<index]))
        index += 1
        if text == nil { fail() }
        return text
    }

    /// The rest of a string with escapes, from its first byte at `start` (`index` at the
    /// first special byte): plain runs are copied whole, each escape decoded in between.
    private mutating func unescaping(from start: Int) -> String? {
        guard index < bytes.count else { fail(); return nil }
        var buffer: [UInt8] = []
        // What is left of the document bounds the string (escapes only shorten it): one
        // allocation for the long texts, capped so that short strings of huge documents
        // do not take much more than they need.
        buffer.reserveCapacity(min(bytes.count - start, max(index - start + 64, 1 << 16)))
        var runStart = start
        while index < bytes.count {
            index = JSONSpecialBytes.first(in: bytes, from: index)
            guard index < bytes.count else { break }
            let byte = bytes[index]
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            index += 1
            if byte == UInt8(ascii: "\"") {
                guard let text = buffer.withUnsafeBufferPointer(String.init(strictUTF8:)) else { fail(); return nil }
                return text
            }
            guard byte == UInt8(ascii: "\\"), appendEscape(to: &buffer) else { fail(); return nil }
            runStart = index
        }
        fail()
        return nil
    }

    /// Decodes the escape after a `\\` (at `index`) into `buffer`; false when it is malformed.
    private mutating func appendEscape(to buffer: inout [UInt8]) -> Bool {
        guard index < bytes.count else { return false }
        let escaped = bytes[index]
        index += 1
        if let byte = JSONReader.unescaped(escaped) {
            buffer.append(byte)
            return true
        }
        switch escaped {
        case UInt8(ascii: "u"):
            guard let unit = hex4() else { return false }
            var scalar: Unicode.Scalar?
            if (0xD800..<0xDC00).contains(unit) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                    bytes[index + 1] == UInt8(ascii: "u")
                else { return false }
                index += 2
                guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return false }
                scalar = Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
            } else {
                scalar = Unicode.Scalar(unit)
            }
            guard let scalar else { return false }
            buffer.append(contentsOf: UTF8.encode(scalar)!)
        default:
            return false
        }
        return true
    }

    /// The byte a one-letter JSON escape (`\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`,
    /// `\t`) stands for, given the letter after the backslash; nil for `u` and for letters
    /// that are no escape.
    public static func unescaped(_ letter: UInt8) -> UInt8? {
        switch letter {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): letter
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "t"): 0x09
        default: nil
        }
    }

    private mutating func hex4() -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// `true` or `false`.
    public mutating func bool() -> Bool {
        skipWhitespace()
        if !failed, literal("true") { return true }
        if !failed, literal("false") { return false }
        fail()
        return false
    }

    /// An integer written without fraction or exponent that fits `Int`.
    public mutating func int() -> Int {
        guard let (start, end, integral) = number(), integral else { fail(); return 0 }
        guard let value = Int(Substring(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
        else { fail(); return 0 }
        return value
    }

    /// A number as a `Double` (correctly rounded, as `JSONDecoder` reads it).
    public mutating func double() -> Double {
        guard let (start, end, integral) = number() else { fail(); return 0 }
        if integral, end - start <= 15 {
            // Up to 15 digits (with a sign, up to 14) is exact in a Double.
            var negative = false
            var i = start
            if bytes[i] == UInt8(ascii: "-") { negative = true; i += 1 }
            var value = 0
            while i < end { value = value * 10 + Int(bytes[i] - UInt8(ascii: "0")); i += 1 }
            return negative ? -Double(value) : Double(value)
        }
        guard let value = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)),
            value.isFinite
        else { fail(); return 0 }
        return value
    }

    /// An optional value: nil for `null`, else what `read` reads.
    public mutating func optional<T>(_ read: (inout JSONReader) -> T?) -> T? {
        if null() { return nil }
        return read(&self)
    }

    /// Skips any one value (validating it).
    public mutating func skipValue() {
        skipWhitespace()
        guard !failed, index < bytes.count else { fail(); return }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            guard beginObject() else { return }
            var first = true
            while nextKey(&first) != nil { skipValue() }
        case UInt8(ascii: "["):
            guard beginArray() else { return }
            var first = true
            while nextElement(&first) { skipValue() }
        case UInt8(ascii: "\""):
            _ = string()
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            _ = bool()
        case UInt8(ascii: "n"):
            if !null() { fail() }
        default:
            if number() == nil { fail() }
        }
    }

    // MARK: Scanning

    /// The bounds of a number per RFC 8259, and whether it is an integer (no fraction, no
    /// exponent). Nil when the text there is no number.
    private mutating func number() -> (Int, Int, Bool)? {
        skipWhitespace()
        guard !failed else { return nil }
        let start = index
        var integral = true
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { return nil }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            integral = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { return nil }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            integral = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard index < bytes.count, isDigit(bytes[index]) else { return nil }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        return (start, index, integral)
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let matches = word.withUTF8Buffer { expected in
            for i in 0..<count where bytes[index + i] != expected[i] { return false }
            return true
        }
        if matches { index += count }
        return matches
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }
}
