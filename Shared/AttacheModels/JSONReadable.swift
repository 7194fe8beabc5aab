import Foundation

/// A record the services decode on a hot path, read straight from its UTF-8 bytes with
/// `JSONReader` into the same value `JSONDecoder` gives. `read` returns nil for anything it
/// does not take (see `JSONReader`); `AttacheJSON.decode` then decodes with `JSONDecoder`,
/// which either succeeds the same way or throws the error a person reads.
public protocol JSONReadable {
    /// Reads one value at the reader's position; nil when the reader failed.
    static func read(from reader: inout JSONReader) -> Self?
}

extension JSONReadable {
    /// Reads a whole document holding one value; nil when anything is not as expected.
    public static func read(json bytes: UnsafeBufferPointer<UInt8>) -> Self? {
        var reader = JSONReader(bytes)
        guard let value = read(from: &reader), reader.finished() else { return nil }
        return value
    }
}

/// The set of members an object read so far, so that a missing or repeated one is noticed.
struct MemberSet {
    private var bits: UInt32 = 0

    /// Marks member `n` read; false when it already was.
    mutating func insert(_ n: Int) -> Bool {
        let bit: UInt32 = 1 << UInt32(n)
        if bits & bit != 0 { return false }
        bits |= bit
        return true
    }

    /// Whether every member in `required` (a bit mask) was read.
    func contains(all required: UInt32) -> Bool { bits & required == required }
}

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

    mutating func read<T: RawRepresentable>(_ slot: inout T?, _ n: Int, _ seen: inout MemberSet) where T.RawValue == String {
        guard seen.insert(n) else { fail(); return }
        slot = string().flatMap(T.init(rawValue:))
        if slot == nil { fail() }
    }

    mutating func readOptional<T: RawRepresentable>(_ slot: inout T?, _ n: Int, _ seen: inout MemberSet) where T.RawValue == String {
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

extension Day: JSONReadable {
    public static func read(from reader: inout JSONReader) -> Day? { reader.day() }
}

extension TextSpan: JSONReadable {
    public static func read(from r: inout JSONReader) -> TextSpan? {
        guard r.beginObject() else { return nil }
        var start: Int?, end: Int?
        var seen = MemberSet()
        var first = true
        while let key = r.nextKey(&first) {
            switch key {
            case "start": r.read(&start, 0, &seen)
            case "end": r.read(&end, 1, &seen)
            default: r.skipValue()
            }
        }
        guard !r.failed, let start, let end else { r.fail(); return nil }
        return TextSpan(start: start, end: end)
    }
}

extension Period: JSONReadable {
    public static func read(from r: inout JSONReader) -> Period? {
        guard r.beginObject() else { return nil }
        var start: Day?, end: Day?, label: String?
        var seen = MemberSet()
        var first = true
        while let key = r.nextKey(&first) {
            switch key {
            case "start": r.read(&start, 0, &seen)
            case "end": r.read(&end, 1, &seen)
            case "label": r.read(&label, 2, &seen)
            default: r.skipValue()
            }
        }
        guard !r.failed, let start, let end, let label else { r.fail(); return nil }
        return Period(start: start, end: end, label: label)
    }
}

extension Series: JSONReadable {
    public static func read(from r: inout JSONReader) -> Series? {
        guard r.beginObject() else { return nil }
        var metric: Metric?, reporter: String?, partner: String?, currency: String?
        var seen = MemberSet()
        var first = true
        while let key = r.nextKey(&first) {
            switch key {
            case "metric": r.read(&metric, 0, &seen)
            case "reporter": r.read(&reporter, 1, &seen)
            case "partner": r.read(&partner, 2, &seen)
            case "currency": r.read(&currency, 3, &seen)
            default: r.skipValue()
            }
        }
        guard !r.failed, let metric, let reporter, let partner, let currency else { r.fail(); return nil }
        return Series(metric: metric, reporter: reporter, partner: partner, currency: currency)
    }
}

extension Dateline: JSONReadable {
    public static func read(from r: inout JSONReader) -> Dateline? {
        guard r.beginObject() else { return nil }
        var place: String?, agency: String?
        var seen = MemberSet()
        var first = true
        while let key = r.nextKey(&first) {
            switch key {
            case "place": r.read(&place, 0, &seen)
            case "agency": r.readOptional(&agency, 1, &seen)
            default: r.skipValue()
            }
        }
        guard !r.failed, let place else { r.fail(); return nil }
        return Dateline(place: place, agency: agency)
    }
}

extension Article: JSONReadable {
    public static func read(from r: inout JSONReader) -> Article? {
        guard r.beginObject() else { return nil }
        var id: String?, published: Day?, title: String?, dateline: Dateline?, source: String?, text: String?
        var paragraphs: [TextSpan]?, countries: [String]?, receivedAt: Date?, origin: String?
        var seen = MemberSet()
        var first = true
        while let key = r.nextKey(&first) {
            switch key {
            case "schema": r.schema(.article, 0, &seen)
            case "id": r.read(&id, 1, &seen)
            case "published": r.read(&published, 2, &seen)
            case "title": r.readOptional(&title, 3, &seen)
            case "dateline": r.readOptional(&dateline, 4, &seen)
            case "source": r.readOptional(&source, 5, &seen)
            case "text": r.read(&text, 6, &seen)
            case "paragraphs": r.read(&paragraphs, 7, &seen)
            case "countries": r.read(&countries, 8, &seen)
            case "receivedAt":
                guard seen.insert(9) else { r.fail(); break }
                receivedAt = r.instant()
            case "origin": r.read(&origin, 10, &seen)
            default: r.skipValue()
            }
        }
        guard !r.failed, seen.contains(all: 1), let id, let published, let text, let paragraphs, let countries,
              let receivedAt, let origin else { r.fail(); return nil }
        return Article(id: id, published: published, title: title, dateline: dateline, source: source, text: text,
                       paragraphs: paragraphs, countries: countries, receivedAt: receivedAt, origin: origin)
    }
}

extension Figure: JSONReadable {
    public static func read(from r: inout JSONReader) -> Figure? {
        guard r.beginObject() else { return nil }
        var metric: Metric?, reporter: String?, partner: String?, direction: Direction?, period: Period?
        var amount: Double?, currency: String?, usdAmount: Double?, qualifier: Qualifier?, derived: Bool?
        var span: TextSpan?, text: String?
        var seen = MemberSet()
        var first = true
        while let key = r.nextKey(&first) {
            switch key {
            case "metric": r.read(&metric, 0, &seen)
            case "reporter": r.read(&reporter, 1, &seen)
            case "partner": r.read(&partner, 2, &seen)
            case "direction": r.readOptional(&direction, 3, &seen)
            case "period": r.read(&period, 4, &seen)
            case "amount": r.read(&amount, 5, &seen)
            case "currency": r.read(&currency, 6, &seen)
            case "usdAmount": r.readOptional(&usdAmount, 7, &seen)
            case "qualifier": r.readOptional(&qualifier, 8, &seen)
            case "derived": r.read(&derived, 9, &seen)
            case "span": r.read(&span, 10, &seen)
            case "text": r.read(&text, 11, &seen)
            default: r.skipValue()
            }
        }
        guard !r.failed, let metric, let reporter, let partner, let period, let amount, let currency, let derived,
              let span, let text else { r.fail(); return nil }
        return Figure(metric: metric, reporter: reporter, partner: partner, direction: direction, period: period,
                      amount: amount, currency: currency, qualifier: qualifier, derived: derived, span: span, text: text,
                      usdAmount: usdAmount)
    }
}

extension StatedChange: JSONReadable {
    public static func read(from r: inout JSONReader) -> StatedChange? {
        guard r.beginObject() else { return nil }
        var series: Series?, from: Period?, to: Period?, percent: Double?, ratio: Double?, absolute: Double?
        var qualifier: Qualifier?, span: TextSpan?, text: String?
        var seen = MemberSet()
        var first = true
        while let key = r.nextKey(&first) {
            switch key {
            case "series": r.read(&series, 0, &seen)
            case "from": r.read(&from, 1, &seen)
            case "to": r.read(&to, 2, &seen)
            case "percent": r.readOptional(&percent, 3, &seen)
            case "ratio": r.readOptional(&ratio, 4, &seen)
            case "absolute": r.readOptional(&absolute, 5, &seen)
            case "qualifier": r.readOptional(&qualifier, 6, &seen)
            case "span": r.read(&span, 7, &seen)
            case "text": r.read(&text, 8, &seen)
            default: r.skipValue()
            }
        }
        guard !r.failed, let series, let from, let to, let span, let text else { r.fail(); return nil }
        return StatedChange(series: series, from: from, to: to, percent: percent, ratio: ratio, absolute: absolute,
                            qualifier: qualifier, span: span, text: text)
    }
}

extension TradeObservation: JSONReadable {
    public static func read(from r: inout JSONReader) -> TradeObservation? {
        guard r.beginObject() else { return nil }
        var article: String?, published: Day?, figure: Figure?, change: StatedChange?
        var seen = MemberSet()
        var first = true
        while let key = r.nextKey(&first) {
            switch key {
            case "schema": r.schema(.tradeObservation, 0, &seen)
            case "article": r.read(&article, 1, &seen)
            case "published": r.read(&published, 2, &seen)
            case "figure": r.readOptional(&figure, 3, &seen)
            case "change": r.readOptional(&change, 4, &seen)
            default: r.skipValue()
            }
        }
        guard !r.failed, seen.contains(all: 1), let article, let published else { r.fail(); return nil }
        var observation: TradeObservation
        if let figure {
            observation = TradeObservation(article: article, published: published, figure: figure)
            observation.change = change
        } else if let change {
            observation = TradeObservation(article: article, published: published, change: change)
        } else {
            // Neither: a value `JSONDecoder` accepts, but rare; let it build it.
            r.fail()
            return nil
        }
        return observation
    }
}

extension LedgerEntry: JSONReadable {
    public static func read(from r: inout JSONReader) -> LedgerEntry? {
        guard r.beginObject() else { return nil }
        var observation: TradeObservation?
        var seen = MemberSet()
        var first = true
        while let key = r.nextKey(&first) {
            switch key {
            case "schema": r.schema(.ledgerEntry, 0, &seen)
            case "observation": r.read(&observation, 1, &seen)
            default: r.skipValue()
            }
        }
        guard !r.failed, seen.contains(all: 1), let observation else { r.fail(); return nil }
        return LedgerEntry(observation: observation)
    }
}

/// Parses the instants Attache writes, `YYYY-MM-DDTHH:MM:SS.fffZ` from the year 1600 on, into
/// the same `Date` as `AttacheJSON.parseInstant`; nil for anything else (which that function
/// then reads).
enum InstantParser {
    static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { b -> Date? in
            guard b.count == 24, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
                  b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"), b[19] == UInt8(ascii: "."), b[23] == UInt8(ascii: "Z")
            else { return nil }
            func number(_ from: Int, _ count: Int) -> Int? {
                var value = 0
                for i in from..<(from + count) {
                    let byte = b[i]
                    guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                    value = value * 10 + Int(byte - UInt8(ascii: "0"))
                }
                return value
            }
            guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
                  let minute = number(14, 2), let second = number(17, 2), let millis = number(20, 3),
                  Day(year: year, month: month, day: day) != nil, hour < 24, minute < 60, second < 60,
                  // Foundation's formatter reads days before the Gregorian reform (1582) as
                  // Julian; those are left to it, to read exactly as before.
                  year >= 1600
            else { return nil }
            let days = daysFromCivil(year, month, day)
            let seconds = Double(((days * 24 + hour) * 60 + minute) * 60 + second)
            return Date(timeIntervalSince1970: seconds + Double(millis) / 1000)
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
