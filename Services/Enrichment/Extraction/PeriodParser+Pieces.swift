import AttacheModels

/// The pieces period forms are built from: years, numbers and ordinals, year expressions
/// (`this year`, `the previous year`), part-years (`first half`), counts of months, month names.
extension PeriodParser {
    func year(at i: Int) -> Int? {
        guard i >= 0, i < tokens.count, tokens[i].kind == .number, tokens[i].end - tokens[i].start == 4,
            let y = int(i), (1900...2100).contains(y)
        else { return nil }
        // Not money or a percentage: "2024 million", "2024%".
        if i + 1 < tokens.count {
            let next = tokens[i + 1].id
            if has(i + 1, .scales) || next == .percentSign || has(i + 1, .currencySuffix) { return nil }
        }
        if i > 0, tokens[i].attached, tokens[i - 1].classes.contains(.currencyPrefix),
            Lexicon.currencyPrefix[words[i - 1]] != nil
        {
            return nil
        }
        return y
    }

    func number(at i: Int) -> Int? {
        guard i >= 0, i < tokens.count else { return nil }
        if tokens[i].kind == .number { return int(i) }
        guard let w = word(i) else { return nil }
        return tokens[i].classes.contains(.cardinal) ? Lexicon.cardinals[w] : nil
    }

    /// `2025`, `this year`, `the current year`, `last year` after "of": the year and the end index.
    func yearExpression(at i: Int) -> (Int, Int)? {
        var j = i
        if id(j) == .of { j += 1 }
        if let y = year(at: j) { return (y, j + 1) }
        if id(j) == .this, id(j + 1) == .year { return (published.year, j + 2) }
        if id(j) == .the, id(j + 1) == .current, id(j + 2) == .year { return (published.year, j + 3) }
        if id(j) == .current, id(j + 1) == .year { return (published.year, j + 2) }
        if id(j) == .last, id(j + 1) == .year { return (published.year - 1, j + 2) }
        if id(j) == .the, id(j + 1) == .previous || id(j + 1) == .past, id(j + 2) == .year {
            return (published.year - 1, j + 3)
        }
        return nil
    }

    /// The year a part-year without a year belongs to: the publication year, or the year
    /// before when those months have not ended by publication.
    func impliedYear(lastMonth: Int) -> Int {
        lastMonth < published.month ? published.year : published.year - 1
    }

    /// `first half`, `second quarter`, `first nine months`, `first three quarters` at i
    /// (after an optional "the"): months and end index.
    func partOfYear(at i: Int) -> (from: Int, to: Int, end: Int)? {
        var j = i
        if id(j) == .the { j += 1 }
        guard let (ord, afterOrd) = ordinal(at: j) else { return nil }
        if id(afterOrd) == .half, (1...2).contains(ord) {
            return (ord == 1 ? 1 : 7, ord == 1 ? 6 : 12, afterOrd + 1)
        }
        if id(afterOrd) == .quarter, (1...4).contains(ord) { return ((ord - 1) * 3 + 1, ord * 3, afterOrd + 1) }
        if ord == 1, let n = number(at: afterOrd), id(afterOrd + 1) == .months || id(afterOrd + 1) == .month,
            (1...12).contains(n)
        {
            return (1, n, afterOrd + 2)
        }
        if ord == 1, let n = number(at: afterOrd), id(afterOrd + 1) == .quarters, (1...4).contains(n) {
            return (1, n * 3, afterOrd + 2)
        }
        return nil
    }

    /// `10 months of 2021`, `the eight months of 2022`, `two quarters of 2022`, `for seven
    /// months`: a count of months or quarters without "first" counts from January.
    func countOfMonths(at i: Int) -> (from: Int, to: Int, end: Int)? {
        var j = i
        if id(j) == .the { j += 1 }
        guard let n = number(at: j), tokens[j].kind == .number || tokens[j].classes.contains(.cardinal) else {
            return nil
        }
        let unit = id(j + 1)
        guard
            Self.precedesCount(id(i - 1)) || id(i) == .the
                || id(j + 2) == .of
        else { return nil }
        if unit == .months, (1...12).contains(n) { return (1, n, j + 2) }
        if unit == .quarters, (1...4).contains(n) { return (1, n * 3, j + 2) }
        return nil
    }

    /// Words before a count of months that make it a period (`in 10 months`, `for seven months`).
    static func precedesCount(_ w: WordID) -> Bool {
        switch w {
        case .in, .for, .over, .during, .of, .the, .first: return true
        default: return false
        }
    }

    /// A month name at i (never a bare "may" unless a year or range follows).
    func month(at i: Int) -> Int? {
        guard has(i, .month), let w = word(i), let m = Lexicon.months[w] else { return nil }
        if !tokens[i].isCapitalised { return nil }
        if w == "may" || w == "mar" || w == "jan" || w == "dec" {
            // "May" the verb stays a verb.
            if year(at: i + 1) == nil, id(i + 1) != .hyphen, id(i - 1) != .hyphen, id(i - 1) != .to { return nil }
        }
        return m
    }
}
