import AttacheModels

struct SentenceResult {
    var figures: [Figure] = []
    var changes: [(StatedChange, Range<Int>)] = []
    var mainPeriod: Period?
    var parties: Parties?
}

extension ArticleAnalysis {
    /// The segment holding a token (segments are contiguous and sorted: binary search).
    func segmentIndex(of token: Int, in segments: [Segment]) -> Int {
        var lo = 0, hi = segments.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if segments[mid].range.lowerBound <= token { lo = mid } else { hi = mid - 1 }
        }
        return max(0, lo)
    }

    /// Resolves a period mention against the sentence's reference period.
    func resolve(_ kind: PeriodKind, reference: Period) -> Period? {
        switch kind {
        case .absolute(let p): return p
        case .previousYear: return .year(reference.start.year - 1)
        case .samePeriodEarlier: return reference.shifted(years: -1)
        }
    }

    /// Who reports, who is the partner and which way the money flows, for one sentence.
    func parties(in range: Range<Int>, metric: Metric, carry: Parties?) -> Parties? {
        // "U.S. dollars", "US$", "Swiss francs" name a currency, not a party.
        let mentions = countries(in: range).filter { $0.role != .capital
            && !["dollar", "dollars", "$", "francs", "franc", "yuan", "ruble", "rubles", "pounds"].contains(word($0.endToken) ?? "") }
        var codes: [String] = []
        for m in mentions where !codes.contains(m.code) { codes.append(m.code) }
        var direction: Direction?
        var source: String?
        var target: String?
        if metric == .fdiInflow || metric == .investment {
            for m in mentions {
                let prev = word(m.token - 1) ?? ""
                let prev2 = word(m.token - 2) ?? ""
                let next = word(m.endToken) ?? ""
                if prev == "from" || prev == "by" || (prev2 == "by" && prev == "the") { source = source ?? m.code }
                else if ["companies", "investors", "businesses", "business", "capital", "firms", "investment", "investments"].contains(next)
                            || (next == "'" && word(m.endToken + 1) == "s" && ["investment", "investments", "companies", "investors"].contains(word(m.endToken + 2) ?? "")) {
                    source = source ?? m.code
                } else if prev == "in" || prev == "into" || prev == "to" || (prev == "the" && (prev2 == "in" || prev2 == "into")) {
                    target = target ?? m.code
                }
            }
            let words = Set(tokens[range].map(\.lower))
            if !words.isDisjoint(with: ["inflow", "inflows", "attracted", "received"]) { direction = .inbound }
            if !words.isDisjoint(with: ["outflow", "outflows", "abroad", "outward"]) { direction = .outbound }
            if let s = source, s == home, let t = target, t != home { return Parties(reporter: home, partner: t, direction: .outbound) }
            if let s = source, s != home { return Parties(reporter: home, partner: s, direction: target == nil || target == home ? .inbound : direction) }
            if let t = target, t != home, codes.contains(home) || codes.count == 1 { return Parties(reporter: home, partner: t, direction: .outbound) }
        }
        let others = codes.filter { $0 != home }
        if !others.isEmpty {
            if codes.contains(home) || others.count == 1 { return Parties(reporter: home, partner: others[0], direction: direction) }
            return Parties(reporter: others[0], partner: others[1], direction: direction)
        }
        if let carry { return Parties(reporter: carry.reporter, partner: carry.partner, direction: direction) }
        if let mainPartner { return Parties(reporter: home, partner: mainPartner, direction: direction) }
        return nil
    }

    /// Where to look for the parties of something: its own segment when that names a
    /// country other than the home country ("…, while trade with France was $2 billion"),
    /// else the whole sentence.
    func partyScope(for r: Range<Int>, sentence: Range<Int>, segments segs: [Segment]) -> Range<Int> {
        let seg = segs[segmentIndex(of: r.lowerBound, in: segs)].range
        let named = countries(in: seg).contains { $0.role != .capital && $0.code != home
            && !["dollar", "dollars", "$", "francs", "franc", "yuan", "ruble", "rubles", "pounds"].contains(word($0.endToken) ?? "") }
        return named ? seg : sentence
    }

    func analyseSentence(_ range: Range<Int>, money: [MoneyMention], carryPeriod: Period?, carryParties: Parties?,
                         articleCurrency: String) -> SentenceResult {
        var result = SentenceResult()
        let periodList = periodMentions(in: range).filter { !$0.deadline }
        let metricList = metricMentions(in: range)
        let changeList = changeMentions(in: range)
        let segs = segments(in: range)
        let published = article.published

        // The period the sentence speaks of.
        var reference: Period?
        for p in periodList where !p.comparison && !segs[segmentIndex(of: p.range.lowerBound, in: segs)].comparison {
            if case .absolute(let period) = p.kind { reference = period; break }
        }
        let ref = reference ?? carryPeriod ?? .year(published.year)

        func isComparison(_ p: PeriodMention) -> Bool {
            p.comparison || segs[segmentIndex(of: p.range.lowerBound, in: segs)].comparison
        }

        /// The period of something at token range r: in its own segment, else the nearest
        /// other non-comparison segment, else the paragraph's.
        func period(for r: Range<Int>, allowComparison: Bool) -> Period? {
            let seg = segmentIndex(of: r.lowerBound, in: segs)
            let own = periodList.filter { segmentIndex(of: $0.range.lowerBound, in: segs) == seg && (allowComparison || !$0.comparison) }
            if let best = own.min(by: { distance($0.range, r) < distance($1.range, r) || (distance($0.range, r) == distance($1.range, r) && $0.range.lowerBound < $1.range.lowerBound) }) {
                return resolve(best.kind, reference: ref)
            }
            let others = periodList.filter { !isComparison($0) }
            let beforeList = others.filter { $0.range.upperBound <= r.lowerBound }
            if let b = beforeList.last { return resolve(b.kind, reference: ref) }
            if let a = others.first(where: { $0.range.lowerBound >= r.upperBound }) { return resolve(a.kind, reference: ref) }
            return carryPeriod
        }

        func metric(for r: Range<Int>) -> MetricMention? {
            let seg = segmentIndex(of: r.lowerBound, in: segs)
            let inSeg = metricList.filter { segmentIndex(of: $0.range.lowerBound, in: segs) == seg }
            if let b = inSeg.last(where: { $0.range.upperBound <= r.lowerBound }) { return b }
            if let a = inSeg.first(where: { $0.range.lowerBound >= r.upperBound && $0.range.lowerBound - r.upperBound <= 3 }) { return a }
            if let b = metricList.last(where: { $0.range.upperBound <= r.lowerBound }) { return b }
            return nil
        }

        if let p = reference { result.mainPeriod = p }
        let consumed = Set(changeList.compactMap(\.consumedMoney))

        // Figures.
        for (index, m) in money.enumerated() {
            if consumed.contains(m.range.lowerBound) { continue }
            if changeList.contains(where: { $0.range.contains(m.range.lowerBound) && $0.absolute != nil }) { continue }
            var currency = m.currency
            if currency == nil {
                // "exports: 36.5 thousand" inherits the sentence's currency, but only right after a
                // metric word and not before a unit ("1.5 million tonnes").
                guard m.hasScale else { continue }
                let nextWord = word(m.range.upperBound) ?? ""
                if let t = m.range.upperBound < tokens.count ? tokens[m.range.upperBound] : nil, t.kind == .word,
                   Lexicon.countNouns.contains(nextWord) || !["in", "for", "and", "while", "compared", "with", "at", "from", "which", "whereas", "or", "as", "against", "during", "over", "last", "this", "a", "the"].contains(nextWord) { continue }
                guard metricList.contains(where: { $0.range.upperBound <= m.range.lowerBound && m.range.lowerBound - $0.range.upperBound <= 2 }) else { continue }
                let withCurrency = money.enumerated().filter { $0.element.currency != nil }
                if let b = withCurrency.last(where: { $0.offset < index }) { currency = b.element.currency }
                else if let a = withCurrency.first(where: { $0.offset > index }) { currency = a.element.currency }
                guard currency != nil else { continue }
            }
            guard let currency else { continue }
            if isTarget(before: m.range.lowerBound, sentenceStart: range.lowerBound) { continue }
            guard let metricMention = metric(for: m.range) else { continue }
            guard let period = period(for: m.range, allowComparison: true) else { continue }
            if period.start > published { continue }
            guard let parties = parties(in: partyScope(for: m.range, sentence: range, segments: segs), metric: metricMention.metric, carry: carryParties) else { continue }
            let (span, text) = span(m.range)
            var amount = m.amount
            if metricMention.negative && amount > 0 { amount = -amount }
            let q = qualifier(endingBefore: m.range.lowerBound)?.0
            result.figures.append(Figure(metric: metricMention.metric, reporter: parties.reporter, partner: parties.partner,
                                         direction: parties.direction, period: period, amount: amount, currency: currency,
                                         qualifier: q, derived: false, span: span, text: text))
            result.parties = Parties(reporter: parties.reporter, partner: parties.partner, direction: nil)
            if reference == nil, !segs[segmentIndex(of: m.range.lowerBound, in: segs)].comparison { result.mainPeriod = result.mainPeriod ?? period }
        }

        // Stated changes.
        for c in changeList {
            if isTarget(before: c.range.lowerBound, sentenceStart: range.lowerBound) { continue }
            guard let metricMention = metric(for: c.range) else { continue }
            guard let to = period(for: c.range, allowComparison: false) else { continue }
            if to.start > published { continue }
            // The period compared with: a comparison period of the sentence, else a year earlier.
            var from: Period?
            let comparisons = periodList.filter { isComparison($0) }
            if let cmp = comparisons.first(where: { $0.range.lowerBound >= c.range.upperBound }) ?? comparisons.last {
                switch cmp.kind {
                case .absolute(let p):
                    if let count = to.monthCount, count < 12, p.monthCount == 12 {
                        from = to.shifted(years: p.start.year - to.start.year)
                    } else {
                        from = p
                    }
                case .previousYear, .samePeriodEarlier:
                    from = to.shifted(years: -1)
                }
            } else {
                from = to.shifted(years: -1)
            }
            guard let from, from != to else { continue }
            guard let parties = parties(in: partyScope(for: c.range, sentence: range, segments: segs), metric: metricMention.metric, carry: carryParties) else { continue }
            let currency = c.absoluteCurrency ?? money.first(where: { $0.currency != nil })?.currency ?? articleCurrency
            var absolute = c.absolute
            if metricMention.negative, let a = absolute { absolute = -a }
            let (span, text) = span(c.range)
            let series = Series(metric: metricMention.metric, reporter: parties.reporter, partner: parties.partner, currency: currency)
            result.changes.append((StatedChange(series: series, from: from, to: to, percent: c.percent, ratio: c.ratio,
                                                absolute: absolute, qualifier: c.qualifier, span: span, text: text), c.range))
            result.parties = result.parties ?? Parties(reporter: parties.reporter, partner: parties.partner, direction: nil)
        }
        return result
    }

    func distance(_ a: Range<Int>, _ b: Range<Int>) -> Int {
        if a.upperBound <= b.lowerBound { return b.lowerBound - a.upperBound }
        if b.upperBound <= a.lowerBound { return a.lowerBound - b.upperBound }
        return 0
    }

    /// The country mentions that start inside a token range (binary search).
    func countries(in range: Range<Int>) -> ArraySlice<CountryToken> {
        func first(_ token: Int) -> Int {
            var lo = 0, hi = countries.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if countries[mid].token < token { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
        return countries[first(range.lowerBound)..<first(range.upperBound)]
    }

    /// Trade balances from exports and imports of one period, and earlier (or later) values
    /// implied by a stated change and one stated figure.
    func derivedFigures(figures: [Figure], changes: [(StatedChange, Range<Int>)]) -> [Figure] {
        var result: [Figure] = []
        let stated = figures.filter { !$0.derived }
        var bySeriesPeriod: [String: Figure] = [:]
        for f in stated where bySeriesPeriod["\(f.series.id)|\(f.period.label)"] == nil { bySeriesPeriod["\(f.series.id)|\(f.period.label)"] = f }
        func find(_ metric: Metric, like f: Figure, period: Period) -> Figure? {
            bySeriesPeriod["\(Series(metric: metric, reporter: f.reporter, partner: f.partner, currency: f.currency).id)|\(period.label)"]
        }
        var balances = Set<String>()
        // Trade balance.
        for exports in stated where exports.metric == .exports {
            guard let imports = find(.imports, like: exports, period: exports.period) else { continue }
            if find(.tradeBalance, like: exports, period: exports.period) != nil { continue }
            guard balances.insert("\(exports.series.id)|\(exports.period.label)").inserted else { continue }
            let s = TextSpan(start: min(exports.span.start, imports.span.start), end: max(exports.span.end, imports.span.end))
            let q: Qualifier? = exports.qualifier == nil && imports.qualifier == nil ? nil : .approximately
            result.append(Figure(metric: .tradeBalance, reporter: exports.reporter, partner: exports.partner, direction: nil,
                                 period: exports.period, amount: exports.amount - imports.amount, currency: exports.currency,
                                 qualifier: q, derived: true, span: s, text: text(s)))
        }
        // Implied values.
        for (change, _) in changes {
            let fromFigure = bySeriesPeriod["\(change.series.id)|\(change.from.label)"]
            let toFigure = bySeriesPeriod["\(change.series.id)|\(change.to.label)"]
            let hasTo = toFigure != nil
            guard (fromFigure == nil) != (toFigure == nil), let known = toFigure ?? fromFigure else { continue }
            guard let amount = Implied.amount(known: known.amount, knownIsTo: hasTo, change: change) else { continue }
            let s = TextSpan(start: min(known.span.start, change.span.start), end: max(known.span.end, change.span.end))
            // An implied value is approximate: the stated change is rounded.
            let q: Qualifier? = .approximately
            result.append(Figure(metric: known.metric, reporter: known.reporter, partner: known.partner, direction: known.direction,
                                 period: hasTo ? change.from : change.to, amount: amount, currency: known.currency,
                                 qualifier: q, derived: true, span: s, text: text(s)))
        }
        return result
    }
}

enum Implied {
    /// The other end of a stated change, rounded to whole units.
    static func amount(known: Double, knownIsTo: Bool, change: StatedChange) -> Double? {
        var value: Double?
        if let r = change.ratio, r > 0 {
            value = knownIsTo ? known / r : known * r
        } else if let p = change.percent, p > -100 {
            value = knownIsTo ? known / (1 + p / 100) : known * (1 + p / 100)
        } else if let a = change.absolute {
            value = knownIsTo ? known - a : known + a
        }
        guard let v = value, v.isFinite else { return nil }
        return v.rounded()
    }
}
