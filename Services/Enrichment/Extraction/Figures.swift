import AttacheModels

struct SentenceResult {
    var figures: [Figure] = []
    var changes: [(StatedChange, Range<Int>)] = []
    var mainPeriod: Period?
    /// The period of the sentence's last stated figure outside a comparison: what a later
    /// sentence without a period of its own continues ("in the same period this year its
    /// deliveries came to …. Imports, meanwhile, …").
    var lastFigurePeriod: Period?
    var parties: Parties?
    /// The first metric the sentence names (its subject, usually), for a next sentence that
    /// says "it", "they", "this is" or "the figure".
    var metric: Metric?
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
        let published = article.published
        switch kind {
        case .absolute(let p): return p
        case .previousYear: return .year(reference.start.year - 1)
        case .samePeriodEarlier: return reference.shifted(years: -1)
        case .samePeriodIn(let y): return reference.shifted(years: y - reference.start.year)
        case .yearToDate:
            // The part-year of the publication year the sentence (or an earlier one) gives, else
            // January 1 to the publication day.
            if reference.start.year == published.year, reference.start.month == 1, reference.start.day == 1,
               reference.end <= published, let months = reference.monthCount, months < 12 { return reference }
            guard let start = Day(year: published.year, month: 1, day: 1) else { return nil }
            return .days(start, published)
        case .toDate: return .asOf(published)
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
            let words = tokens[range]
            if words.contains(where: { ["inflow", "inflows", "attracted", "received"].contains($0.lower) }) { direction = .inbound }
            if words.contains(where: { ["outflow", "outflows", "abroad", "outward"].contains($0.lower) }) { direction = .outbound }
            if let s = source, s == home, let t = target, t != home { return Parties(reporter: home, partner: t, direction: .outbound) }
            if let s = source, s != home { return Parties(reporter: home, partner: s, direction: target == nil || target == home ? .inbound : direction) }
            if let t = target, t != home, codes.contains(home) || codes.count == 1 { return Parties(reporter: home, partner: t, direction: .outbound) }
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
                return Parties(reporter: home, partner: others[0], direction: direction, alternatives: Array(others.dropFirst()))
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
        if tokens[seg.lowerBound].lower == "(", let c = countries.first(where: { $0.endToken == seg.lowerBound && $0.role != .capital }) {
            return c.token..<c.endToken
        }
        func names(_ r: Range<Int>) -> Bool {
            countries(in: r).contains { $0.role != .capital && $0.code != home
                && !["dollar", "dollars", "$", "francs", "franc", "yuan", "ruble", "rubles", "pounds"].contains(word($0.endToken) ?? "") }
        }
        if names(seg) { return seg }
        // "…potential of Kazakhstan and Uzbekistan; trade with Uzbekistan … exceeded 600 million
        // euros": a clause after a semicolon that names a partner is about that partner.
        var lo = r.lowerBound, hi = r.lowerBound
        while lo > sentence.lowerBound, tokens[lo - 1].lower != ";" { lo -= 1 }
        while hi < sentence.upperBound, tokens[hi].lower != ";" { hi += 1 }
        if lo > sentence.lowerBound || hi < sentence.upperBound, names(lo..<hi) { return lo..<hi }
        return sentence
    }

    func analyseSentence(_ range: Range<Int>, money: [MoneyMention], carryPeriod: Period?, carryParties: Parties?,
                         carryMetric: Metric? = nil, statisticPeriod: Period? = nil, articleCurrency: String) -> SentenceResult {
        var result = SentenceResult()
        // The latest statistic's period reaches into a new paragraph only for a sentence that names
        // its own parties ("Third place went to Italy, whose turnover with Kazakhstan was …").
        let namesParties = countries(in: range).contains { $0.role != .capital && $0.code != home }
        let carryPeriod = carryPeriod ?? (namesParties ? statisticPeriod : nil)
        let periodList = periodMentions(in: range).filter { !$0.deadline }
        let metricList = metricMentions(in: range)
        let changeList = changeMentions(in: range)
        let segs = segments(in: range)
        let published = article.published

        func isComparison(_ p: PeriodMention) -> Bool {
            p.comparison || segs[segmentIndex(of: p.range.lowerBound, in: segs)].comparison
        }

        // The period the sentence speaks of.
        var reference: Period?
        for p in periodList where !isComparison(p) {
            if case .absolute(let period) = p.kind { reference = period; break }
        }
        let ref = reference ?? carryPeriod ?? .year(published.year)
        result.mainPeriod = reference ?? periodList.first(where: { !isComparison($0) }).flatMap { resolve($0.kind, reference: ref) }

        /// The period of something at token range r: in its own segment, else (for an amount in
        /// brackets) the period just before the bracket, else the nearest other non-comparison
        /// segment, else the one carried from earlier sentences.
        func period(for r: Range<Int>, allowComparison: Bool) -> Period? {
            let seg = segmentIndex(of: r.lowerBound, in: segs)
            let own = periodList.filter { segmentIndex(of: $0.range.lowerBound, in: segs) == seg && (allowComparison || !$0.comparison) }
            // The nearest; on a tie the one after ("from $50 million in 2021 to $102 million in 2022").
            if let best = own.min(by: { distance($0.range, r) < distance($1.range, r) || (distance($0.range, r) == distance($1.range, r) && $0.range.lowerBound > $1.range.lowerBound) }) {
                return resolve(best.kind, reference: ref)
            }
            // "… against the same period of 2022 ($1.84 billion)", "… on 2022, when it stood at $528 million".
            let segStart = segs[seg].range.lowerBound
            let opensClause = tokens[segStart].lower == "(" || (tokens[segStart].lower == "," && ["when", "where"].contains(word(segStart + 1) ?? ""))
            if allowComparison, opensClause,
               let p = periodList.last(where: { $0.range.upperBound <= segStart && segStart - $0.range.upperBound <= 2 }) {
                return resolve(p.kind, reference: ref)
            }
            // Periods of another clause after a semicolon do not apply ("Three decades ago trade stood
            // at $30 million; it has since risen to $5 billion").
            let others = periodList.filter { !isComparison($0) && !semicolonBetween($0.range, r) }
            let beforeList = others.filter { $0.range.upperBound <= r.lowerBound }
            if let b = beforeList.last { return resolve(b.kind, reference: ref) }
            if let a = others.first(where: { $0.range.lowerBound >= r.upperBound }) { return resolve(a.kind, reference: ref) }
            return carryPeriod
        }

        // A sentence that names no metric but speaks of "it" continues the previous one's.
        let pronoun = range.contains { i in
            let c = tokens[i].classes
            guard c.contains(.pronouns) || c.contains(.upNouns) || c.contains(.downNouns) else { return false }
            let w = tokens[i].lower
            return w == "it" || w == "they" || ((w == "this" || w == "that") && ["is", "was", "represents", "marks"].contains(word(i + 1) ?? ""))
                || ((w == "figure" || w == "indicator" || tokens[i].classes.contains(.upNouns) || tokens[i].classes.contains(.downNouns))
                    && ["the", "this", "that"].contains(word(i - 1) ?? ""))
        }
        // Which tokens sit inside brackets: a breakdown in brackets ("(exports - $37.1 million,
        // imports - $106.3 million)") names no metric for what follows the bracket.
        var inBrackets = [Bool](repeating: false, count: range.count)
        var depth = 0
        for i in range {
            if tokens[i].kind == .symbol, tokens[i].lower == "(" { depth += 1 }
            else if tokens[i].kind == .symbol, tokens[i].lower == ")" { depth = max(0, depth - 1) }
            else if depth > 0 { inBrackets[i - range.lowerBound] = true }
        }
        func bracketed(_ i: Int) -> Bool { range.contains(i) && inBrackets[i - range.lowerBound] }
        func metric(for r: Range<Int>) -> MetricMention? {
            let seg = segmentIndex(of: r.lowerBound, in: segs)
            let inSeg = metricList.filter { segmentIndex(of: $0.range.lowerBound, in: segs) == seg }
            if let b = inSeg.last(where: { $0.range.upperBound <= r.lowerBound }) { return b }
            if let a = inSeg.first(where: { $0.range.lowerBound >= r.upperBound && $0.range.lowerBound - r.upperBound <= 3 }) { return a }
            let inBracket = bracketed(r.lowerBound)
            if let b = metricList.last(where: { $0.range.upperBound <= r.lowerBound && (inBracket || !bracketed($0.range.lowerBound)) }) { return b }
            // "Compared to $1.181 billion in 2022, turnover increased …".
            if segs[seg].comparison, let a = metricList.first(where: { $0.range.lowerBound >= r.upperBound }) { return a }
            if pronoun, let m = carryMetric, !metricList.contains(where: { $0.range.upperBound <= r.lowerBound }) {
                return MetricMention(range: range.lowerBound..<range.lowerBound, metric: m, negative: false)
            }
            return nil
        }
        result.metric = metricList.first?.metric ?? (pronoun ? carryMetric : nil)

        /// An amount or change in an article that has stated no period before it: an investment
        /// total is as of publication, any other statistic is of the last full year. (When an
        /// earlier paragraph did state one, a sentence that names neither is left alone.)
        func fallbackPeriod(_ metric: Metric) -> Period? {
            guard statisticPeriod == nil else { return nil }
            return metric == .investment || metric == .fdiInflow ? .asOf(published) : .year(published.year - 1)
        }

        let consumed = Set(changeList.compactMap(\.consumedMoney))
        // The periods the sentence compares with ("up 85.4% on 2022, when it stood at …").
        let comparedPeriods = Set(periodList.filter { isComparison($0) }.compactMap { resolve($0.kind, reference: ref) })

        /// Whether `money[index + 1]` is the dollar equivalent of `money[index]`, written right
        /// after it: "12 trillion tenge ($26 billion)", "5 billion euros, or $5.4 billion".
        func dollarEquivalentFollows(_ index: Int) -> Bool {
            guard index + 1 < money.count, let currency = money[index].currency, currency != "USD",
                  money[index + 1].currency == "USD" else { return false }
            let between = money[index].range.upperBound..<money[index + 1].range.lowerBound
            return between.count <= 2
                && tokens[between].allSatisfy({ ["(", "or", ",", "about", "approximately", "~"].contains($0.lower) })
        }

        // Figures.
        for (index, m) in money.enumerated() {
            if consumed.contains(m.range.lowerBound) { continue }
            // A dollar equivalent is carried by the figure it translates (`usdAmount`), not
            // counted again as a figure of its own.
            if index > 0, dollarEquivalentFollows(index - 1) { continue }
            if changeList.contains(where: { $0.range.contains(m.range.lowerBound) && $0.absolute != nil }) { continue }
            var currency = m.currency
            if currency == nil {
                // "exports: 36.5 thousand" inherits the sentence's currency, but only right after a
                // metric word or in a list after an amount with a currency ("to 16.4 billion euros in
                // 2012, to 16.2 billion in 2013"), and not before a unit ("1.5 million tonnes").
                guard m.hasScale else { continue }
                let nextWord = word(m.range.upperBound) ?? ""
                if let t = m.range.upperBound < tokens.count ? tokens[m.range.upperBound] : nil, t.kind == .word,
                   has(m.range.upperBound, .countNouns) || !["in", "for", "and", "while", "compared", "with", "at", "from", "which", "whereas", "or", "as", "against", "during", "over", "last", "this", "a", "the"].contains(nextWord) { continue }
                let afterMetric = metricList.contains(where: { $0.range.upperBound <= m.range.lowerBound && m.range.lowerBound - $0.range.upperBound <= 2 })
                let inList = index > 0 && money[index - 1].currency != nil && m.range.lowerBound - money[index - 1].range.upperBound <= 12
                    && ["to", "and", ","].contains(word(m.range.lowerBound - 1) ?? "")
                guard afterMetric || inList else { continue }
                let withCurrency = money.enumerated().filter { $0.element.currency != nil }
                if let b = withCurrency.last(where: { $0.offset < index }) { currency = b.element.currency }
                else if let a = withCurrency.first(where: { $0.offset > index }) { currency = a.element.currency }
                guard currency != nil else { continue }
            }
            guard let currency else { continue }
            // "12 trillion tenge ($26 billion)": the figure keeps the stated currency and carries
            // its dollar equivalent.
            let usdAmount = dollarEquivalentFollows(index) ? money[index + 1].amount : nil
            if isTarget(before: m.range.lowerBound, sentenceStart: range.lowerBound, end: m.range.upperBound) { continue }
            if isDealValue(m.range) || isRangeBound(m.range, sentenceStart: range.lowerBound) { continue }
            guard let metricMention = metric(for: m.range) else { continue }
            // A clause of its own that names a country ("…, of which 944.8 million euros came from
            // Kazakhstan") is that country's share, whatever region the metric spoke of.
            let ownSeg = segs[segmentIndex(of: m.range.lowerBound, in: segs)].range
            let regionFrom = countries(in: ownSeg).contains { $0.role != .capital } ? max(metricMention.range.lowerBound, ownSeg.lowerBound) : metricMention.range.lowerBound
            let metricApplies = regionFrom == metricMention.range.lowerBound
            if namesRegion(from: regionFrom, to: m.range.upperBound) || namesGroup(metric: metricApplies ? metricMention : nil, end: m.range.upperBound) {
                result.parties = Parties(reporter: home, partner: home, bilateral: false)
                continue
            }
            guard var period = period(for: m.range, allowComparison: true) ?? fallbackPeriod(metricMention.metric) else { continue }
            // An investment total whose sentence names no period ("Egypt's investments in
            // Kazakhstan amounted to $2 million") is a stock as of publication, not a flow of the
            // period carried from a trade sentence; an inflow keeps the carried period.
            if periodList.isEmpty, metricMention.metric == .investment || metricMention.metric == .fdiInflow,
               !tokens[range].contains(where: { ["inflow", "inflows", "flowed", "attracted"].contains($0.lower) }) {
                period = .asOf(published)
            }
            if period.start > published { continue }
            guard let parties = parties(in: partyScope(for: m.range, sentence: range, segments: segs), metric: metricMention.metric, carry: carryParties) else { continue }
            if !parties.bilateral || ownTotal(metricMention, in: range) {
                result.parties = Parties(reporter: parties.reporter, partner: parties.partner, bilateral: false)
                continue
            }
            let (span, text) = span(m.range)
            var amount = m.amount
            if metricMention.negative && amount > 0 { amount = -amount }
            let q = qualifier(endingBefore: m.range.lowerBound)?.0
            let metric = flowMetric(metricMention, sentence: range)
            result.figures.append(Figure(metric: metric, reporter: parties.reporter, partner: parties.partner,
                                         direction: parties.direction, period: period, amount: amount, currency: currency,
                                         qualifier: q, derived: false, span: span, text: text, usdAmount: usdAmount))
            result.parties = Parties(reporter: parties.reporter, partner: parties.partner, direction: nil, alternatives: parties.alternatives)
            if !segs[segmentIndex(of: m.range.lowerBound, in: segs)].comparison {
                if reference == nil { result.mainPeriod = result.mainPeriod ?? period }
                if !comparedPeriods.contains(period) { result.lastFigurePeriod = period }
            }
        }

        // Stated changes. A change in a sentence that counts tonnes or containers and names no
        // money is a change in volume.
        let physical = money.isEmpty && tokens[range].contains { $0.classes.contains(.physicalUnits) }
        for c in changeList where !physical {
            if isTarget(before: c.range.lowerBound, sentenceStart: range.lowerBound) { continue }
            guard let metricMention = metric(for: c.range) else { continue }
            if namesRegion(from: metricMention.range.lowerBound, to: c.range.upperBound) || namesGroup(metric: metricMention, end: c.range.upperBound) {
                result.parties = result.parties ?? Parties(reporter: home, partner: home, bilateral: false)
                continue
            }
            guard var to = period(for: c.range, allowComparison: false) ?? fallbackPeriod(metricMention.metric) else { continue }
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
                case .previousYear, .samePeriodEarlier, .yearToDate, .toDate:
                    from = to.shifted(years: -1)
                case .samePeriodIn(let y):
                    from = to.shifted(years: y - to.start.year)
                }
            } else {
                from = to.shifted(years: -1)
            }
            // "grew 5-fold over the past five years", "since 2016": from the first of those years
            // to the last full one.
            if to.start.month == 1, to.start.day == 1, to.end.year > to.start.year {
                let lastFull = to.end.month == 12 && to.end.day == 31 ? to.end.year : to.end.year - 1
                if lastFull > to.start.year {
                    from = .year(to.start.year)
                    to = .year(lastFull)
                }
            }
            guard let from, from != to else { continue }
            guard let parties = parties(in: partyScope(for: c.range, sentence: range, segments: segs), metric: metricMention.metric, carry: carryParties) else { continue }
            if !parties.bilateral || ownTotal(metricMention, in: range) { continue }
            let currency = c.absoluteCurrency ?? money.first(where: { $0.currency != nil })?.currency ?? articleCurrency
            var absolute = c.absolute
            if metricMention.negative, let a = absolute { absolute = -a }
            let (span, text) = span(c.range)
            let series = Series(metric: flowMetric(metricMention, sentence: range), reporter: parties.reporter, partner: parties.partner, currency: currency)
            result.changes.append((StatedChange(series: series, from: from, to: to, percent: c.percent, ratio: c.ratio,
                                                absolute: absolute, qualifier: c.qualifier, span: span, text: text), c.range))
            result.parties = result.parties ?? Parties(reporter: parties.reporter, partner: parties.partner, direction: nil)
            if result.mainPeriod == nil { result.mainPeriod = to }
        }
        return result
    }

    /// Whether a metric is one country's own total: `Tajikistan's overall trade` or
    /// `Tajikistan's foreign trade turnover`, in a sentence that names no other country.
    func ownTotal(_ m: MetricMention, in sentence: Range<Int>) -> Bool {
        let s = m.range.lowerBound
        guard !m.range.isEmpty else { return false }
        var j = s - 1
        while j > sentence.lowerBound, ["overall", "total", "foreign", "external"].contains(tokens[j].lower) { j -= 1 }
        guard word(j) == "s", word(j - 1) == "'", let owner = countries.first(where: { $0.endToken == j - 1 && $0.role != .capital }) else { return false }
        guard j < s - 1 else { return false }  // "X's trade" alone may still be bilateral; "X's overall trade" is not
        let named = Set(countries(in: sentence).filter { $0.role != .capital }.map(\.code))
        return named == [owner.code]
    }

    /// Whether an amount is the value of a deal (`a $6.1 billion investment cooperation
    /// agreement`, `36 documents worth $6.3 billion`) or of one commodity (`1.2 million tons of
    /// wheat worth $400 million`).
    func isDealValue(_ r: Range<Int>) -> Bool {
        for j in r.upperBound..<min(r.upperBound + 4, tokens.count) {
            if tokens[j].classes.contains(.dealNouns) { return true }
            if [",", ".", ";", "in", "for", "from", "to", "while"].contains(tokens[j].lower) { break }
        }
        var k = r.lowerBound - 1
        if let (_, s) = qualifier(endingBefore: r.lowerBound) { k = s - 1 }
        if word(k) == "worth" || word(k) == "valued" || word(k) == "totalling" && word(k - 1) == "agreements" {
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
            if ["range", "ranged", "ranging", "fluctuated", "varied", "moved"].contains(tokens[j].lower) { return true }
            if [".", ";"].contains(tokens[j].lower) { break }
            j -= 1
            steps += 1
        }
        return false
    }

    /// Whether a semicolon stands between two token ranges.
    func semicolonBetween(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
        let lo = min(a.upperBound, b.upperBound), hi = max(a.lowerBound, b.lowerBound)
        guard lo < hi else { return false }
        return tokens[lo..<hi].contains { $0.lower == ";" }
    }

    /// A group or region tied to the metric or to the amount: `trade among its members`,
    /// `exported goods worth 240 million euros to Central Asia`.
    /// `metric` is nil when the amount's own clause names its country, so that what the metric
    /// spoke of does not apply.
    func namesGroup(metric: MetricMention?, end: Int) -> Bool {
        if let m = metric, !m.range.isEmpty {
            if has(m.range.upperBound, .groupWords) { return true }
            // "imports from the region", "trade with the region".
            if has(m.range.upperBound, .regionPrepositions), word(m.range.upperBound + 1) == "the",
               Lexicon.regionNouns.contains(word(m.range.upperBound + 2) ?? "") { return true }
        }
        guard has(end, .regionPrepositions) else { return false }
        var s = end + 1
        if word(s) == "the" { s += 1 }
        guard has(s, .regionStart) else { return false }
        return Lexicon.regions.contains { region in
            s + region.count <= tokens.count && region.enumerated().allSatisfy { tokens[s + $0.offset].raw == $0.element }
        }
    }

    /// Whether tokens `from..<to` name a region or bloc (`trade with the countries of Central Asia`).
    func namesRegion(from: Int, to: Int) -> Bool {
        guard from < to else { return false }
        for i in from..<to where tokens[i].classes.contains(.regionStart) {
            for region in Lexicon.regions where i + region.count <= to {
                var ok = true
                for (k, w) in region.enumerated() where tokens[i + k].raw != w { ok = false; break }
                if ok { return true }
            }
        }
        return false
    }

    /// Exports and imports from the home country's side. When the text gives the partner's own
    /// statistics — `Kyrgyzstan's exports to Kazakhstan`, `imports to Azerbaijan from
    /// Kazakhstan`, `Austria's imports`, `its imports` after `Thailand's exports` — the flow is
    /// the other one for the home country.
    func flowMetric(_ m: MetricMention, sentence: Range<Int>) -> Metric {
        guard m.metric == .exports || m.metric == .imports, !m.range.isEmpty else { return m.metric }
        guard let owner = flowOwner(m, sentence: sentence), owner != home else { return m.metric }
        return m.metric == .exports ? .imports : .exports
    }

    /// Stands for "a country other than home" where the text does not name which
    /// (`exports to Kazakhstan`: someone else's exports); only compared with `home`.
    var otherThanHome: String { "??" }

    /// The country whose exports or imports a metric word names, when the text says.
    func flowOwner(_ m: MetricMention, sentence: Range<Int>) -> String? {
        let s = m.range.lowerBound, e = m.range.upperBound
        func country(endingAt end: Int) -> CountryToken? {
            countries.first { $0.endToken == end && $0.role != .capital }
        }
        func country(startingAt start: Int) -> CountryToken? {
            countries.first { $0.token == start && $0.role != .capital }
        }
        // X's exports; Kyrgyz exports.
        if word(s - 1) == "s", word(s - 2) == "'", let c = country(endingAt: s - 2) { return c.code }
        if let c = country(endingAt: s) { return c.code }
        // its exports: the owner of an earlier flow in the sentence.
        if word(s - 1) == "its" || word(s - 1) == "their" {
            var j = s - 2
            while j > sentence.lowerBound {
                if ["exports", "imports", "export", "import", "trade"].contains(tokens[j].lower), word(j - 1) == "s", word(j - 2) == "'",
                   let c = country(endingAt: j - 2) { return c.code }
                j -= 1
            }
        }
        // "Azerbaijan's exports to Kazakhstan …, while imports reached …": a bare flow after an
        // owned one in the same sentence has the same owner.
        if word(s - 1) != "its", word(s - 1) != "their", countries.first(where: { $0.token >= e && $0.token <= e + 2 }) == nil {
            var j = s - 1
            while j > sentence.lowerBound {
                if ["exports", "imports"].contains(tokens[j].lower) {
                    if word(j - 1) == "s", word(j - 2) == "'", let c = country(endingAt: j - 2) { return c.code }
                    if let c = country(endingAt: j), c.role == .adjective { return c.code }
                }
                j -= 1
            }
        }
        // "exports to Kazakhstan", "imports from Kazakhstan": the partner's flows.
        if let c = country(startingAt: e + 1) ?? country(startingAt: e + 2), c.code == home,
           (m.metric == .exports && (word(e) == "to" || word(e) == "into")) || (m.metric == .imports && word(e) == "from") {
            return otherThanHome
        }
        // exports of X, exports from X; imports to/into X.
        var k = e
        if word(k) == "of", word(k + 1) == "goods" || word(k + 1) == "products" { k += 2 }
        if word(k) == "of" || word(k) == "from", let c = country(startingAt: k + 1) ?? country(startingAt: k + 2), c.role == .country,
           m.metric == .exports { return c.code }
        if m.metric == .imports, word(k) == "to" || word(k) == "into" || word(k) == "of", let c = country(startingAt: k + 1) ?? country(startingAt: k + 2) {
            return c.code
        }
        // "Austrian companies exported goods worth … to Kazakhstan", "imported … from Kazakhstan":
        // the first country the clause sends the goods to (or takes them from) is the home country.
        if ["exported", "imported"].contains(tokens[s].lower) {
            let preposition: Set<String> = m.metric == .exports ? ["to", "into"] : ["from"]
            var j = e
            while j < sentence.upperBound, tokens[j].lower != ";" {
                if preposition.contains(tokens[j].lower), let c = country(startingAt: j + 1) ?? country(startingAt: j + 2) {
                    return c.code == home ? otherThanHome : nil
                }
                j += 1
            }
        }
        return nil
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
        var bySeriesPeriod: [SeriesPeriod: Figure] = [:]
        for f in stated where bySeriesPeriod[SeriesPeriod(f.series, f.period)] == nil { bySeriesPeriod[SeriesPeriod(f.series, f.period)] = f }
        func find(_ metric: Metric, like f: Figure, period: Period) -> Figure? {
            bySeriesPeriod[SeriesPeriod(Series(metric: metric, reporter: f.reporter, partner: f.partner, currency: f.currency), period)]
        }
        var balances = Set<SeriesPeriod>()
        // Trade balance.
        for exports in stated where exports.metric == .exports {
            guard let imports = find(.imports, like: exports, period: exports.period) else { continue }
            if find(.tradeBalance, like: exports, period: exports.period) != nil { continue }
            guard balances.insert(SeriesPeriod(exports.series, exports.period)).inserted else { continue }
            let s = TextSpan(start: min(exports.span.start, imports.span.start), end: max(exports.span.end, imports.span.end))
            let q: Qualifier? = exports.qualifier == nil && imports.qualifier == nil ? nil : .approximately
            result.append(Figure(metric: .tradeBalance, reporter: exports.reporter, partner: exports.partner, direction: nil,
                                 period: exports.period, amount: exports.amount - imports.amount, currency: exports.currency,
                                 qualifier: q, derived: true, span: s, text: text(s)))
        }
        // Implied values.
        for (change, _) in changes {
            let fromFigure = bySeriesPeriod[SeriesPeriod(change.series, change.from)]
            let toFigure = bySeriesPeriod[SeriesPeriod(change.series, change.to)]
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

/// A series and a period label: the key of one value in an article (a struct, not a joined
/// string, so no text is built to look it up).
struct SeriesPeriod: Hashable {
    var series: Series
    var label: String
    init(_ series: Series, _ period: Period) { self.series = series; self.label = period.label }
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
