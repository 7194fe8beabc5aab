import AttacheModels

/// The patterns that start an anniversary: an ordinal before `anniversary`/`birthday`/
/// `jubilee`, `centenary of`, `X's 78th Independence Day`, `N years ago` with a founding verb,
/// a celebration verb with `N years of/since`.
extension AnniversaryFinder {
    /// An ordinal ending just before token `end`: `31st`, `thirtieth`, `thirty-first`, `30-year`.
    func ordinal(endingBefore end: Int) -> (Int, Int)? {
        let i = end - 1
        guard i >= 0 else { return nil }
        let w = words[i]
        let wID = tokens[i].id
        if Self.isOrdinalSuffix(wID), tokens[i].attached, i >= 1, tokens[i - 1].kind == .number,
            let n = int(i - 1)
        {
            return (n, i - 1)
        }
        if tokens[i].classes.contains(.ordinal), let n = Lexicon.ordinals[w] {
            if i >= 2, id(i - 1) == .hyphen, let t = word(i - 2), Lexicon.tens.contains(t),
                let tv = Lexicon.cardinals[t],
                n < 10
            {
                return (tv + n, i - 2)
            }
            return (n, i)
        }
        if wID == .year || wID == .years, i >= 1 {
            var j = i - 1
            if id(j) == .hyphen { j -= 1 }
            if j >= 0, tokens[j].kind == .number, let n = int(j) { return (n, j) }
            if j >= 0, tokens[j].classes.contains(.cardinal), let n = Lexicon.cardinals[words[j]] {
                return (n, j)
            }
        }
        return nil
    }

    /// The capitalised name before `'s` (and an optional bracketed abbreviation) that ends just
    /// before token `i`: `the Indonesian National Army's (TNI)`.
    func possessor(before i: Int, in range: Range<Int>) -> Range<Int>? {
        var j = i - 1
        if id(j) == .closeBracket {
            while j > range.lowerBound, id(j) != .openBracket { j -= 1 }
            j -= 1
        }
        guard id(j) == .s, id(j - 1) == .apostrophe else { return nil }
        let end = j - 1
        var s = end - 1
        while s >= range.lowerBound, tokens[s].kind == .word, tokens[s].isCapitalised { s -= 1 }
        guard s + 1 < end else { return nil }
        return (s + 1)..<end
    }

    /// The country in `X's` just before token i.
    func countryOwner(before i: Int) -> CountryToken? {
        guard id(i - 1) == .s, id(i - 2) == .apostrophe else { return nil }
        return analysis.countries.first { $0.endToken == i - 2 && $0.role != .capital }
    }

    /// A cardinal at i (`30`, `thirty`, `thirty-one`): value and end.
    func cardinal(at i: Int) -> (Int, Int)? {
        guard i >= 0, i < tokens.count else { return nil }
        if tokens[i].kind == .number, let n = int(i) { return (n, i + 1) }
        if tokens[i].classes.contains(.cardinal), let w = word(i), let n = Lexicon.cardinals[w] {
            if Lexicon.tens.contains(w), id(i + 1) == .hyphen, let u = word(i + 2), let un = Lexicon.cardinals[u],
                un < 10
            {
                return (n + un, i + 3)
            }
            return (n, i + 1)
        }
        return nil
    }

    struct Trigger {
        var ordinal: Int
        var start: Int
        var triggerEnd: Int
        /// Where the description of what is commemorated starts, if anywhere.
        var phraseStart: Int?
        var yearsAgo: Bool
        var namedBefore: Range<Int>?
        /// A word between the ordinal and `anniversary` that says what it is: `independence`,
        /// `birth` (`the 30th independence anniversary of Kazakhstan`).
        var modifier: String? = nil
        /// A country whose day it is (`Indonesia's 78th Independence Day`).
        var owner: String? = nil
    }

    func triggers(in range: Range<Int>) -> [Trigger] {
        var result: [Trigger] = []
        var i = range.lowerBound
        while i < range.upperBound {
            guard tokens[i].kind == .number || tokens[i].classes.contains(.anniversaryStart) else { i += 1; continue }
            // A number starts a trigger only as an ordinal (`78th`) or a count of years (`30
            // years ago`, `25 years of`): most numbers are neither, and are not parsed.
            if tokens[i].kind == .number, !Self.isOrdinalSuffix(id(i + 1)), id(i + 1) != .years {
                i += 1
                continue
            }
            let wID = tokens[i].id
            if wID == .anniversary || wID == .birthday || wID == .jubilee {
                // "the 30th independence anniversary of Kazakhstan", "175th birth anniversary of Abay".
                var modifier: String?
                var found = ordinal(endingBefore: i)
                if found == nil, i >= 1, let m = word(i - 1), Lexicon.anniversaryModifiers[m] != nil {
                    found = ordinal(endingBefore: i - 1)
                    modifier = m
                }
                if let (n, start) = found, start >= range.lowerBound, modifier != nil, id(i + 1) == .of {
                    result.append(
                        Trigger(
                            ordinal: n, start: start, triggerEnd: i + 1, phraseStart: i + 2, yearsAgo: false,
                            modifier: modifier))
                } else if let (n, start) = found, start >= range.lowerBound, modifier == nil, id(i + 1) != .of,
                    let named = possessor(before: start, in: range)
                {
                    // "the Indonesian National Army's (TNI) 78th anniversary".
                    result.append(
                        Trigger(
                            ordinal: n, start: named.lowerBound, triggerEnd: i + 1, phraseStart: nil, yearsAgo: false,
                            namedBefore: named))
                } else if let (n, start) = found, start >= range.lowerBound, modifier == nil {
                    if id(i + 1) == .of {
                        result.append(
                            Trigger(ordinal: n, start: start, triggerEnd: i + 1, phraseStart: i + 2, yearsAgo: false))
                    } else {
                        // "Air Astana celebrated its 20th anniversary": the name before the verb.
                        var j = start - 1
                        if id(j) == .its || id(j) == .their || id(j) == .the { j -= 1 }
                        if j >= range.lowerBound, has(j, .celebrationVerbs) {
                            var k = j - 1
                            if ["is", "was", "will", "has", "have", "had", "would"].contains(word(k) ?? "") { k -= 1 }
                            var s = k
                            while s >= range.lowerBound {
                                if tokens[s].isCapitalised || (tokens[s].kind == .symbol && tokens[s].id == .hyphen) {
                                    s -= 1; continue
                                }
                                // "Assembly of People of Kazakhstan": connectors between capitalised words.
                                if ["of", "and", "for", "the", "in"].contains(words[s]),
                                    s - 1 >= range.lowerBound, tokens[s - 1].isCapitalised
                                {
                                    s -= 1; continue
                                }
                                break
                            }
                            if s + 1 <= k, tokens[s + 1].id == .the { s += 1 }
                            if s < k {
                                result.append(
                                    Trigger(
                                        ordinal: n, start: start, triggerEnd: i + 1, phraseStart: nil, yearsAgo: false,
                                        namedBefore: (s + 1)..<(k + 1)))
                            }
                        }
                    }
                }
            } else if Self.isCentenary(wID), id(i + 1) == .of {
                let w = words[i]
                let n = w.hasPrefix("bi") ? 200 : w.hasPrefix("sesqui") ? 150 : 100
                result.append(Trigger(ordinal: n, start: i, triggerEnd: i + 1, phraseStart: i + 2, yearsAgo: false))
            } else if let (n, end) = ordinal(at: i), id(end) == .independence, id(end + 1) == .day,
                let owner = countryOwner(before: i)
            {
                // "Indonesia's 78th Independence Day".
                result.append(
                    Trigger(
                        ordinal: n, start: owner.token, triggerEnd: end + 2, phraseStart: nil, yearsAgo: false,
                        modifier: "independence", owner: owner.code))
                i = end + 2
                continue
            } else if let (n, end) = cardinal(at: i), id(end) == .years, id(end + 1) == .ago,
                end + 2 <= range.upperBound
            {
                // "… set up diplomatic relations exactly 30 years ago": the verb may come first.
                if tokens[(end + 2)..<range.upperBound].contains(where: { $0.classes.contains(.foundingVerbs) })
                    || tokens[clause(around: i, in: range).lowerBound..<i].contains(where: {
                        $0.classes.contains(.foundingVerbs)
                    })
                {
                    result.append(
                        Trigger(ordinal: n, start: i, triggerEnd: end + 2, phraseStart: end + 2, yearsAgo: true))
                    i = end + 2
                    continue
                }
            } else if tokens[i].classes.contains(.celebrationVerbs) {
                var j = i + 1
                if id(j) == .the || id(j) == .their || id(j) == .its { j += 1 }
                if let (n, end) = cardinal(at: j), id(end) == .years,
                    id(end + 1) == .of || id(end + 1) == .since
                {
                    result.append(
                        Trigger(ordinal: n, start: j, triggerEnd: end + 1, phraseStart: end + 2, yearsAgo: false))
                    i = end + 2
                    continue
                }
            }
            i += 1
        }
        // Nothing may reach past the sentence.
        return result.filter {
            (1...1000).contains($0.ordinal) && $0.start >= range.lowerBound && $0.triggerEnd <= range.upperBound
                && ($0.phraseStart ?? range.lowerBound) <= range.upperBound
        }
    }

    /// The comma-delimited clause around token i.
    func clause(around i: Int, in range: Range<Int>) -> Range<Int> {
        var s = i
        while s > range.lowerBound, !Self.isClauseComma(tokens[s - 1]) { s -= 1 }
        var e = i
        while e < range.upperBound, !Self.isClauseComma(tokens[e]) { e += 1 }
        return s..<e
    }

    /// A comma or semicolon.
    static func isClauseComma(_ t: Token) -> Bool {
        t.kind == .symbol && (t.id == .comma || t.id == .semicolon)
    }

    /// `centenary` and its kin (`bicentennial`, `sesquicentennial`).
    static func isCentenary(_ w: WordID) -> Bool {
        switch w {
        case .centenary, .centennial, .bicentenary, .bicentennial, .sesquicentennial: return true
        default: return false
        }
    }
}
