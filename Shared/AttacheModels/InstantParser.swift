import Foundation

/// Parses the instants Attache writes, `YYYY-MM-DDTHH:MM:SS.fffZ` from the year 1600 on, into
/// the same `Date` as `AttacheJSON.parseInstant`; nil for anything else (which that function
/// then reads).
enum InstantParser {
    static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { b -> Date? in
            guard b.count == 24, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
                b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"), b[19] == UInt8(ascii: "."),
                b[23] == UInt8(ascii: "Z")
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
