import AttacheModels

// Long on purpose: `analyseSentence` is one function, and its nested helpers (the period and
// the metric of an amount, the fallback period, dollar equivalents) share the sentence's mention
// lists. Splitting it further would mean passing that state between functions: a change of
// structure, not a move.

/// What one sentence gives: its figures and changes, and what carries to the next sentence.
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

/// One sentence's figures and stated changes: each amount or change with its metric, its
/// period (in its own segment, else nearby, else carried) and its parties.
extension ArticleAnalysis {
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
                reference.end <= published, let months = reference.monthCount, months < 12
            {
                return reference
            }
            guard let start = Day(year: published.year, month: 1, day: 1) else { return nil }
            return .days(start, published)
        case .toDate: return .asOf(published)
        }
    }

    func analyseSentence(
        _ range: Range<Int>, money: [MoneyMention], carryPeriod: Period?, carryParties: Parties?,
        carryMetric: Metric? = nil, statisticPeriod: Period? = nil, articleCurrency: String
    ) -> SentenceResult {
        var result = SentenceResult()
        // The latest statistic's period reaches into a new paragraph only for a sentence that names
        // its own parties ("Third place went to Italy, whose turnover with Kazakhstan was …").
        let namesParties = countries(in: range).contains { $0.role != .capital && $0.code != home }
        let carryPeriod = carryPeriod ?? (namesParties ? statisticPeriod : nil)
        let periodList = periodMentions(in: range).filter { !$0.deadline }
        let metricList = metricMentions(in: range)
        let changeList = changeMentions(in: range)
        if money.isEmpty, changeList.isEmpty {
            return quietSentence(
                range, periods: periodList, metrics: metricList, carryPeriod: carryPeriod, carryMetric: carryMetric)
        }
        let segs = segments(in: range)
        let published = article.published

        // The period the sentence speaks of.
        let (reference, ref, mainPeriod) = sentencePeriods(periodList, segments: segs, carryPeriod: carryPeriod)
        result.mainPeriod = mainPeriod

        /// The period of something at token range r: in its own segment, else (for an amount in
        /// brackets) the period just before the bracket, else the nearest other non-comparison
        /// segment, else the one carried from earlier sentences.
        func period(for r: Range<Int>, allowComparison: Bool) -> Period? {
            let seg = segmentIndex(of: r.lowerBound, in: segs)
            let own = periodList.filter {
                segmentIndex(of: $0.range.lowerBound, in: segs) == seg && (allowComparison || !$0.comparison)
            }
            // The nearest; on a tie the one after ("from $50 million in 2021 to $102 million in 2022").
            if let best = own.min(by: {
                distance($0.range, r) < distance($1.range, r)
                    || (distance($0.range, r) == distance($1.range, r) && $0.range.lowerBound > $1.range.lowerBound)
            }) {
                return resolve(best.kind, reference: ref)
            }
            // "… against the same period of 2022 ($1.84 billion)", "… on 2022, when it stood at $528 million".
            let segStart = segs[seg].range.lowerBound
            let opensClause =
                tokens[segStart].id == .openBracket
                || (tokens[segStart].id == .comma && ["when", "where"].contains(word(segStart + 1) ?? ""))
            if allowComparison, opensClause,
                let p = periodList.last(where: {
                    $0.range.upperBound <= segStart && segStart - $0.range.upperBound <= 2
                })
            {
                return resolve(p.kind, reference: ref)
            }
            // Periods of another clause after a semicolon do not apply ("Three decades ago trade stood
            // at $30 million; it has since risen to $5 billion").
            let others = periodList.filter { !isComparison($0, in: segs) && !semicolonBetween($0.range, r) }
            let beforeList = others.filter { $0.range.upperBound <= r.lowerBound }
            if let b = beforeList.last { return resolve(b.kind, reference: ref) }
            if let a = others.first(where: { $0.range.lowerBound >= r.upperBound }) {
                return resolve(a.kind, reference: ref)
            }
            return carryPeriod
        }

        // A sentence that names no metric but speaks of "it" continues the previous one's.
        let pronoun = refersBack(range)
        // Which tokens sit inside brackets: a breakdown in brackets ("(exports - $37.1 million,
        // imports - $106.3 million)") names no metric for what follows the bracket.
        var inBrackets = [Bool](repeating: false, count: range.count)
        var depth = 0
        for i in range {
            if tokens[i].kind == .symbol, tokens[i].id == .openBracket {
                depth += 1
            } else if tokens[i].kind == .symbol, tokens[i].id == .closeBracket {
                depth = max(0, depth - 1)
            } else if depth > 0 {
                inBrackets[i - range.lowerBound] = true
            }
        }
        func bracketed(_ i: Int) -> Bool { range.contains(i) && inBrackets[i - range.lowerBound] }
        func metric(for r: Range<Int>) -> MetricMention? {
            let seg = segmentIndex(of: r.lowerBound, in: segs)
            let inSeg = metricList.filter { segmentIndex(of: $0.range.lowerBound, in: segs) == seg }
            if let b = inSeg.last(where: { $0.range.upperBound <= r.lowerBound }) { return b }
            if let a = inSeg.first(where: {
                $0.range.lowerBound >= r.upperBound && $0.range.lowerBound - r.upperBound <= 3
            }) {
                return a
            }
            let inBracket = bracketed(r.lowerBound)
            if let b = metricList.last(where: {
                $0.range.upperBound <= r.lowerBound && (inBracket || !bracketed($0.range.lowerBound))
            }) {
                return b
            }
            // "Compared to $1.181 billion in 2022, turnover increased …".
            if segs[seg].comparison, let a = metricList.first(where: { $0.range.lowerBound >= r.upperBound }) {
                return a
            }
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
        let comparedPeriods = Set(
            periodList.filter { isComparison($0, in: segs) }.compactMap { resolve($0.kind, reference: ref) })

        /// Whether `money[index + 1]` is the dollar equivalent of `money[index]`, written right
        /// after it: "12 trillion tenge ($26 billion)", "5 billion euros, or $5.4 billion".
        func dollarEquivalentFollows(_ index: Int) -> Bool {
            guard index + 1 < money.count, let currency = money[index].currency, currency != "USD",
                money[index + 1].currency == "USD"
            else { return false }
            let between = money[index].range.upperBound..<money[index + 1].range.lowerBound
            return between.count <= 2
                && words[between].allSatisfy({ ["(", "or", ",", "about", "approximately", "~"].contains($0) })
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
                    has(m.range.upperBound, .countNouns)
                        || ![
                            "in", "for", "and", "while", "compared", "with", "at", "from", "which", "whereas", "or",
                            "as", "against", "during", "over", "last", "this", "a", "the",
                        ].contains(nextWord)
                {
                    continue
                }
                let afterMetric = metricList.contains(where: {
                    $0.range.upperBound <= m.range.lowerBound && m.range.lowerBound - $0.range.upperBound <= 2
                })
                let inList =
                    index > 0 && money[index - 1].currency != nil
                    && m.range.lowerBound - money[index - 1].range.upperBound <= 12
                    && ["to", "and", ","].contains(word(m.range.lowerBound - 1) ?? "")
                guard afterMetric || inList else { continue }
                let withCurrency = money.enumerated().filter { $0.element.currency != nil }
                if let b = withCurrency.last(where: { $0.offset < index }) {
                    currency = b.element.currency
                } else if let a = withCurrency.first(where: { $0.offset > index }) {
                    currency = a.element.currency
                }
                guard currency != nil else { continue }
            }
            guard let currency else { continue }
            // "12 trillion tenge ($26 billion)": the figure keeps the stated currency and carries
            // its dollar equivalent.
            let usdAmount = dollarEquivalentFollows(index) ? money[index + 1].amount : nil
            if isTarget(before: m.range.lowerBound, sentenceStart: range.lowerBound, end: m.range.upperBound) {
                continue
            }
            if isDealValue(m.range) || isRangeBound(m.range, sentenceStart: range.lowerBound) { continue }
            guard let metricMention = metric(for: m.range) else { continue }
            // A clause of its own that names a country ("…, of which 944.8 million euros came from
            // Kazakhstan") is that country's share, whatever region the metric spoke of.
            let ownSeg = segs[segmentIndex(of: m.range.lowerBound, in: segs)].range
            let regionFrom =
                countries(in: ownSeg).contains { $0.role != .capital }
                ? max(metricMention.range.lowerBound, ownSeg.lowerBound) : metricMention.range.lowerBound
            let metricApplies = regionFrom == metricMention.range.lowerBound
            if namesRegion(from: regionFrom, to: m.range.upperBound)
                || namesGroup(metric: metricApplies ? metricMention : nil, end: m.range.upperBound)
            {
                result.parties = Parties(reporter: home, partner: home, bilateral: false)
                continue
            }
            guard var period = period(for: m.range, allowComparison: true) ?? fallbackPeriod(metricMention.metric)
            else { continue }
            // An investment total whose sentence names no period ("Egypt's investments in
            // Kazakhstan amounted to $2 million") is a stock as of publication, not a flow of the
            // period carried from a trade sentence; an inflow keeps the carried period.
            if periodList.isEmpty, metricMention.metric == .investment || metricMention.metric == .fdiInflow,
                !tokens[range].contains(where: { Self.isInflowVerb($0.id) })
            {
                period = .asOf(published)
            }
            if period.start > published { continue }
            guard
                let parties = parties(
                    in: partyScope(for: m.range, sentence: range, segments: segs), metric: metricMention.metric,
                    carry: carryParties)
            else { continue }
            if !parties.bilateral || ownTotal(metricMention, in: range) {
                result.parties = Parties(reporter: parties.reporter, partner: parties.partner, bilateral: false)
                continue
            }
            let (span, text) = span(m.range)
            var amount = m.amount
            if metricMention.negative && amount > 0 { amount = -amount }
            let q = qualifier(endingBefore: m.range.lowerBound)?.0
            let metric = flowMetric(metricMention, sentence: range)
            result.figures.append(
                Figure(
                    metric: metric, reporter: parties.reporter, partner: parties.partner,
                    direction: parties.direction, period: period, amount: amount, currency: currency,
                    qualifier: q, derived: false, span: span, text: text, usdAmount: usdAmount))
            result.parties = Parties(
                reporter: parties.reporter, partner: parties.partner, direction: nil, alternatives: parties.alternatives
            )
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
            if namesRegion(from: metricMention.range.lowerBound, to: c.range.upperBound)
                || namesGroup(metric: metricMention, end: c.range.upperBound)
            {
                result.parties = result.parties ?? Parties(reporter: home, partner: home, bilateral: false)
                continue
            }
            guard var to = period(for: c.range, allowComparison: false) ?? fallbackPeriod(metricMention.metric) else {
                continue
            }
            if to.start > published { continue }
            // The period compared with: a comparison period of the sentence, else a year earlier.
            var from: Period?
            let comparisons = periodList.filter { isComparison($0, in: segs) }
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
            guard
                let parties = parties(
                    in: partyScope(for: c.range, sentence: range, segments: segs), metric: metricMention.metric,
                    carry: carryParties)
            else { continue }
            if !parties.bilateral || ownTotal(metricMention, in: range) { continue }
            let currency = c.absoluteCurrency ?? money.first(where: { $0.currency != nil })?.currency ?? articleCurrency
            var absolute = c.absolute
            if metricMention.negative, let a = absolute { absolute = -a }
            let (span, text) = span(c.range)
            let series = Series(
                metric: flowMetric(metricMention, sentence: range), reporter: parties.reporter,
                partner: parties.partner, currency: currency)
            result.changes.append(
                (
                    StatedChange(
                        series: series, from: from, to: to, percent: c.percent, ratio: c.ratio,
                        absolute: absolute, qualifier: c.qualifier, span: span, text: text), c.range
                ))
            result.parties =
                result.parties ?? Parties(reporter: parties.reporter, partner: parties.partner, direction: nil)
            if result.mainPeriod == nil { result.mainPeriod = to }
        }
        return result
    }
}
