import AttacheModels

/// The pass over an article: each sentence in turn (`analyseSentence`), with what carries
/// from one sentence to the next (the period, the parties, the metric), then the clean-up of
/// the whole article: a fact repeated in another paragraph is one figure, a rounded repeat of
/// an exact figure goes, derived figures are added, a change stated twice is one change.
/// Anniversaries come from `AnniversaryFinder` over the same analysis.
extension ArticleAnalysis {
    func run() -> Extraction {
        var figures: [Figure] = []
        var changes: [(StatedChange, Range<Int>)] = []
        var carryPeriod: Period?
        var carryParties: Parties?
        var lastParagraph = -1
        // The article's currencies and how often each is named: a handful, so a short list.
        var articleCurrencies = SmallMap<String, Int>()
        var sentenceMoney: [[MoneyMention]] = []
        sentenceMoney.reserveCapacity(sentences.count)
        for sentence in sentences {
            let m = moneyMentions(in: sentence.range)
            for x in m { if let c = x.currency { articleCurrencies.update(c, (articleCurrencies[c] ?? 0) + 1) } }
            sentenceMoney.append(m)
        }
        // The most named, the first in alphabetical order on a tie.
        var articleCurrency = "USD"
        var best = 0
        for (c, n) in articleCurrencies.entries where n > best || (n == best && c < articleCurrency) {
            articleCurrency = c
            best = n
        }

        // The period of the latest statistic carries into later paragraphs (a digest names the
        // year once); other periods, and the parties and metric, carry within a paragraph only.
        var statisticPeriod: Period?
        var carryMetric: Metric?
        for (index, sentence) in sentences.enumerated() {
            if sentence.paragraph != lastParagraph {
                carryPeriod = nil
                carryParties = nil
                carryMetric = nil
                lastParagraph = sentence.paragraph
            }
            let result = analyseSentence(
                sentence.range, money: sentenceMoney[index], carryPeriod: carryPeriod,
                carryParties: carryParties, carryMetric: carryMetric, statisticPeriod: statisticPeriod,
                articleCurrency: articleCurrency)
            figures += result.figures
            changes += result.changes
            // A cumulative total's period (several years, or as of a day) is no period for the
            // next sentence's flows.
            if let p = result.lastFigurePeriod ?? result.mainPeriod, let months = p.monthCount, months <= 12 {
                carryPeriod = p
                if !result.figures.isEmpty || !result.changes.isEmpty { statisticPeriod = p }
            }
            if let p = result.parties { carryParties = p }
            if let m = result.metric { carryMetric = m }
        }
        // A fact repeated in another paragraph (title, lead, quote) is one figure: the first
        // statement wins.
        struct FactKey: Hashable { var at: SeriesPeriod; var amount: UInt64 }
        var factParagraph = SmallMap<FactKey, Int>()
        figures = figures.filter { f in
            let key = FactKey(at: SeriesPeriod(f.series, f.period), amount: f.amount.bitPattern)
            let paragraph = paragraph(at: f.span.start)
            if let first = factParagraph[key] { return first == paragraph }
            factParagraph.insert(key, paragraph)
            return true
        }
        // "rose by 85%, nearing 1 billion US dollars" after "$979.2 million" is the same fact rounded.
        let exact = figures.filter { $0.qualifier == nil }
        figures = figures.filter { f in
            guard f.qualifier != nil else { return true }
            return !exact.contains {
                $0.series == f.series && $0.period == f.period && abs($0.amount - f.amount) <= 0.1 * abs($0.amount)
                    && $0.amount != f.amount
            }
        }
        figures += derivedFigures(figures: figures, changes: changes)
        // An article states a handful of figures: comparing each with those kept before it
        // is cheaper than hashing every field (its text too) into a Set, and keeps the same
        // ones; a Set only bounds the work for an article with very many.
        if figures.count <= 64 {
            var kept: [Figure] = []
            kept.reserveCapacity(figures.count)
            for f in figures where !kept.contains(f) { kept.append(f) }
            figures = kept
        } else {
            var seen = Set<Figure>()
            figures = figures.filter { seen.insert($0).inserted }
        }
        figures.sort { a, b in
            if a.span.start != b.span.start { return a.span.start < b.span.start }
            if a.derived != b.derived { return !a.derived }
            if a.span.end != b.span.end { return a.span.end < b.span.end }
            return a.metric.rawValue < b.metric.rawValue
        }
        // The same change stated twice, once rounded ("rose by 85%" … "up 85.4%"), is one change.
        changes = changes.enumerated().filter { (i, c) in
            !changes[..<i].contains { d in
                d.0.series == c.0.series && d.0.from == c.0.from && d.0.to == c.0.to
                    && Self.close(d.0.percent, c.0.percent) && Self.close(d.0.ratio, c.0.ratio)
                    && (d.0.percent != nil || d.0.ratio != nil)
            }
        }.map(\.element)
        struct ChangeKey: Hashable {
            var series: Series
            var from: String
            var to: String
            var percent: UInt64
            var ratio: UInt64
            var absolute: UInt64
        }
        var seenChanges = SmallMap<ChangeKey, Void>()
        let stated = changes.map(\.0).filter {
            seenChanges.insert(
                ChangeKey(
                    series: $0.series, from: $0.from.label, to: $0.to.label, percent: ($0.percent ?? 0).bitPattern,
                    ratio: ($0.ratio ?? 0).bitPattern, absolute: ($0.absolute ?? 0).bitPattern))
        }
        let anniversaries = AnniversaryFinder(analysis: self).find()
        return Extraction(figures: figures, changes: stated, anniversaries: anniversaries)
    }

    /// Whether two optional stated values agree within 1 % (both absent counts as agreeing).
    static func close(_ a: Double?, _ b: Double?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case (let x?, let y?): return abs(x - y) <= 0.01 * max(abs(x), abs(y))
        default: return false
        }
    }
}
