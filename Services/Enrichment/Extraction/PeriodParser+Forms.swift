import AttacheModels

/// The period forms a number token can start (`PeriodParser.parse(at:)` tries only these on a
/// number, and the word forms only on a word), and the forms both kinds can start.
extension PeriodParser {
    /// The forms that start with the number token at i, in `parse(at:)`'s order: `10M2022`,
    /// `1st half of 2022` and `10 months of 2021`, years and ranges of years, `30-year total`,
    /// `30 years ago`.
    func numberForm(at i: Int) -> (PeriodKind, Int)? {
        // 10M2022: the first ten months of 2022.
        if let n = int(i), (1...12).contains(n), id(i + 1) == .m,
            tokens[i + 1].attached, let y = year(at: i + 2), tokens[i + 2].attached, let p = Period.months(1, n, of: y)
        {
            return (.absolute(p), i + 3)
        }
        if let found = partOfYearForm(at: i) ?? yearForm(at: i) { return found }
        // the 30-year total: the 30 years to publication.
        if let n = int(i), (1...100).contains(n), id(i + 1) == .hyphen, id(i + 2) == .year,
            id(i + 3) == .total, let start = Day(year: published.year - n, month: 1, day: 1)
        {
            return (.absolute(.days(start, published)), i + 4)
        }
        return agoForm(at: i)
    }

    /// The first half of 2022, the first nine months of 2024, the third quarter of this year,
    /// 10 months of 2021 (after an optional "the").
    func partOfYearForm(at i: Int) -> (PeriodKind, Int)? {
        guard let part = partOfYear(at: i) ?? countOfMonths(at: i),
            id(i - 1) != .past, id(i - 1) != .last, id(i - 1) != .next
        else { return nil }
        if let (y, end) = yearExpression(at: part.end), let p = Period.months(part.from, part.to, of: y) {
            return (.absolute(p), end)
        } else if id(part.end) == .of, id(part.end + 1) == .the, id(part.end + 2) == .year,
            let p = Period.months(part.from, part.to, of: impliedYear(lastMonth: part.to))
        {
            // "in the first half of the year": the latest such months by publication.
            return (.absolute(p), part.end + 3)
        } else if id(part.end) != .of,
            let p = Period.months(part.from, part.to, of: impliedYear(lastMonth: part.to))
        {
            return (.absolute(p), part.end)
        }
        return nil
    }

    /// A year at i and ranges of years (`2019-2022`, `from 2019 to the end of 2022`,
    /// `since 2019`).
    func yearForm(at i: Int) -> (PeriodKind, Int)? {
        guard let y = year(at: i) else { return nil }
        let fromBefore = id(i - 1) == .from || id(i - 1) == .between
        let connector = id(i + 1)
        if connector == .hyphen
            || ((connector == .to || connector == .through || connector == .until || connector == .till)
                && fromBefore)
            || (connector == .and && id(i - 1) == .between)
        {
            var j = i + 2
            if id(j) == .the, id(j + 1) == .end, id(j + 2) == .of { j += 3 }
            if let y2 = year(at: j), y2 > y, let p = Period.months(from: (y, 1), to: (y2, 12)) {
                return (.absolute(p), j + 1)
            } else if let part = partOfYear(at: j), let (y2, end) = yearExpression(at: part.end), y2 >= y,
                let p = Period.months(from: (y, 1), to: (y2, part.to))
            {
                return (.absolute(p), end)
            } else if let m = month(at: j), let y2 = year(at: j + 1), y2 >= y,
                let p = Period.months(from: (y, 1), to: (y2, m))
            {
                return (.absolute(p), j + 2)
            }
        }
        if id(i - 1) == .since, let start = Day(year: y, month: 1, day: 1), start <= published {
            return (.absolute(.days(start, published)), i + 1)
        }
        return (.absolute(.year(y)), i + 1)
    }

    /// Three decades ago, 30 years ago: that year.
    func agoForm(at i: Int) -> (PeriodKind, Int)? {
        guard let n = number(at: i), id(i + 1) == .decades || id(i + 1) == .years, id(i + 2) == .ago,
            (1...100).contains(n)
        else { return nil }
        return (.absolute(.year(published.year - n * (id(i + 1) == .decades ? 10 : 1))), i + 3)
    }
}
