import AttacheModels

/// The dates and years around an anniversary: dates in the sentence, `On Thursday`, a
/// founding day stated elsewhere in the article, the year before or after the trigger, and
/// whether the celebration is still planned.
extension AnniversaryFinder {
    /// A date in the sentence: `29 June 2022`, `June 29, 2023`, `on June 29`.
    func dates(in range: Range<Int>) -> [(month: Int, day: Int, year: Int?, at: Int)] {
        var result: [(month: Int, day: Int, year: Int?, at: Int)] = []
        for i in range {
            guard tokens[i].classes.contains(.month), let m = Lexicon.months[words[i]], tokens[i].isCapitalised
            else { continue }
            if i - 1 >= range.lowerBound, tokens[i - 1].kind == .number, let d = int(i - 1),
                (1...31).contains(d)
            {
                let y = analysis.periods.year(at: i + 1)
                result.append((m, d, y, i - 1))
            } else if i + 1 < range.upperBound, tokens[i + 1].kind == .number, let d = int(i + 1),
                (1...31).contains(d),
                words[i + 1].utf8.count <= 2
            {
                var y: Int?
                if id(i + 2) == .comma, let yy = analysis.periods.year(at: i + 3) {
                    y = yy
                } else {
                    y = analysis.periods.year(at: i + 2)
                }
                result.append((m, d, y, i))
            }
        }
        return result
    }

    /// Whether `marks`, `will mark` or `this year marks` follows the date at `at`.
    func marksFollows(_ at: Int) -> Bool {
        var j = at
        while j < at + 3, j < tokens.count, tokens[j].kind != .word || tokens[j].classes.contains(.month) { j += 1 }
        if id(j) == .this || id(j) == .next, id(j + 1) == .year { j += 2 }
        if id(j) == .will { j += 1 }
        return ["marks", "mark", "marked"].contains(word(j) ?? "")
    }

    /// `On Thursday` before the trigger: the latest such weekday on or before publication.
    func weekdayBefore(_ i: Int, in range: Range<Int>) -> Day? {
        for j in range.lowerBound..<i where id(j) == .on {
            guard let w = word(j + 1), let target = Lexicon.weekdays[w], tokens[j + 1].isCapitalised else { continue }
            var day = published
            for _ in 0..<7 {
                if Self.weekday(of: day) == target { return day }
                day = Self.dayBefore(day)
            }
        }
        return nil
    }

    /// ISO weekday (Monday = 1) of a day (Zeller's congruence).
    static func weekday(of d: Day) -> Int {
        var y = d.year
        var m = d.month
        if m < 3 { m += 12; y -= 1 }
        let h = (d.day + (13 * (m + 1)) / 5 + y + y / 4 - y / 100 + y / 400) % 7  // 0 = Saturday
        return (h + 5) % 7 + 1
    }

    static func dayBefore(_ d: Day) -> Day {
        if d.day > 1 { return Day(year: d.year, month: d.month, day: d.day - 1)! }
        if d.month > 1 { return Day.last(ofMonth: d.month - 1, year: d.year)! }
        return Day(year: max(1, d.year - 1), month: 12, day: 31)!
    }

    /// A full date in `baseYear` that the article gives for a founding: a sentence with a
    /// founding verb (and, for diplomatic relations, the word relations or ties).
    func foundingDate(in baseYear: Int, kind: AnniversaryKind) -> Day? {
        for sentence in analysis.sentences {
            // The sentence's tokens read in place (a slice's iterator copies each token).
            let range = sentence.range
            let ok = tokens.withUnsafeBufferPointer { t in
                guard range.contains(where: { t[$0].classes.contains(.foundingWords) }) else { return false }
                return kind != .diplomaticRelations
                    || range.contains(where: { t[$0].id == .relations || t[$0].id == .ties })
            }
            guard ok else { continue }
            for d in dates(in: sentence.range) where d.year == baseYear {
                if let day = Day(year: baseYear, month: d.month, day: d.day) { return day }
            }
        }
        return nil
    }

    /// Whether a future cue governs the anniversary starting at `start`: one of the five words
    /// before it ("plans to mark the 30th", "will celebrate its 25th"), within the sentence.
    func plannedCelebration(before start: Int, in range: Range<Int>) -> Bool {
        let from = max(range.lowerBound, start - 5)
        guard from < start else { return false }
        return words[from..<start].contains { AnniversaryFinder.plannedCelebrationCues.contains($0) }
    }

    func yearBefore(_ i: Int, in range: Range<Int>) -> Int? {
        var j = i - 1
        while j >= range.lowerBound {
            let w = tokens[j].id
            if w == .year, j >= 1 {
                let p = tokens[j - 1].id
                if p == .this || p == .current { return published.year }
                if p == .next { return published.year + 1 }
                if p == .last { return published.year - 1 }
            }
            if let y = analysis.periods.year(at: j), ["in", "of"].contains(word(j - 1) ?? ""),
                !has(j - 2, .foundingVerbs)
            {
                return y
            }
            // "In December 2021, during celebrations of …", "planned for March 2023, … marking".
            if let y = analysis.periods.year(at: j), j >= 2, has(j - 1, .month),
                ["in", "of", "for", "since", "until"].contains(word(j - 2) ?? "")
            {
                return y
            }
            j -= 1
        }
        return nil
    }

    func yearAfter(_ i: Int, in range: Range<Int>) -> Int? {
        var j = i
        while j < range.upperBound {
            if let y = analysis.periods.year(at: j), id(j - 1) == .in,
                y >= published.year - 1 || has(j - 2, .celebrationVerbs)
                    || ["celebrated", "held"].contains(word(j - 2) ?? ""),
                !has(j - 2, .foundingVerbs)
            {
                return y
            }
            if let y = analysis.periods.year(at: j), has(j - 1, .month), id(j - 2) == .in,
                y >= published.year - 1
            {
                return y
            }
            if tokens[j].id == .year, j >= 1 {
                let p = tokens[j - 1].id
                if p == .this || p == .current { return published.year }
                if p == .next { return published.year + 1 }
                if p == .last { return published.year - 1 }
            }
            j += 1
        }
        return nil
    }
}
