import AttacheModels

extension Period {
    /// Any day range; month-aligned ranges get the `YYYY-MM..YYYY-MM` label.
    static func days(_ start: Day, _ end: Day) -> Period {
        if start.day == 1, end.day == Day.daysIn(month: end.month, year: end.year),
            let p = Period.months(from: (start.year, start.month), to: (end.year, end.month))
        {
            return p
        }
        return Period(start: start, end: end, label: "\(start)..\(end)")
    }

    /// A total as of a day, with no stated start (`over the years`, `to date`): the single
    /// day of publication, labelled `..YYYY-MM-DD`. It is never comparable with another period,
    /// so it makes no delta.
    static func asOf(_ day: Day) -> Period {
        Period(start: day, end: day, label: "..\(day)")
    }

    /// The same days `years` later (earlier when negative); nil when a bound does not exist.
    func shifted(years: Int) -> Period? {
        if let count = monthCount, count >= 1 {
            return Period.months(from: (start.year + years, start.month), to: (end.year + years, end.month))
        }
        guard let s = Day(year: start.year + years, month: start.month, day: start.day),
            let e = Day(
                year: end.year + years, month: end.month,
                day: min(end.day, Day.daysIn(month: end.month, year: end.year + years)))
        else { return nil }
        return .days(s, e)
    }
}
