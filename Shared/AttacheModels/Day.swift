import Foundation

/// A calendar date without time or zone, encoded as `YYYY-MM-DD`.
///
/// Publication dates, period bounds and anniversary dates are days, not instants, so they
/// are kept apart from `Date` and never shift with a time zone.
public struct Day: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Creates a day, or returns nil when the triple is not a date of the Gregorian calendar
    /// (e.g. 2023-02-30).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            day >= 1, day <= Day.daysIn(month: month, year: year)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`; nil when the text is not exactly that or not a real date.
    public init?(iso text: some StringProtocol) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// Whether `year` is a Gregorian leap year.
    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// The number of days in a month of a year.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// The first day of a month.
    public static func first(ofMonth month: Int, year: Int) -> Day? {
        Day(year: year, month: month, day: 1)
    }

    /// The last day of a month.
    public static func last(ofMonth month: Int, year: Int) -> Day? {
        guard (1...12).contains(month) else { return nil }
        return Day(year: year, month: month, day: daysIn(month: month, year: year))
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        "\(Day.padded(year, 4))-\(Day.padded(month, 2))-\(Day.padded(day, 2))"
    }

    /// `n` with leading zeros to `width` digits, as `String(format: "%0<width>d")` writes it
    /// (without Foundation's formatter, which is slow on hot paths such as period labels).
    public static func padded(_ n: Int, _ width: Int) -> String {
        if n >= 0, width <= 8, n < 100_000_000 {
            // The common case (years, months, days) written straight into the string's bytes.
            var length = 1
            var p = 10
            while p <= n { length += 1; p *= 10 }
            length = max(length, width)
            return String(unsafeUninitializedCapacity: length) { buffer in
                var v = n
                for k in stride(from: length - 1, through: 0, by: -1) {
                    buffer[k] = UInt8(48 + v % 10)
                    v /= 10
                }
                return length
            }
        }
        let digits = String(n.magnitude)
        let sign = n < 0 ? "-" : ""
        let zeros = max(0, width - sign.count - digits.count)
        return sign + String(repeating: "0", count: zeros) + digits
    }

    public static func < (a: Day, b: Day) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let day = Day(iso: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not a date of the form YYYY-MM-DD")
        }
        self = day
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
