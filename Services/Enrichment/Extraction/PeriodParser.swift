import AttacheModels

/// Recognises the period forms of docs/architecture.md §3 on tokens.
/// `parse(at:)` tries the forms in turn (those a number starts are in `PeriodParser+Forms.swift`);
/// the pieces they are built from (years, month names, part-years, counts of months) are in
/// `PeriodParser+Pieces.swift`.
struct PeriodParser: TokenReading {
    let tokens: [Token]
    let words: TokenWords
    let published: Day
    /// The year the home country became independent (`over the years of independence`).
    var independence: Int? = nil

    /// Parses a period mention starting at token i.
    func parse(at i: Int) -> PeriodMention? {
        guard i < tokens.count else { return nil }
        // A number (digits) is never one of the words below, and the forms that start with a
        // word are not tried on it: each costs String comparisons, and every number of a
        // sentence reaches here (`periodMentions(in:)` lets words through only by their lists).
        let isNumber = tokens[i].kind == .number
        if isNumber {
            // A number starts a period only as a year (four digits) or before one of these.
            // (A number token is ASCII: its scalars are its bytes.)
            if tokens[i].end - tokens[i].start != 4, !Self.followsPeriodNumber(id(i + 1)) { return nil }
            return finish(i, numberForm(at: i))
        }
        // Common words that start a period form only before these words (a quick no).
        switch tokens[i].id {
        case .the:
            guard i + 1 < tokens.count, tokens[i + 1].kind == .number || has(i + 1, .ordinal) || has(i + 1, .cardinal)
            else { return nil }
        case .a: guard id(i + 1) == .year else { return nil }
        case .to: guard id(i + 1) == .date else { return nil }
        case .over: guard id(i + 1) == .the, id(i + 2) == .years else { return nil }
        default: break
        }
        return finish(i, wordForm(at: i, words[i]))
    }

    /// The period mention of a form found at i (its deadline and comparison read the words before).
    private func finish(_ i: Int, _ result: (PeriodKind, Int)?) -> PeriodMention? {
        guard let (kind, end) = result else { return nil }
        // "by the end of 2021" in a text of 2022 says when something had happened, not a deadline.
        var deadline = isDeadline(before: i)
        if deadline, case .absolute(let p) = kind, p.end < published { deadline = false }
        return PeriodMention(
            range: i..<end, kind: kind, comparison: isComparison(before: i, kind: kind), deadline: deadline)
    }

    /// The forms that start with a word or symbol token `w` at i, in `parse(at:)`'s order.
    private func wordForm(at i: Int, _ w: String) -> (PeriodKind, Int)? {
        let wordID = tokens[i].id
        var result: (PeriodKind, Int)?

        // Q1 2022, Q1-Q3 2022, H1 2022.
        if wordID == .q || wordID == .h, i + 1 < tokens.count, tokens[i + 1].attached, let n = number(at: i + 1) {
            let size = wordID == .q ? 3 : 6
            let maxN = wordID == .q ? 4 : 2
            if (1...maxN).contains(n) {
                var last = n
                var j = i + 2
                if id(j) == .hyphen, word(j + 1) == w, let m = number(at: j + 2), (n...maxN).contains(m) {
                    last = m; j += 3
                }
                if let (y, end) = yearExpression(at: j), let p = Period.months((n - 1) * size + 1, last * size, of: y) {
                    result = (.absolute(p), end)
                } else if let p = Period.months(
                    (n - 1) * size + 1, last * size, of: impliedYear(lastMonth: last * size))
                {
                    result = (.absolute(p), j)
                }
            }
        }
        // this year's first seven months, last year's first 11 months.
        if result == nil, wordID == .this || wordID == .last || wordID == .current, id(i + 1) == .year,
            id(i + 2) == .apostrophe,
            id(i + 3) == .s,
            let part = partOfYear(at: i + 4) ?? countOfMonths(at: i + 4),
            let p = Period.months(part.from, part.to, of: wordID == .last ? published.year - 1 : published.year)
        {
            result = (.absolute(p), part.end)
        }
        if result == nil { result = partOfYearForm(at: i) }
        // January-August 2025, from January to August 2025, June 2024.
        if result == nil, let m1 = month(at: i),
            !(i > 0 && tokens[i - 1].kind == .number && (int(i - 1) ?? 0) <= 31)
        {
            var j = i + 1
            var m2 = m1
            if id(j) == .hyphen || id(j) == .to || id(j) == .through || id(j) == .and || id(j) == .till
                || id(j) == .until,
                let m = month(at: j + 1)
            {
                m2 = m; j += 2
            }
            if id(j) == .comma { j += 1 }
            if let (y, end) = yearExpression(at: j) {
                if m2 >= m1, let p = Period.months(m1, m2, of: y) {
                    result = (.absolute(p), end)
                } else if m2 < m1, let p = Period.months(from: (y - 1, m1), to: (y, m2)) {
                    result = (.absolute(p), end)
                }
            } else if m2 != m1 || (id(i - 1) == .in || id(i - 1) == .for || id(i - 1) == .during),
                !(i + 1 < tokens.count && tokens[i + 1].kind == .number), m2 >= m1,
                let p = Period.months(m1, m2, of: impliedYear(lastMonth: m2))
            {
                result = (.absolute(p), j)
            }
        }
        // this year (to date), the current year, since the beginning of the year.
        if result == nil {
            var j = i
            if wordID == .so, id(i + 1) == .far { j = i + 2 }
            if id(j) == .this && id(j + 1) == .year || id(j) == .current && id(j + 1) == .year {
                result = (.yearToDate, j + 2)
            } else if wordID == .since, id(i + 1) == .the, id(i + 2) == .beginning || id(i + 2) == .start,
                id(i + 3) == .of,
                id(i + 4) == .the || id(i + 4) == .this, id(i + 5) == .year
            {
                result = (.yearToDate, i + 6)
            }
        }
        // over the past eight months, in the last 9 months.
        if result == nil, wordID == .past || wordID == .last, let n = number(at: i + 1), id(i + 2) == .months,
            (1...24).contains(n)
        {
            if n < published.month, let p = Period.months(1, n, of: published.year) {
                result = (.absolute(p), i + 3)
            } else {
                // The n months that ended with the month before publication.
                var endMonth = published.month - 1
                var endYear = published.year
                if endMonth == 0 { endMonth = 12; endYear -= 1 }
                var startMonth = endMonth - n + 1
                var startYear = endYear
                while startMonth <= 0 { startMonth += 12; startYear -= 1 }
                if let p = Period.months(from: (startYear, startMonth), to: (endYear, endMonth)) {
                    result = (.absolute(p), i + 3)
                }
            }
        }
        // over the past five years: read like "since (publication year − 5)", from the start of
        // that year to publication (the genre's convention: "over the past 12 years" in 2017
        // is a total since 2005).
        if result == nil, wordID == .past || wordID == .last, let n = number(at: i + 1), id(i + 2) == .years,
            (1...50).contains(n),
            let start = Day(year: published.year - n, month: 1, day: 1)
        {
            result = (.absolute(.days(start, published)), i + 3)
        }
        if result == nil { result = agoForm(at: i) }
        // over the years of independence, since independence: from the home country's independence.
        if result == nil, let y = independence, let start = Day(year: y, month: 1, day: 1) {
            if wordID == .since, id(i + 1) == .independence {
                result = (.absolute(.days(start, published)), i + 2)
            } else if wordID == .years, id(i + 1) == .of, id(i + 2) == .independence {
                result = (.absolute(.days(start, published)), i + 3)
            }
        }
        // over the years, to date, in total: a total with no stated start.
        if result == nil {
            if wordID == .over, id(i + 1) == .the, id(i + 2) == .years, id(i + 3) != .of {
                result = (.toDate, i + 3)
            } else if wordID == .to, id(i + 1) == .date {
                result = (.toDate, i + 2)
            }
        }
        // last year, the previous year, a year earlier, the same period of last year.
        if result == nil {
            if wordID == .same || wordID == .corresponding, id(i + 1) == .period || id(i + 1) == .months {
                var end = i + 2
                if id(end) == .of || id(end) == .in { end += 1 }
                if id(end) == .last || id(end) == .the, id(end + 1) == .year || id(end + 2) == .year {
                    end += id(end) == .last ? 2 : 3
                    result = (.samePeriodEarlier, end)
                } else if let y = year(at: end) {
                    result = (.samePeriodIn(y), end + 1)
                } else if id(end) == .this || id(end) == .current, id(end + 1) == .year {
                    // "in the same period this year": the sentence's part-year in the publication year.
                    result = (.samePeriodIn(published.year), end + 2)
                } else {
                    result = (.samePeriodEarlier, end)
                }
            } else if wordID == .year, id(i + 1) == .hyphen, id(i + 2) == .on, id(i + 3) == .hyphen, id(i + 4) == .year
            {
                result = (.samePeriodEarlier, i + 5)
            } else if wordID == .yoy
                || (wordID == .y && id(i + 1) == .hyphen && id(i + 2) == .o && id(i + 3) == .hyphen && id(i + 4) == .y)
            {
                result = (.samePeriodEarlier, wordID == .yoy ? i + 1 : i + 5)
            } else if wordID == .last, id(i + 1) == .year {
                // "last year" counts back from publication; "the previous year" from the sentence's year.
                result = (.absolute(.year(published.year - 1)), i + 2)
            } else if wordID == .previous || wordID == .preceding || wordID == .prior, id(i + 1) == .year {
                result = (.previousYear, i + 2)
            } else if wordID == .a || wordID == .one, id(i + 1) == .year,
                id(i + 2) == .earlier || id(i + 2) == .ago || id(i + 2) == .before
            {
                result = (.previousYear, i + 3)
            } else if wordID == .year, id(i + 1) == .before || id(i + 1) == .earlier, id(i - 1) == .the {
                result = (.previousYear, i + 2)
            }
        }
        return result
    }

    func isComparison(before i: Int, kind: PeriodKind) -> Bool {
        if kind == .samePeriodEarlier { return true }
        // "the same period of 2022" compares; "the same period this year" is the sentence's own.
        if case .samePeriodIn(let y) = kind, y != published.year { return true }
        // "4.8 times the 2017 level".
        if year(at: i) != nil, id(i - 1) == .the, has(i + 1, .levelNouns) { return true }
        // "increased by 5% on the previous year", "a 70 percent increase over 2021".
        let w1 = id(i - 1)
        let w2 = id(i - 2)
        let yearToken = year(at: i) != nil && (i + 1 >= tokens.count || id(i + 1) != .hyphen)
        if w1 == .on || w1 == .over, yearToken || kind == .previousYear { return true }
        if w2 == .on || w2 == .over, w1 == .the, kind == .previousYear { return true }
        // "down 10.3% from a year earlier", "up 5 percent from 2022".
        if w1 == .from, kind == .previousYear || Self.isChangeUnit(w2) { return true }
        var j = i - 1
        var steps = 0
        while j >= 0, steps < 4 {
            switch tokens[j].id {
            // "over the past eight months" is a period, not a comparison.
            case .over: return steps > 0 && id(j + 1) == .the && id(j + 2) == .same
            case .than, .compared, .comparison, .against, .versus, .vs: return true
            case .in, .the, .of, .with, .to, .same, .period, .for, .as:
                j -= 1
                steps += 1
            default: return false
            }
        }
        return false
    }

    /// Words after a number (other than a year) with which it can start a period: `10M2022`,
    /// `the 30th`, `10 months`, `30 years ago`, `30-year`.
    static func followsPeriodNumber(_ w: WordID) -> Bool {
        switch w {
        case .m, .st, .nd, .rd, .th, .months, .quarters, .hyphen, .decades, .years: return true
        default: return false
        }
    }

    /// `%`, `percent`, `pct`, `times`: the unit of a change (`up 5 percent from 2022`).
    static func isChangeUnit(_ w: WordID) -> Bool {
        switch w {
        case .percentSign, .percent, .pct, .times: return true
        default: return false
        }
    }

    func isDeadline(before i: Int) -> Bool {
        if id(i - 1) == .by { return true }
        if id(i - 1) == .of, id(i - 2) == .end, id(i - 3) == .the, id(i - 4) == .by { return true }
        return false
    }
}
