import AttacheModels

/// Amounts that are not statistics: targets and forecasts (`aim to reach $1 billion`), the
/// value of a deal or of one commodity, and the bounds of a range of values.
extension ArticleAnalysis {
    /// Whether something at token i of the sentence is a target or forecast: the nearest cue
    /// before it decides — a target word (`aim`, `expected`, `to reach`) makes it a target, a
    /// fact verb (`reached`, `came to`) a statement. The starting level of a plan (`from $150
    /// million in 2023 to $500 million`, `from its current $5 billion`) is a statement.
    func isTarget(before i: Int, sentenceStart: Int, end: Int? = nil) -> Bool {
        // "$10bln is the goal", "the $1bn threshold": a target noun right after the amount.
        if let end {
            for j in end..<min(end + 4, tokens.count) where tokens[j].classes.contains(.targetNouns) { return true }
            if id(i - 1) == .the, has(end, .targetNouns) { return true }
            // "$35 billion by 2030": an amount before a deadline in the future.
            if has(end, .deadlineWords), let y = periods.year(at: end + 1), y > article.published.year { return true }
        }
        var k = i - 1
        if let (_, s) = qualifier(endingBefore: i), s >= sentenceStart { k = s - 1 }
        if id(k) == .current, id(k - 1) == .its || id(k - 1) == .the || id(k - 1) == .their { k -= 2 }
        if id(k) == .from, k >= sentenceStart { return false }
        var j = i - 1
        while j >= sentenceStart {
            let w = tokens[j].id
            let jc = tokens[j].classes
            if jc.contains(.factVerbs), !has(j - 1, .modalWords),
                !(has(j - 2, .modalWords) && Self.isAuxiliary(id(j - 1)))
            {
                return false
            }
            if jc.contains(.targetWords) { return true }
            // "… is expected to double, noting that it was $1.9 billion last year": a past copula
            // states a fact, unless a target noun or word is its subject ("the goal was …").
            if w == .was || w == .were, !has(j - 1, .targetNouns), !has(j - 1, .targetWords), !has(j - 1, .modalWords) {
                return false
            }
            if w == .to, has(j + 1, .targetVerbs) {
                // "increased 3 times in 2022 to reach $73.8 million": the result of a stated change.
                var k = j - 1
                while k >= sentenceStart, !Self.isClauseMark(tokens[k].id),
                    !tokens[k].classes.contains(.targetWords)
                {
                    if tokens[k].classes.contains(.changeVerbsPast), !has(k - 1, .modalWords) { return false }
                    k -= 1
                }
                return true
            }
            j -= 1
        }
        return false
    }

    /// Whether an amount is the value of a deal (`a $6.1 billion investment cooperation
    /// agreement`, `36 documents worth $6.3 billion`) or of one commodity (`1.2 million tons of
    /// wheat worth $400 million`).
    func isDealValue(_ r: Range<Int>) -> Bool {
        for j in r.upperBound..<min(r.upperBound + 4, tokens.count) {
            if tokens[j].classes.contains(.dealNouns) { return true }
            if Self.endsDealPhrase(tokens[j].id) { break }
        }
        var k = r.lowerBound - 1
        if let (_, s) = qualifier(endingBefore: r.lowerBound) { k = s - 1 }
        if id(k) == .worth || id(k) == .valued || id(k) == .totalling && id(k - 1) == .agreements {
            for j in max(0, k - 4)..<k where tokens[j].classes.contains(.dealNouns) { return true }
            // "1.2 million tons of wheat worth $400 million": the value of one commodity.
            for j in max(0, k - 6)..<k where tokens[j].classes.contains(.physicalUnits) { return true }
        }
        return false
    }

    /// Whether an amount is a bound of a range of values: `within a range from $2.5 billion up
    /// to $6.5 billion a year`.
    func isRangeBound(_ r: Range<Int>, sentenceStart: Int) -> Bool {
        var j = r.lowerBound - 1
        var steps = 0
        while j >= sentenceStart, steps < 12 {
            switch tokens[j].id {
            case .range, .ranged, .ranging, .fluctuated, .varied, .moved: return true
            case .fullStop, .semicolon: return false
            default: break
            }
            j -= 1
            steps += 1
        }
        return false
    }

    /// `have`, `be`, `has`: between a modal and a fact verb (`will have reached`).
    static func isAuxiliary(_ w: WordID) -> Bool {
        switch w {
        case .have, .be, .has: return true
        default: return false
        }
    }

    /// `,`, `;`, `(`: where a clause starts.
    static func isClauseMark(_ w: WordID) -> Bool {
        switch w {
        case .comma, .semicolon, .openBracket: return true
        default: return false
        }
    }

    /// Words that end the phrase after an amount in which a deal noun is looked for.
    static func endsDealPhrase(_ w: WordID) -> Bool {
        switch w {
        case .comma, .fullStop, .semicolon, .in, .for, .from, .to, .while: return true
        default: return false
        }
    }
}
