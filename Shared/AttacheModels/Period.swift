/// A span of time a figure refers to: `2024` is 2024-01-01...2024-12-31, `January-August 2025`
/// is 2025-01-01...2025-08-31 with label `2025-01..2025-08`. Both bounds are inclusive.
public struct Period: Hashable, Sendable, Codable, Comparable {
    public var start: Day
    public var end: Day
    /// A short, stable name: `2024`, `2025-01..2025-08`, `2005-01..2025-06`.
    public var label: String

    public init(start: Day, end: Day, label: String) {
        self.start = start
        self.end = end
        self.label = label
    }

    /// The calendar year `year`. A year no `Day` can hold (outside 1...9999, e.g. "the previous
    /// year" of an article dated 0001) is clamped into that range rather than crashing the
    /// service; callers that compute years should check them first.
    public static func year(_ year: Int) -> Period {
        let year = min(max(year, 1), 9999)
        return Period(
            start: Day(year: year, month: 1, day: 1)!, end: Day(year: year, month: 12, day: 31)!,
            label: Day.padded(year, 4))
    }

    /// The months `from...to` (1-based, inclusive) of one year, or nil for an invalid range.
    /// A whole year is labelled as `year(_:)` labels it.
    public static func months(_ from: Int, _ to: Int, of year: Int) -> Period? {
        months(from: (year, from), to: (year, to))
    }

    /// The months from `(year, month)` to `(year, month)`, inclusive, or nil when the range is
    /// empty or invalid.
    public static func months(from: (year: Int, month: Int), to: (year: Int, month: Int)) -> Period? {
        guard let start = Day.first(ofMonth: from.month, year: from.year),
            let end = Day.last(ofMonth: to.month, year: to.year), start <= end
        else { return nil }
        if from.year == to.year, from.month == 1, to.month == 12 { return .year(from.year) }
        let label =
            "\(Day.padded(from.year, 4))-\(Day.padded(from.month, 2))..\(Day.padded(to.year, 4))-\(Day.padded(to.month, 2))"
        return Period(start: start, end: end, label: label)
    }

    /// The number of whole months covered, when both bounds fall on month boundaries.
    public var monthCount: Int? {
        guard start.day == 1, end.day == Day.daysIn(month: end.month, year: end.year) else { return nil }
        return (end.year - start.year) * 12 + (end.month - start.month) + 1
    }

    /// Whether two periods can be compared in a delta: the same length and the same position
    /// within their years (a full year with a full year, January–August with January–August).
    public func isComparable(with other: Period) -> Bool {
        guard let a = monthCount, let b = other.monthCount, a == b, a <= 12 else { return false }
        return start.month == other.start.month && start.day == other.start.day && start.year != other.start.year
    }

    public static func < (a: Period, b: Period) -> Bool {
        (a.start, a.end) < (b.start, b.end)
    }
}
