import Foundation

/// Reading the members of a record: each member's value into its slot (noting it in a
/// `MemberSet`, so that a repeat fails), arrays, days, instants and the `schema` member.
extension JSONReader {
    /// A string member's value into `slot`, failing on a repeat.
    mutating func read(_ slot: inout String?, _ n: Int, _ seen: inout MemberSet) {
        guard seen.insert(n) else { fail(); return }
        slot = string()
    }

    /// An optional string (null allowed).
    mutating func readOptional(_ slot: inout String?, _ n: Int, _ seen: inout MemberSet) {
        guard seen.insert(n) else { fail(); return }
        slot = optional { $0.string() }
    }

    mutating func read<T: JSONReadable>(_ slot: inout T?, _ n: Int, _ seen: inout MemberSet) {
        guard seen.insert(n) else { fail(); return }
        slot = T.read(from: &self)
        if slot == nil { fail() }
    }

    mutating func readOptional<T: JSONReadable>(_ slot: inout T?, _ n: Int, _ seen: inout MemberSet) {
        guard seen.insert(n) else { fail(); return }
        if null() { return }
        slot = T.read(from: &self)
        if slot == nil { fail() }
    }

    mutating func read<T: RawRepresentable>(_ slot: inout T?, _ n: Int, _ seen: inout MemberSet)
    where T.RawValue == String {
        guard seen.insert(n) else { fail(); return }
        slot = string().flatMap(T.init(rawValue:))
        if slot == nil { fail() }
    }

    mutating func readOptional<T: RawRepresentable>(_ slot: inout T?, _ n: Int, _ seen: inout MemberSet)
    where T.RawValue == String {
        guard seen.insert(n) else { fail(); return }
        if null() { return }
        slot = string().flatMap(T.init(rawValue:))
        if slot == nil { fail() }
    }

    mutating func read(_ slot: inout Double?, _ n: Int, _ seen: inout MemberSet) {
        guard seen.insert(n) else { fail(); return }
        slot = double()
    }

    mutating func readOptional(_ slot: inout Double?, _ n: Int, _ seen: inout MemberSet) {
        guard seen.insert(n) else { fail(); return }
        slot = optional { $0.double() }
    }

    mutating func read(_ slot: inout Int?, _ n: Int, _ seen: inout MemberSet) {
        guard seen.insert(n) else { fail(); return }
        slot = int()
    }

    mutating func read(_ slot: inout Bool?, _ n: Int, _ seen: inout MemberSet) {
        guard seen.insert(n) else { fail(); return }
        slot = bool()
    }

    mutating func read(_ slot: inout [String]?, _ n: Int, _ seen: inout MemberSet) {
        guard seen.insert(n) else { fail(); return }
        slot = array { $0.string() }
    }

    mutating func read<T: JSONReadable>(_ slot: inout [T]?, _ n: Int, _ seen: inout MemberSet) {
        guard seen.insert(n) else { fail(); return }
        slot = array { T.read(from: &$0) }
    }

    /// An array whose elements `element` reads.
    mutating func array<T>(_ element: (inout JSONReader) -> T?) -> [T]? {
        guard beginArray() else { return nil }
        var result: [T] = []
        var first = true
        while nextElement(&first) {
            guard let value = element(&self) else { fail(); return nil }
            result.append(value)
        }
        return failed ? nil : result
    }

    /// A day, `YYYY-MM-DD` (as `Day.init(from:)` reads it: exactly that form, a real date).
    mutating func day() -> Day? {
        guard var text = string() else { return nil }
        let day = text.withUTF8 { b -> Day? in
            guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
            func number(_ range: Range<Int>) -> Int? {
                var value = 0
                for i in range {
                    guard b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") else { return nil }
                    value = value * 10 + Int(b[i] - UInt8(ascii: "0"))
                }
                return value
            }
            guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
            return Day(year: year, month: month, day: day)
        }
        guard let day else { fail(); return nil }
        return day
    }

    /// An instant as `AttacheJSON.decoder()` reads it.
    mutating func instant() -> Date? {
        guard let text = string() else { return nil }
        guard let date = InstantParser.parse(text) ?? AttacheJSON.parseInstant(text) else { fail(); return nil }
        return date
    }

    /// The `schema` member: must name `expected` (another name fails, and the slow path
    /// reports the mismatch).
    mutating func schema(_ expected: SchemaName, _ n: Int, _ seen: inout MemberSet) {
        guard seen.insert(n) else { fail(); return }
        if string() != expected.rawValue { fail() }
    }
}
