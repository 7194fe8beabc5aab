import AttacheModels

/// A metric word or phrase at a token range (`trade turnover`, `exports`); `negative` for a
/// deficit, whose amount is a negative balance.
struct MetricMention {
    var range: Range<Int>
    var metric: Metric
    var negative: Bool
}

/// A clause of a sentence, between commas, semicolons, brackets or clause words; a
/// `comparison` segment speaks of what something is compared with (`compared to 2020`).
struct Segment {
    var range: Range<Int>
    var comparison: Bool
}

/// The mentions a sentence is made of: money, periods, metric words, its segments, and the
/// qualifiers before an amount (`about`, `more than`).
extension ArticleAnalysis {
    func moneyMentions(in range: Range<Int>) -> [MoneyMention] {
        var result: [MoneyMention] = []
        var i = range.lowerBound
        while i < range.upperBound {
            // An amount starts at its number or at a currency mark (`$`, `US`, `EUR`).
            guard tokens[i].kind == .number || tokens[i].classes.contains(.currencyPrefix) else {
                i += 1; continue
            }
            if let m = money.parse(at: i), m.range.upperBound <= range.upperBound {
                result.append(m)
                i = m.range.upperBound
            } else {
                i += 1
            }
        }
        return result
    }

    func periodMentions(in range: Range<Int>) -> [PeriodMention] {
        var result: [PeriodMention] = []
        var i = range.lowerBound
        let gate: WordClass = [.month, .ordinal, .periodWord, .cardinal]
        while i < range.upperBound {
            guard tokens[i].kind == .number || !tokens[i].classes.isDisjoint(with: gate) else { i += 1; continue }
            if let p = periods.parse(at: i), p.range.upperBound <= range.upperBound {
                result.append(p)
                i = p.range.upperBound
            } else {
                i += 1
            }
        }
        return result
    }

    func metricMentions(in range: Range<Int>) -> [MetricMention] {
        var result: [MetricMention] = []
        var i = range.lowerBound
        while i < range.upperBound {
            let classes = tokens[i].classes
            guard classes.contains(.metricStart) || classes.contains(.investmentVerbs) else {
                i += 1
                continue
            }
            var matched: MetricMention?
            if classes.contains(.metricStart), let phrases = Lexicon.metricsByFirstWord[words[i]] {
                for (phrase, metric) in phrases where i + phrase.count <= range.upperBound {
                    var ok = true
                    for (k, w) in phrase.enumerated() where words[i + k] != w { ok = false; break }
                    if ok {
                        matched = MetricMention(
                            range: i..<(i + phrase.count), metric: metric, negative: phrase.last == "deficit")
                        break
                    }
                }
            }
            if matched == nil, classes.contains(.investmentVerbs),
                ((i + 1)..<min(i + 12, range.upperBound)).contains(where: { tokens[$0].id == .into })
            {
                matched = MetricMention(range: i..<(i + 1), metric: .investment, negative: false)
            }
            // "the number of exporters": a count of companies, not a flow.
            if let m = matched, tokens[i].id == .exporters || tokens[i].id == .importers, id(i - 1) == .of,
                id(i - 2) == .number
            {
                i = m.range.upperBound
                continue
            }
            if let matched {
                // "trade and investment cooperation", "trade partner": not the measured quantity
                // when a noun of relations follows; such mentions are skipped.
                if !Self.isRelationNoun(id(matched.range.upperBound)) {
                    result.append(matched)
                }
                i = matched.range.upperBound
            } else {
                i += 1
            }
        }
        return result
    }

    func segments(in range: Range<Int>) -> [Segment] {
        var result: [Segment] = []
        var start = range.lowerBound
        func close(_ end: Int) {
            if end > start {
                var first = start
                while first < end, tokens[first].kind == .symbol { first += 1 }
                let w = id(first)
                let comparison =
                    Self.opensComparison(w)
                    || ((w == .up || w == .down) && id(first + 1) == .from)
                    || (w == .as && id(first + 1) == .against)
                    || (w == .in && tokens[start].id == .openBracket)
                result.append(Segment(range: start..<end, comparison: comparison))
            }
            start = end
        }
        for i in range {
            let t = tokens[i].kind
            if t == .symbol {
                let w = tokens[i].id
                if w == .comma || w == .semicolon || w == .openBracket || w == .closeBracket { close(i) }
            } else if tokens[i].classes.contains(.clauseBreaks), i > start {
                close(i)
            } else if t == .word, i > start, tokens[i].id == .and, i + 1 < tokens.count,
                has(i + 1, .factVerbs) || Self.isCopula(id(i + 1))
            {
                // "… compared to 2020 and amounted to $300 million": a new clause about the
                // sentence's own period.
                close(i)
            }
        }
        close(range.upperBound)
        return result
    }

    /// Nouns of relations after a metric word (`trade partner`, `investment climate`): the
    /// metric word is then not the measured quantity.
    static func isRelationNoun(_ w: WordID) -> Bool {
        switch w {
        case .partner, .partners, .mission, .missions, .ties, .relations, .house, .representative, .policy,
            .agreement, .agreements, .climate, .projects, .opportunities, .fund, .funds, .attractiveness:
            return true
        default: return false
        }
    }

    /// Words that open a clause about what something is compared with.
    static func opensComparison(_ w: WordID) -> Bool {
        switch w {
        case .compared, .comparing, .against, .versus, .vs, .than, .whereas: return true
        default: return false
        }
    }

    /// `was`, `were`, `is`, `stood`: after `and`, a new clause about the sentence's own period.
    static func isCopula(_ w: WordID) -> Bool {
        switch w {
        case .was, .were, .is, .stood: return true
        default: return false
        }
    }

    /// The segment holding a token (segments are contiguous and sorted: binary search).
    func segmentIndex(of token: Int, in segments: [Segment]) -> Int {
        var lo = 0
        var hi = segments.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if segments[mid].range.lowerBound <= token { lo = mid } else { hi = mid - 1 }
        }
        return max(0, lo)
    }

    func qualifier(endingBefore i: Int) -> (Qualifier, Int)? {
        guard i >= 1 else { return nil }
        guard tokens[i - 1].classes.contains(.qualifierLast) else { return nil }
        for (phrase, q) in Lexicon.qualifiersByLastWord[words[i - 1]] ?? [] {
            let s = i - phrase.count
            guard s >= 0 else { continue }
            var ok = true
            for (k, w) in phrase.enumerated() where words[s + k] != w { ok = false; break }
            if ok { return (q, s) }
        }
        return nil
    }

    func qualifier(startingAt i: Int) -> (Qualifier, Int)? {
        guard i < tokens.count else { return nil }
        guard tokens[i].classes.contains(.qualifierFirst) else { return nil }
        for (phrase, q) in Lexicon.qualifiersByFirstWord[words[i]] ?? [] {
            guard i + phrase.count <= tokens.count else { continue }
            var ok = true
            for (k, w) in phrase.enumerated() where words[i + k] != w { ok = false; break }
            if ok { return (q, i + phrase.count) }
        }
        return nil
    }
}
