import Foundation

/// Writes Attache JSON straight into bytes, the same bytes `AttacheJSON.encoder()` writes:
/// no whitespace, keys in the order the caller gives (callers give them sorted by their
/// UTF-8 bytes, as `.sortedKeys` sorts), strings escaped as Foundation escapes them
/// (`\"`, `\\`, `\b`, `\t`, `\n`, `\f`, `\r`, other controls as `\u00xx`, everything
/// else including `/` as is), numbers as Swift's shortest round-trip `description` without
/// a trailing `.0`, instants as `2023-06-30T10:00:00.000Z`, days as `YYYY-MM-DD`.
///
/// It exists because Foundation's `JSONEncoder` was a fifth of the enrichment service's CPU
/// (issue 12); `JSONWritableTests` prove the bytes equal for every record type.
public struct JSONWriter: ~Copyable {
    private var buffer: JSONByteBuffer
    /// Whether the next member or element needs a comma before it.
    private var needsComma = false

    /// A writer with room for `capacity` bytes before it grows.
    public init(capacity: Int = 1_024) {
        buffer = JSONByteBuffer(capacity: capacity)
    }

    /// What has been written so far (a copy).
    public var bytes: [UInt8] { buffer.array }

    // MARK: Structure

    /// `{ ... }` around `body`.
    public mutating func object(_ body: (inout JSONWriter) throws -> Void) rethrows {
        comma()
        buffer.append(UInt8(ascii: "{"))
        needsComma = false
        try body(&self)
        buffer.append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// `[ ... ]` around the elements, each written by `element`.
    public mutating func array<S: Sequence>(_ elements: S, _ element: (inout JSONWriter, S.Element) throws -> Void)
        rethrows
    {
        comma()
        buffer.append(UInt8(ascii: "["))
        needsComma = false
        for item in elements { try element(&self, item) }
        buffer.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// `"name":` inside an object; the value follows. `name` must need no escaping.
    public mutating func key(_ name: StaticString) {
        comma()
        buffer.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { buffer.append($0) }
        buffer.append(UInt8(ascii: "\""))
        buffer.append(UInt8(ascii: ":"))
        needsComma = false
    }

    private mutating func comma() {
        if needsComma { buffer.append(UInt8(ascii: ",")) }
    }

    // MARK: Values

    /// A string, escaped.
    public mutating func string(_ value: String) {
        comma()
        buffer.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { appendEscaped($0) }
        buffer.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// An integer.
    public mutating func int(_ value: Int) {
        comma()
        appendDecimal(value)
        needsComma = true
    }

    /// A double as `JSONEncoder` writes it: `description`, without a trailing `.0`.
    /// Throws for NaN and infinities, as `JSONEncoder` does.
    public mutating func double(_ value: Double) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(
                value,
                EncodingError.Context(
                    codingPath: [], debugDescription: "Unable to encode Double.\(value) directly in JSON."))
        }
        comma()
        if value == value.rounded(.towardZero), abs(value) < 1e15 {
            // An integral value below 10^15 prints as its digits ("202500000"; -0 as "-0").
            if value == 0, value.sign == .minus { buffer.append(UInt8(ascii: "-")) }
            appendDecimal(Int(value))
        } else {
            var text = value.description
            if text.hasSuffix(".0") { text.removeLast(2) }
            text.withUTF8 { buffer.append($0) }
        }
        needsComma = true
    }

    /// `true` or `false`.
    public mutating func bool(_ value: Bool) {
        comma()
        let word: StaticString = value ? "true" : "false"
        word.withUTF8Buffer { buffer.append($0) }
        needsComma = true
    }

    /// A day, `"YYYY-MM-DD"`.
    public mutating func day(_ value: Day) {
        comma()
        buffer.append(UInt8(ascii: "\""))
        appendPadded(value.year, 4)
        buffer.append(UInt8(ascii: "-"))
        appendPadded(value.month, 2)
        buffer.append(UInt8(ascii: "-"))
        appendPadded(value.day, 2)
        buffer.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// An instant as `AttacheJSON.formatInstant` writes it.
    public mutating func instant(_ value: Date) {
        comma()
        buffer.append(UInt8(ascii: "\""))
        if let parts = InstantParts(value) {
            appendPadded(parts.year, 4)
            buffer.append(UInt8(ascii: "-"))
            appendPadded(parts.month, 2)
            buffer.append(UInt8(ascii: "-"))
            appendPadded(parts.day, 2)
            buffer.append(UInt8(ascii: "T"))
            appendPadded(parts.hour, 2)
            buffer.append(UInt8(ascii: ":"))
            appendPadded(parts.minute, 2)
            buffer.append(UInt8(ascii: ":"))
            appendPadded(parts.second, 2)
            buffer.append(UInt8(ascii: "."))
            appendPadded(parts.millisecond, 3)
            buffer.append(UInt8(ascii: "Z"))
        } else {
            // Outside years 1...9999: the general formatter (never on the hot path).
            var text = AttacheJSON.formatInstant(value)
            text.withUTF8 { buffer.append($0) }
        }
        buffer.append(UInt8(ascii: "\""))
        needsComma = true
    }

    // MARK: Members (key and value; nil optionals are left out, as `encodeIfPresent` does)

    public mutating func member(_ name: StaticString, _ value: String) { key(name); string(value) }
    public mutating func member(_ name: StaticString, _ value: String?) { if let value { key(name); string(value) } }
    public mutating func member(_ name: StaticString, _ value: Int) { key(name); int(value) }
    public mutating func member(_ name: StaticString, _ value: Double) throws { key(name); try double(value) }
    public mutating func member(_ name: StaticString, _ value: Double?) throws {
        if let value { key(name); try double(value) }
    }
    public mutating func member(_ name: StaticString, _ value: Bool) { key(name); bool(value) }
    public mutating func member(_ name: StaticString, _ value: Day) { key(name); day(value) }
    public mutating func member(_ name: StaticString, _ value: Day?) { if let value { key(name); day(value) } }
    public mutating func member(_ name: StaticString, _ value: Date) { key(name); instant(value) }
    public mutating func member(_ name: StaticString, _ value: [String]) {
        key(name)
        array(value) { $0.string($1) }
    }
    public mutating func member(_ name: StaticString, _ value: some JSONWritable) throws {
        key(name); try value.write(to: &self)
    }
    public mutating func member(_ name: StaticString, _ value: (some JSONWritable)?) throws {
        if let value { key(name); try value.write(to: &self) }
    }
    public mutating func member<Element: JSONWritable>(_ name: StaticString, _ value: [Element]) throws {
        key(name)
        try array(value) { try $1.write(to: &$0) }
    }
    /// An enum by its raw value (which needs no escaping).
    public mutating func member<Value: RawRepresentable>(_ name: StaticString, _ value: Value)
    where Value.RawValue == String {
        key(name)
        string(value.rawValue)
    }
    public mutating func member<Value: RawRepresentable>(_ name: StaticString, _ value: Value?)
    where Value.RawValue == String {
        if let value { key(name); string(value.rawValue) }
    }

    // MARK: Bytes

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `utf8` escaped: the runs between special bytes (`JSONSpecialBytes`) whole,
    /// each special byte as its escape.
    private mutating func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        let count = utf8.count
        while true {
            let i = JSONSpecialBytes.first(in: utf8, from: runStart)
            if runStart < i { buffer.append(UnsafeBufferPointer(rebasing: utf8[runStart..<i])) }
            guard i < count else { return }
            let byte = utf8[i]
            buffer.append(UInt8(ascii: "\\"))
            switch byte {
            case 0x22, 0x5C: buffer.append(byte)
            case 0x08: buffer.append(UInt8(ascii: "b"))
            case 0x09: buffer.append(UInt8(ascii: "t"))
            case 0x0A: buffer.append(UInt8(ascii: "n"))
            case 0x0C: buffer.append(UInt8(ascii: "f"))
            case 0x0D: buffer.append(UInt8(ascii: "r"))
            default:
                buffer.append(UInt8(ascii: "u"))
                buffer.append(UInt8(ascii: "0"))
                buffer.append(UInt8(ascii: "0"))
                buffer.append(Self.hex[Int(byte >> 4)])
                buffer.append(Self.hex[Int(byte & 0xF)])
            }
            runStart = i + 1
        }
    }

    private mutating func appendDecimal(_ value: Int) {
        if value < 0 {
            buffer.append(UInt8(ascii: "-"))
            // Int.min has no positive counterpart: its magnitude as UInt.
            appendDecimal(magnitude: value.magnitude)
        } else {
            appendDecimal(magnitude: UInt(value))
        }
    }

    private mutating func appendDecimal(magnitude: UInt) {
        if magnitude < 10 {
            buffer.append(UInt8(ascii: "0") + UInt8(magnitude))
            return
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: UInt.max has 20 digits
        var count = 0
        var rest = magnitude
        withUnsafeMutableBytes(of: &digits) { text in
            while rest > 0 {
                text[23 - count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            }
            buffer.append(UnsafeRawBufferPointer(rebasing: text[(24 - count)...]))
        }
    }

    /// `value` with at least `width` digits, zero-padded (as `%0Nd`).
    private mutating func appendPadded(_ value: Int, _ width: Int) {
        var digits = 1
        var limit = 10
        while value >= limit, digits < 19 { digits += 1; limit &*= 10 }
        for _ in digits..<max(digits, width) { buffer.append(UInt8(ascii: "0")) }
        appendDecimal(value)
    }
}

/// The calendar fields (UTC, proleptic Gregorian) of an instant rounded to milliseconds, as
/// `AttacheJSON.formatInstant` computes them with `gmtime_r`; nil outside years 1...9999.
struct InstantParts {
    var year, month, day, hour, minute, second, millisecond: Int

    init?(_ date: Date) {
        let millis = (date.timeIntervalSince1970 * 1000).rounded()
        guard millis.isFinite, abs(millis) < 3e14 else { return nil }
        let seconds = Int((millis / 1000).rounded(.down))
        millisecond = Int(millis) - seconds * 1000
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 { secondOfDay += 86_400; days -= 1 }
        hour = secondOfDay / 3_600
        minute = secondOfDay % 3_600 / 60
        second = secondOfDay % 60
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        guard (1...9999).contains(year) else { return nil }
    }
}
