import AttacheModels

/// A stated change at a token range: a percentage, a ratio or an absolute amount (with its
/// currency), and its qualifier.
struct ChangeMention {
    var range: Range<Int>
    var percent: Double?
    var ratio: Double?
    var absolute: Double?
    var absoluteCurrency: String?
    var qualifier: Qualifier?
    /// The money mention the change consumed as its absolute amount.
    var consumedMoney: Int?
}

/// Stated changes: `increased by 23%`, `grew nearly 2.5 times`, `doubled`, `fell by $3
/// million`, `a 15% increase`, `38% higher than`, `4.8 times the 2017 level`.
extension ArticleAnalysis {
    /// The number at i as a ratio multiplier: `2.5 times`, `four-fold`, `3-fold`, `fourfold`.
    func multiplier(at i: Int) -> (Double, Int)? {
        guard let w = word(i) else { return nil }
        let c = tokens[i].classes
        if c.contains(.multiplier), let f = Lexicon.foldWords[w] { return (f, i + 1) }
        // The unit first: a number is parsed only when `times` or `fold` follows it.
        var end: Int?
        if id(i + 1) == .times || id(i + 1) == .time {
            end = i + 2
        } else if id(i + 1) == .hyphen, id(i + 2) == .fold, tokens[i + 1].attached {
            end = i + 3
        } else if id(i + 1) == .fold {
            end = i + 2
        }
        var value: Double?
        if tokens[i].kind == .number {
            guard end != nil else { return nil }
            value = Numbers.parse(w)
        } else if c.contains(.cardinal), let n = Lexicon.cardinals[w] {
            value = Double(n)
        }
        if value == nil, c.contains(.multiplier), let adverb = Lexicon.multiplierAdverbs[w] { return (adverb, i + 1) }
        guard let v = value, v > 0, let end else { return nil }
        return (v, end)
    }

    func percent(at i: Int) -> (Double, Int)? {
        guard i < tokens.count else { return nil }
        // The unit first: the number is parsed only when `%`, `percent` or `per cent` follows.
        let end: Int
        if id(i + 1) == .percentSign || id(i + 1) == .percent || id(i + 1) == .pct {
            end = i + 2
        } else if id(i + 1) == .per, id(i + 2) == .cent {
            end = i + 3
        } else {
            return nil
        }
        var value: Double?
        if tokens[i].kind == .number {
            value = Numbers.parse(words[i])
        } else if tokens[i].classes.contains(.cardinal), let c = Lexicon.cardinals[words[i]] {
            value = Double(c)
        }
        guard let v = value else { return nil }
        return (v, end)
    }

    /// A stated change at token i.
    func change(at i: Int, in range: Range<Int>) -> ChangeMention? {
        guard i >= 0, i < tokens.count else { return nil }
        let wc = tokens[i].classes
        // A token that is no change word (a number, a cardinal) states a change only with a
        // unit after it (`23%`, `2.5 times`, `four-fold`): most numbers have none, and are
        // refused before the qualifier before them is looked up.
        let changeWords: WordClass = [.multiplier, .upVerbs, .upNouns, .downVerbs, .downNouns]
        if wc.isDisjoint(with: changeWords), !Self.startsChangeUnit(id(i + 1)) { return nil }
        let w = words[i]
        let before = qualifier(endingBefore: i)
        // "more than twice the 2017 level", "twice as much as".
        if wc.contains(.multiplier), let r = Lexicon.multiplierAdverbs[w], id(i + 1) == .the || id(i + 1) == .as {
            return ChangeMention(range: (before?.1 ?? i)..<(i + 1), ratio: r, qualifier: before?.0)
        }
        // "Kazakhstan (+30 percent)": a signed percentage in brackets.
        if tokens[i].kind == .number, id(i - 1) == .plusSign || id(i - 1) == .hyphen, id(i - 2) == .openBracket,
            let (p, end) = percent(at: i)
        {
            return ChangeMention(range: (i - 1)..<end, percent: id(i - 1) == .hyphen ? -p : p)
        }
        // doubled, tripled, halved.
        if wc.contains(.multiplier), let r = Lexicon.multiplierWords[w] {
            return ChangeMention(range: (before?.1 ?? i)..<(i + 1), ratio: r, qualifier: before?.0)
        }
        // increased by 23%, grew nearly 2.5 times, fell by $3 million, an increase of 5%, up 15%.
        // "make up around 95%": a share.
        if w == "up", has(i - 1, .shareVerbs) { return nil }
        let up = wc.contains(.upVerbs) || wc.contains(.upNouns)
        let down = wc.contains(.downVerbs) || wc.contains(.downNouns)
        if up || down {
            var sign: Double = up ? 1 : -1
            var j = i + 1
            if w == "went" {
                guard id(j) == .up || id(j) == .down else { return nil }
                sign = id(j) == .up ? 1 : -1
                j += 1
            }
            if id(j) == .by || id(j) == .of { j += 1 }
            // "the growth was 25%", "the increase amounted to 12 percent".
            if wc.contains(.upNouns) || wc.contains(.downNouns) {
                if ["was", "is", "reached", "made", "amounted", "stood", "totalled", "totaled"].contains(word(j) ?? "")
                {
                    j += ["to", "at", "up"].contains(word(j + 1) ?? "") ? 2 : 1
                }
            }
            var q = before?.0
            if let (q2, after) = qualifier(startingAt: j) { q = q2; j = after }
            // "up a remarkable 328%".
            if id(j) == .a || id(j) == .an, has(j + 1, .changeAdjectives), percent(at: j + 2) != nil { j += 2 }
            let start = before?.1 ?? i
            if let (p, end) = percent(at: j) {
                return ChangeMention(range: start..<end, percent: sign * p, qualifier: q)
            }
            if let (r, end) = multiplier(at: j) {
                return ChangeMention(range: start..<end, ratio: sign > 0 ? r : 1 / r, qualifier: q)
            }
            // "declined by half".
            if id(j - 1) == .by, id(j) == .half, sign < 0 {
                return ChangeMention(range: start..<(j + 1), ratio: 0.5, qualifier: q)
            }
            if let m = money.parse(at: j), m.currency != nil, j > i + 1,
                id(j - 1) == .by || id(j - 1) == .of || q != nil && id(j - 2) == .by
            {
                return ChangeMention(
                    range: start..<m.range.upperBound, absolute: sign * m.amount, absoluteCurrency: m.currency,
                    qualifier: q, consumedMoney: j)
            }
            return nil
        }
        // 38% higher than, a 15% increase.
        if let (p, end) = percent(at: i), let next = word(end) {
            let q = before?.0
            let start = before?.1 ?? i
            if has(end, .upComparatives) || has(end, .upNouns) {
                if next == "more", id(end + 1) == .of { return nil }
                return ChangeMention(range: start..<(end + 1), percent: p, qualifier: q)
            }
            if has(end, .downComparatives) || has(end, .downNouns) {
                return ChangeMention(range: start..<(end + 1), percent: -p, qualifier: q)
            }
            return nil
        }
        // 3 times higher, a fourfold increase, 3.7 times as much as, 4.8 times the 2017 level.
        if let (r, end) = multiplier(at: i), let next = word(end) {
            let q = before?.0
            let start = before?.1 ?? i
            if next == "the", has(end + 2, .levelNouns) || has(end + 3, .levelNouns) {
                return ChangeMention(range: start..<end, ratio: r, qualifier: q)
            }
            if next == "as", ["much", "high", "large", "big", "great", "many"].contains(word(end + 1) ?? ""),
                id(end + 2) == .as,
                !(wc.contains(.multiplier) && Lexicon.multiplierAdverbs[w] != nil)
            {
                return ChangeMention(range: start..<(end + 3), ratio: r, qualifier: q)
            }
            if has(end, .upComparatives) || has(end, .upNouns) {
                return ChangeMention(range: start..<(end + 1), ratio: r, qualifier: q)
            }
            if has(end, .downComparatives) || has(end, .downNouns) {
                return ChangeMention(range: start..<(end + 1), ratio: 1 / r, qualifier: q)
            }
        }
        return nil
    }

    /// The words after a number that make it a percentage or a ratio (`%`, `percent`, `pct`,
    /// `per cent`, `times`, `time`, `-fold`, `fold`).
    static func startsChangeUnit(_ w: WordID) -> Bool {
        switch w {
        case .percentSign, .percent, .pct, .per, .times, .time, .hyphen, .fold: return true
        default: return false
        }
    }

    func changeMentions(in range: Range<Int>) -> [ChangeMention] {
        var result: [ChangeMention] = []
        var i = range.lowerBound
        while i < range.upperBound {
            guard tokens[i].kind == .number || tokens[i].classes.contains(.changeStart) else { i += 1; continue }
            if let c = change(at: i, in: range), c.range.upperBound <= range.upperBound,
                c.range.lowerBound >= range.lowerBound
            {
                result.append(c)
                i = max(c.range.upperBound, i + 1)
            } else {
                i += 1
            }
        }
        return result
    }
}
