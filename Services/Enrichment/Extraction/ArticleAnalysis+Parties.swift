import AttacheModels

/// Who reports a figure, who is its partner, and which way investment flows.
struct Parties {
    var reporter: String
    var partner: String
    var direction: Direction?
    /// The other countries the sentence named besides the partner (a later sentence that
    /// carries these parties prefers the article's main partner among them).
    var alternatives: [String] = []
    /// False when the sentence spoke of one country's own totals (`Tajikistan's overall
    /// foreign trade`): a sentence that carries these parties is not bilateral either.
    var bilateral = true
}

/// The parties of a figure or change: the reporter and the partner, the direction of an
/// investment, the article that reports another country's statistics, one country's own totals,
/// and regions and groups, whose figures are not bilateral.
extension ArticleAnalysis {
    /// The first non-home country named as the owner of a trade metric: `X's (overall|total|
    /// foreign) trade/turnover/exports/imports`, or its adjective right before one (`Finnish
    /// exports`), not inside a compound (`Kazakh-Chinese trade`).
    static func foreignReporter(tokens: [Token], countries: [CountryToken], home: String) -> String? {
        for c in countries where c.code != home && c.role != .capital {
            if c.token > 0, tokens[c.token - 1].id == .hyphen { continue }
            // "Germany raised its imports from …": the country owns the flow it calls "its".
            if c.role != .adjective {
                var k = c.endToken
                while k < min(c.endToken + 3, tokens.count), tokens[k].kind == .word, tokens[k].id != .its {
                    k += 1
                }
                if k + 1 < tokens.count, tokens[k].id == .its, Self.isOwnedMetric(tokens[k + 1].id) {
                    return c.code
                }
            }
            var j = c.endToken
            if j + 1 < tokens.count, tokens[j].id == .apostrophe, tokens[j + 1].id == .s {
                j += 2
            } else if c.role != .adjective {
                continue
            }
            while j < tokens.count, Self.isTotalWord(tokens[j].id) { j += 1 }
            if j < tokens.count, Self.isOwnedMetric(tokens[j].id), j + 1 < tokens.count, tokens[j + 1].id != .hyphen {
                // "Kyrgyzstan's trade turnover with Kazakhstan" still names the home country as its
                // partner; it is a foreign reporter all the same.
                return c.code
            }
        }
        return nil
    }

    /// Who reports, who is the partner and which way the money flows, for one sentence.
    func parties(in range: Range<Int>, metric: Metric, carry: Parties?) -> Parties? {
        // "U.S. dollars", "US$", "Swiss francs" name a currency, not a party.
        let mentions = countries(in: range).filter {
            $0.role != .capital && !Self.isCurrencyName(id($0.endToken))
        }
        var codes: [String] = []
        for m in mentions where !codes.contains(m.code) { codes.append(m.code) }
        var direction: Direction?
        var source: String?
        var target: String?
        if metric == .fdiInflow || metric == .investment {
            for m in mentions {
                let prev = id(m.token - 1)
                let prev2 = id(m.token - 2)
                let next = id(m.endToken)
                if prev == .from || prev == .by || (prev2 == .by && prev == .the) {
                    source = source ?? m.code
                } else if Self.isInvestorNoun(next)
                    || (next == .apostrophe && id(m.endToken + 1) == .s
                        && ["investment", "investments", "companies", "investors"].contains(word(m.endToken + 2) ?? ""))
                {
                    source = source ?? m.code
                } else if prev == .in || prev == .into || prev == .to
                    || (prev == .the && (prev2 == .in || prev2 == .into))
                {
                    target = target ?? m.code
                }
            }
            let words = tokens[range]
            if words.contains(where: { Self.isInflowWord($0.id) }) { direction = .inbound }
            if words.contains(where: { Self.isOutflowWord($0.id) }) { direction = .outbound }
            if let s = source, s == home, let t = target, t != home {
                return Parties(reporter: home, partner: t, direction: .outbound)
            }
            if let s = source, s != home {
                return Parties(
                    reporter: home, partner: s, direction: target == nil || target == home ? .inbound : direction)
            }
            if let t = target, t != home, codes.contains(home) || codes.count == 1 {
                return Parties(reporter: home, partner: t, direction: .outbound)
            }
        }
        let others = codes.filter { $0 != home }
        // An article reporting another country's statistics: a third country alone is that
        // country's partner, and the home country alone is its partner.
        if let reporter = foreignReporter {
            if !codes.contains(home), others.count == 1, others[0] != reporter {
                return Parties(reporter: reporter, partner: others[0], direction: direction, bilateral: false)
            }
            if codes == [home] { return Parties(reporter: home, partner: reporter, direction: direction) }
        }
        if !others.isEmpty {
            if codes.contains(home) || others.count == 1 {
                return Parties(
                    reporter: home, partner: others[0], direction: direction, alternatives: Array(others.dropFirst()))
            }
            // Two other countries and not the home one ("EU countries' exports to Russia fell by
            // 57%"): their own trade, not the home country's.
            return Parties(reporter: others[0], partner: others[1], direction: direction, bilateral: false)
        }
        if let carry {
            // Carried from a sentence that named several partners: the article's main one among them.
            var partner = carry.partner
            if !carry.alternatives.isEmpty, let main = mainPartner, carry.alternatives.contains(main) { partner = main }
            return Parties(reporter: carry.reporter, partner: partner, direction: direction, bilateral: carry.bilateral)
        }
        if let mainPartner { return Parties(reporter: home, partner: mainPartner, direction: direction) }
        return nil
    }

    /// Where to look for the parties of something: its own segment when that names a
    /// country other than the home country ("…, while trade with France was $2 billion"),
    /// else the whole sentence.
    func partyScope(for r: Range<Int>, sentence: Range<Int>, segments segs: [Segment]) -> Range<Int> {
        let seg = segs[segmentIndex(of: r.lowerBound, in: segs)].range
        // "… and Kazakhstan (+30 percent)": the country right before the bracket.
        if tokens[seg.lowerBound].id == .openBracket,
            let c = countries.first(where: { $0.endToken == seg.lowerBound && $0.role != .capital })
        {
            return c.token..<c.endToken
        }
        func names(_ r: Range<Int>) -> Bool {
            countries(in: r).contains {
                $0.role != .capital && $0.code != home && !Self.isCurrencyName(id($0.endToken))
            }
        }
        if names(seg) { return seg }
        // "…potential of Kazakhstan and Uzbekistan; trade with Uzbekistan … exceeded 600 million
        // euros": a clause after a semicolon that names a partner is about that partner.
        var lo = r.lowerBound
        var hi = r.lowerBound
        while lo > sentence.lowerBound, tokens[lo - 1].id != .semicolon { lo -= 1 }
        while hi < sentence.upperBound, tokens[hi].id != .semicolon { hi += 1 }
        if lo > sentence.lowerBound || hi < sentence.upperBound, names(lo..<hi) { return lo..<hi }
        return sentence
    }

    /// Whether a metric is one country's own total: `Tajikistan's overall trade` or
    /// `Tajikistan's foreign trade turnover`, in a sentence that names no other country.
    func ownTotal(_ m: MetricMention, in sentence: Range<Int>) -> Bool {
        let s = m.range.lowerBound
        guard !m.range.isEmpty else { return false }
        var j = s - 1
        while j > sentence.lowerBound, Self.isTotalWord(tokens[j].id), tokens[j].id != .mutual { j -= 1 }
        guard id(j) == .s, id(j - 1) == .apostrophe,
            let owner = countries.first(where: { $0.endToken == j - 1 && $0.role != .capital })
        else { return false }
        guard j < s - 1 else { return false }  // "X's trade" alone may still be bilateral; "X's overall trade" is not
        let named = Set(countries(in: sentence).filter { $0.role != .capital }.map(\.code))
        return named == [owner.code]
    }

    /// A group or region tied to the metric or to the amount: `trade among its members`,
    /// `exported goods worth 240 million euros to Central Asia`.
    /// `metric` is nil when the amount's own clause names its country, so that what the metric
    /// spoke of does not apply.
    func namesGroup(metric: MetricMention?, end: Int) -> Bool {
        if let m = metric, !m.range.isEmpty {
            if has(m.range.upperBound, .groupWords) { return true }
            // "imports from the region", "trade with the region".
            if has(m.range.upperBound, .regionPrepositions), id(m.range.upperBound + 1) == .the,
                Lexicon.regionNouns.contains(word(m.range.upperBound + 2) ?? "")
            {
                return true
            }
        }
        guard has(end, .regionPrepositions) else { return false }
        var s = end + 1
        if id(s) == .the { s += 1 }
        guard has(s, .regionStart) else { return false }
        return Lexicon.regions.contains { region in
            s + region.count <= tokens.count
                && region.enumerated().allSatisfy { raw(tokens[s + $0.offset]) == $0.element }
        }
    }

    /// Whether tokens `from..<to` name a region or bloc (`trade with the countries of Central Asia`).
    func namesRegion(from: Int, to: Int) -> Bool {
        guard from < to else { return false }
        for i in from..<to where tokens[i].classes.contains(.regionStart) {
            for region in Lexicon.regions where i + region.count <= to {
                var ok = true
                for (k, w) in region.enumerated() where raw(tokens[i + k]) != w { ok = false; break }
                if ok { return true }
            }
        }
        return false
    }

    /// Words after a country name that make it a currency's (`U.S. dollars`, `Swiss francs`).
    static func isCurrencyName(_ w: WordID) -> Bool {
        switch w {
        case .dollar, .dollars, .dollarSign, .francs, .franc, .yuan, .ruble, .rubles, .pounds: return true
        default: return false
        }
    }

    /// Nouns after a country that make it the source of an investment (`Chinese companies`).
    static func isInvestorNoun(_ w: WordID) -> Bool {
        switch w {
        case .companies, .investors, .businesses, .business, .capital, .firms, .investment, .investments:
            return true
        default: return false
        }
    }

    static func isInflowWord(_ w: WordID) -> Bool {
        switch w {
        case .inflow, .inflows, .attracted, .received: return true
        default: return false
        }
    }

    /// Words that make an investment total a flow (`inflows`, `attracted`): it keeps the
    /// period carried from the sentence before.
    static func isInflowVerb(_ w: WordID) -> Bool {
        switch w {
        case .inflow, .inflows, .flowed, .attracted: return true
        default: return false
        }
    }

    static func isOutflowWord(_ w: WordID) -> Bool {
        switch w {
        case .outflow, .outflows, .abroad, .outward: return true
        default: return false
        }
    }

    /// `overall`, `total`, `foreign`, `external`, `mutual` before a country's own trade.
    static func isTotalWord(_ w: WordID) -> Bool {
        switch w {
        case .overall, .total, .foreign, .external, .mutual: return true
        default: return false
        }
    }

    /// The trade words a country can own (`Poland's trade turnover`, `its exports`).
    static func isOwnedMetric(_ w: WordID) -> Bool {
        switch w {
        case .trade, .turnover, .exports, .imports, .trading: return true
        default: return false
        }
    }
}
