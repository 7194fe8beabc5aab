import AttacheModels

/// The pure extraction engine: figures, stated changes and anniversaries from one article.
///
/// It reads only `Article.text`, `Article.published` and `Article.countries`, does no I/O,
/// and never fails: text it does not understand yields nothing. Offsets in every span are
/// Unicode-scalar offsets into `Article.text`; curly and straight quotes and dashes are
/// treated alike. Work is linear in the text (sentences are capped at 250 tokens).
///
/// Decisions (DESIGN.md §2–§3 leave them open):
/// - **Figures** need money (a currency, or a scale word right after a metric word in a
///   sentence that names a currency: `exports: 36.5 thousand`), a metric word in the
///   sentence (turnover/trade, exports, imports, direct investment/FDI, investment,
///   balance/surplus/deficit), a period, and a partner. Money without a metric word
///   (`a grant of $2 million`) is not a figure, so metric `other` is never produced.
///   Amounts after a target word earlier in the sentence (aim, plan, expected, will, could,
///   potential, `to reach`, `to increase`…), amounts whose period starts after publication,
///   and amounts that are the size of a change (`increased by $96 million`) are not figures.
/// - **Cumulative investment** without the word "direct" (`the total volume of investments`)
///   is metric `investment`; with "direct"/"FDI" it is `fdi_inflow`.
/// - **Parties**: the home country reports whenever it is a party or no pair is named; the
///   partner is the other country named in the figure's clause, else in its sentence, else
///   the partner of the paragraph's previous figure, else the country the article mentions
///   most. Investment `from X`, `by X companies`, `X investors` into the home country is
///   `inbound`; from the home country into X is `outbound`. A currency name (`U.S. dollars`,
///   `Swiss francs`) names no party.
/// - **Periods**: `this year` is January 1 to the publication day (or the part-year of it the
///   text states); `over the past N months` is months 1…N of the publication year when they
///   have ended, else the N months before the publication month; `over the past N years` is read
///   like `since (publication year − N)`; `since 2005` runs to the publication day; a
///   part-year without a year (`January-March`) is the latest one that has ended by
///   publication; `last year` is the year before publication, `the previous year` the year
///   before the year the sentence speaks of. A sentence without a period takes the paragraph's
///   last one; the latest statistic's period also reaches a later sentence that names its
///   parties; with no period stated at all, a statistic is of the last full year and an
///   investment total is as of publication (`..YYYY-MM-DD`). docs/extraction.md lists every rule.
/// - **Changes** compare with the comparison period of the sentence (`than in 2020`,
///   `compared to the same period of last year`), else the same months a year earlier. A
///   change without amounts takes the currency of the sentence's money, else the article's,
///   else USD. `decreased 2 times` is ratio 0.5.
/// - **Derived figures** (`derived: true`, qualifier `approximately` for implied values):
///   the trade balance of one period from stated exports and imports (unless a balance is
///   stated), and the other end of a stated change with one stated figure, rounded to whole
///   units. Their span runs from the first to the last statement they come from.
/// - **Anniversaries** need an ordinal and `anniversary`/`birthday`/`jubilee`, or `N years
///   ago` with a founding verb, or a celebration verb with `N years of/since`, or
///   `centenary`. Subjects are canonical: `diplomatic relations between Kazakhstan and the
///   European Union` (home first, English short names, the same for every phrasing), an
///   agreement's capitalised title plus its parties, a person's name for a birth.
public struct Extractor: Sendable {
    /// The home country (ISO 3166-1 alpha-2): the reporter whenever it is a party.
    public let home: String

    /// - Parameter home: the home country code; configuration, not code (`KZ` in the samples).
    public init(home: String = "KZ") {
        self.home = home
    }

    /// Extracts figures (stated and derived), stated changes and anniversaries.
    public func extract(_ article: Article) -> Extraction {
        let analysis = ArticleAnalysis(article: article, home: home)
        return analysis.run()
    }
}

/// What `Extractor.extract(_:)` finds in one article.
public struct Extraction: Sendable, Hashable {
    /// Stated and derived figures (trade balances, earlier values implied by a stated
    /// change), in text order.
    public var figures: [Figure]
    /// Stated changes, with or without amounts, in text order.
    public var changes: [StatedChange]
    /// Anniversaries, one per id, in text order.
    public var anniversaries: [Anniversary]

    public init(figures: [Figure] = [], changes: [StatedChange] = [], anniversaries: [Anniversary] = []) {
        self.figures = figures
        self.changes = changes
        self.anniversaries = anniversaries
    }

    /// The figures and changes as observations for the series ledger, one per ledger key
    /// (the first wins when an article repeats itself). Figures of metric `other` are left out.
    public func observations(article: Article) -> [TradeObservation] {
        var seen = Set<String>()
        var result: [TradeObservation] = []
        for figure in figures where figure.metric != .other {
            let o = TradeObservation(article: article.id, published: article.published, figure: figure)
            if seen.insert(o.ledgerKey).inserted { result.append(o) }
        }
        for change in changes {
            let o = TradeObservation(article: article.id, published: article.published, change: change)
            if seen.insert(o.ledgerKey).inserted { result.append(o) }
        }
        return result
    }

    /// The deltas within this article alone: a fresh `SeriesLedger` fed with
    /// `observations(article:)` (what `EnrichedArticle.deltas` carries).
    public func deltas(article: Article) -> [TradeDelta] {
        SeriesLedger(observations: observations(article: article)).allDeltas
    }
}

struct CountryToken {
    var token: Int
    var endToken: Int
    var code: String
    var role: Countries.Name.Role
}

struct MetricMention {
    var range: Range<Int>
    var metric: Metric
    var negative: Bool
}

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

struct Segment {
    var range: Range<Int>
    var comparison: Bool
}

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

final class ArticleAnalysis {
    let article: Article
    let home: String
    let scalars: [Unicode.Scalar]
    let tokens: [Token]
    let sentences: [Sentence]
    let countries: [CountryToken]
    let periods: PeriodParser
    let money: MoneyParser
    var mainPartner: String?
    /// A country other than home whose own trade statistics the article reports
    /// (`Tajikistan's trade with …`, `Poland's trade turnover with …`, `Finnish exports`): a
    /// sentence that names only a third country speaks of that country's trade, not the home's.
    var foreignReporter: String?

    init(article: Article, home: String) {
        self.article = article
        self.home = home
        var decoded: [Unicode.Scalar] = []
        decoded.reserveCapacity(article.text.utf8.count)
        for s in article.text.unicodeScalars { decoded.append(s) }
        scalars = decoded
        tokens = Tokenizer.tokenize(scalars)
        sentences = Sentences.split(tokens)
        var startIndex = [Int](repeating: -1, count: scalars.count + 1)
        var endIndex = [Int](repeating: -1, count: scalars.count + 1)
        for (i, t) in tokens.enumerated() { startIndex[t.start] = i; endIndex[t.end] = i + 1 }
        var found: [CountryToken] = []
        // Names begin where words do: at a word token, or inside one after a combining mark.
        var wordStarts: [Int] = []
        for t in tokens where t.kind == .word {
            wordStarts.append(t.start)
            for k in (t.start + 1)..<t.end where scalars[k - 1].value >= 0x300 { wordStarts.append(k) }
        }
        for m in Countries.matches(inScalars: scalars, at: wordStarts) {
            guard m.span.start >= 0, m.span.end <= scalars.count else { continue }
            let s = startIndex[m.span.start], e = endIndex[m.span.end]
            guard s >= 0, e >= 0 else { continue }
            found.append(CountryToken(token: s, endToken: e, code: m.code, role: m.role))
        }
        countries = found
        periods = PeriodParser(tokens: tokens, published: article.published, independence: Lexicon.independenceYear[home])
        money = MoneyParser(tokens: tokens)
        // The partner the article is mostly about: the most-mentioned other country, the
        // earliest on a tie; the article's declared countries break no ties but must agree.
        var counts: [String: (Int, Int)] = [:]
        for c in found where c.role != .capital && c.code != home {
            let old = counts[c.code] ?? (0, c.token)
            counts[c.code] = (old.0 + 1, old.1)
        }
        mainPartner = counts.sorted { a, b in a.value.0 != b.value.0 ? a.value.0 > b.value.0 : a.value.1 < b.value.1 }.first?.key
        if mainPartner == nil { mainPartner = article.countries.first { $0 != home } }
        foreignReporter = Self.foreignReporter(tokens: tokens, countries: found, home: home)
    }

    func word(_ i: Int) -> String? { i >= 0 && i < tokens.count ? tokens[i].lower : nil }

    /// Whether token i exists and belongs to a word list (its precomputed bits, no hashing).
    func has(_ i: Int, _ c: WordClass) -> Bool { i >= 0 && i < tokens.count && tokens[i].classes.contains(c) }

    /// The first non-home country named as the owner of a trade metric: `X's (overall|total|
    /// foreign) trade/turnover/exports/imports`, or its adjective right before one (`Finnish
    /// exports`), not inside a compound (`Kazakh-Chinese trade`).
    static func foreignReporter(tokens: [Token], countries: [CountryToken], home: String) -> String? {
        let metricWords: Set<String> = ["trade", "turnover", "exports", "imports", "trading"]
        for c in countries where c.code != home && c.role != .capital {
            if c.token > 0, tokens[c.token - 1].lower == "-" { continue }
            // "Germany raised its imports from …": the country owns the flow it calls "its".
            if c.role != .adjective {
                var k = c.endToken
                while k < min(c.endToken + 3, tokens.count), tokens[k].kind == .word, tokens[k].lower != "its" { k += 1 }
                if k + 1 < tokens.count, tokens[k].lower == "its", metricWords.contains(tokens[k + 1].lower) { return c.code }
            }
            var j = c.endToken
            if j + 1 < tokens.count, tokens[j].lower == "'", tokens[j + 1].lower == "s" { j += 2 } else if c.role != .adjective { continue }
            while j < tokens.count, ["overall", "total", "foreign", "external", "mutual"].contains(tokens[j].lower) { j += 1 }
            if j < tokens.count, metricWords.contains(tokens[j].lower), j + 1 < tokens.count, tokens[j + 1].lower != "-" {
                // "Kyrgyzstan's trade turnover with Kazakhstan" still names the home country as its
                // partner; it is a foreign reporter all the same.
                return c.code
            }
        }
        return nil
    }

    func span(_ range: Range<Int>) -> (TextSpan, String) {
        guard !range.isEmpty else { return (TextSpan(start: 0, end: 0), "") }
        let s = TextSpan(start: tokens[range.lowerBound].start, end: tokens[range.upperBound - 1].end)
        return (s, text(s))
    }

    func text(_ s: TextSpan) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity((s.end - s.start) * 2)
        for scalar in scalars[s.start..<s.end] { UTF8.encode(scalar) { bytes.append($0) } }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: - Running

    func run() -> Extraction {
        var figures: [Figure] = []
        var changes: [(StatedChange, Range<Int>)] = []
        var carryPeriod: Period?
        var carryParties: Parties?
        var lastParagraph = -1
        var articleCurrencies: [String: Int] = [:]
        var sentenceMoney: [[MoneyMention]] = []
        for sentence in sentences {
            let m = moneyMentions(in: sentence.range)
            for x in m { if let c = x.currency { articleCurrencies[c, default: 0] += 1 } }
            sentenceMoney.append(m)
        }
        let articleCurrency = articleCurrencies.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.first?.key ?? "USD"

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
            let result = analyseSentence(sentence.range, money: sentenceMoney[index], carryPeriod: carryPeriod,
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
        var factParagraph: [FactKey: Int] = [:]
        figures = figures.filter { f in
            let key = FactKey(at: SeriesPeriod(f.series, f.period), amount: f.amount.bitPattern)
            let paragraph = paragraph(at: f.span.start)
            if let first = factParagraph[key] { return first == paragraph }
            factParagraph[key] = paragraph
            return true
        }
        // "rose by 85%, nearing 1 billion US dollars" after "$979.2 million" is the same fact rounded.
        let exact = figures.filter { $0.qualifier == nil }
        figures = figures.filter { f in
            guard f.qualifier != nil else { return true }
            return !exact.contains { $0.series == f.series && $0.period == f.period && abs($0.amount - f.amount) <= 0.1 * abs($0.amount) && $0.amount != f.amount }
        }
        figures += derivedFigures(figures: figures, changes: changes)
        var seen = Set<Figure>()
        figures = figures.filter { seen.insert($0).inserted }
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
        struct ChangeKey: Hashable { var series: Series; var from: String; var to: String; var values: [UInt64] }
        var seenChanges = Set<ChangeKey>()
        let stated = changes.map(\.0).filter {
            seenChanges.insert(ChangeKey(series: $0.series, from: $0.from.label, to: $0.to.label,
                                         values: [($0.percent ?? 0).bitPattern, ($0.ratio ?? 0).bitPattern, ($0.absolute ?? 0).bitPattern])).inserted
        }
        let anniversaries = AnniversaryFinder(analysis: self).find()
        return Extraction(figures: figures, changes: stated, anniversaries: anniversaries)
    }

    /// The paragraph index of a scalar offset.
    func paragraph(at offset: Int) -> Int {
        sentences.last { $0.range.lowerBound < tokens.count && tokens[$0.range.lowerBound].start <= offset }?.paragraph ?? 0
    }

    /// Whether two optional stated values agree within 1 % (both absent counts as agreeing).
    static func close(_ a: Double?, _ b: Double?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case let (x?, y?): return abs(x - y) <= 0.01 * max(abs(x), abs(y))
        default: return false
        }
    }

    // MARK: - Mentions

    func moneyMentions(in range: Range<Int>) -> [MoneyMention] {
        var result: [MoneyMention] = []
        var i = range.lowerBound
        while i < range.upperBound {
            let t = tokens[i]
            guard t.kind == .number || t.kind == .symbol || t.classes.contains(.currencyPrefix) else { i += 1; continue }
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
            let t = tokens[i]
            guard t.kind == .number || !t.classes.isDisjoint(with: gate) else { i += 1; continue }
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
            var matched: MetricMention?
            for (words, metric) in (tokens[i].classes.contains(.metricStart) ? Lexicon.metricsByFirstWord[tokens[i].lower] : nil) ?? [] where i + words.count <= range.upperBound {
                var ok = true
                for (k, w) in words.enumerated() where tokens[i + k].lower != w { ok = false; break }
                if ok {
                    matched = MetricMention(range: i..<(i + words.count), metric: metric, negative: words.last == "deficit")
                    break
                }
            }
            if matched == nil, tokens[i].classes.contains(.investmentVerbs),
               tokens[(i + 1)..<min(i + 12, range.upperBound)].contains(where: { $0.lower == "into" }) {
                matched = MetricMention(range: i..<(i + 1), metric: .investment, negative: false)
            }
            // "the number of exporters": a count of companies, not a flow.
            if let m = matched, tokens[i].lower == "exporters" || tokens[i].lower == "importers", word(i - 1) == "of", word(i - 2) == "number" {
                i = m.range.upperBound
                continue
            }
            if let matched {
                // "trade and investment cooperation", "trade partner": not the measured quantity
                // when a noun of relations follows; such mentions are skipped.
                let next = word(matched.range.upperBound) ?? ""
                if !["partner", "partners", "mission", "missions", "ties", "relations", "house", "representative", "policy",
                     "agreement", "agreements", "climate", "projects", "opportunities", "fund", "funds", "attractiveness"].contains(next) {
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
                let w = word(first) ?? ""
                let comparison = ["compared", "comparing", "against", "versus", "vs", "than", "whereas"].contains(w)
                    || ((w == "up" || w == "down") && word(first + 1) == "from")
                    || (w == "as" && word(first + 1) == "against")
                    || (w == "in" && tokens[start].lower == "(")
                result.append(Segment(range: start..<end, comparison: comparison))
            }
            start = end
        }
        for i in range {
            let w = tokens[i].lower
            if tokens[i].kind == .symbol, w == "," || w == ";" || w == "(" || w == ")" {
                close(i)
            } else if tokens[i].classes.contains(.clauseBreaks), i > start {
                close(i)
            } else if w == "and", i > start, let next = word(i + 1), has(i + 1, .factVerbs) || ["was", "were", "is", "stood"].contains(next) {
                // "… compared to 2020 and amounted to $300 million": a new clause about the
                // sentence's own period.
                close(i)
            }
        }
        close(range.upperBound)
        return result
    }

    func qualifier(endingBefore i: Int) -> (Qualifier, Int)? {
        guard i >= 1 else { return nil }
        guard tokens[i - 1].classes.contains(.qualifierLast) else { return nil }
        for (words, q) in Lexicon.qualifiersByLastWord[tokens[i - 1].lower] ?? [] {
            let s = i - words.count
            guard s >= 0 else { continue }
            var ok = true
            for (k, w) in words.enumerated() where tokens[s + k].lower != w { ok = false; break }
            if ok { return (q, s) }
        }
        return nil
    }

    func qualifier(startingAt i: Int) -> (Qualifier, Int)? {
        guard i < tokens.count else { return nil }
        guard tokens[i].classes.contains(.qualifierFirst) else { return nil }
        for (words, q) in Lexicon.qualifiersByFirstWord[tokens[i].lower] ?? [] {
            guard i + words.count <= tokens.count else { continue }
            var ok = true
            for (k, w) in words.enumerated() where tokens[i + k].lower != w { ok = false; break }
            if ok { return (q, i + words.count) }
        }
        return nil
    }

    /// The number at i as a ratio multiplier: `2.5 times`, `four-fold`, `3-fold`, `fourfold`.
    func multiplier(at i: Int) -> (Double, Int)? {
        guard let w = word(i) else { return nil }
        let c = tokens[i].classes
        if c.contains(.multiplier), let f = Lexicon.foldWords[w] { return (f, i + 1) }
        var value: Double?
        if tokens[i].kind == .number { value = Numbers.parse(w) } else if c.contains(.cardinal), let n = Lexicon.cardinals[w] { value = Double(n) }
        if value == nil, c.contains(.multiplier), let adverb = Lexicon.multiplierAdverbs[w] { return (adverb, i + 1) }
        guard let v = value, v > 0 else { return nil }
        if word(i + 1) == "times" || word(i + 1) == "time" { return (v, i + 2) }
        if word(i + 1) == "-", word(i + 2) == "fold", tokens[i + 1].attached { return (v, i + 3) }
        if word(i + 1) == "fold" { return (v, i + 2) }
        return nil
    }

    func percent(at i: Int) -> (Double, Int)? {
        guard i < tokens.count else { return nil }
        var value: Double?
        if tokens[i].kind == .number { value = Numbers.parse(tokens[i].lower) } else if tokens[i].classes.contains(.cardinal), let c = Lexicon.cardinals[tokens[i].lower] { value = Double(c) }
        guard let v = value else { return nil }
        if word(i + 1) == "%" { return (v, i + 2) }
        if word(i + 1) == "percent" || word(i + 1) == "pct" { return (v, i + 2) }
        if word(i + 1) == "per", word(i + 2) == "cent" { return (v, i + 3) }
        return nil
    }

    /// A stated change at token i.
    func change(at i: Int, in range: Range<Int>) -> ChangeMention? {
        guard let w = word(i) else { return nil }
        let before = qualifier(endingBefore: i)
        // "more than twice the 2017 level", "twice as much as".
        let wc = tokens[i].classes
        if wc.contains(.multiplier), let r = Lexicon.multiplierAdverbs[w], word(i + 1) == "the" || word(i + 1) == "as" {
            return ChangeMention(range: (before?.1 ?? i)..<(i + 1), ratio: r, qualifier: before?.0)
        }
        // "Kazakhstan (+30 percent)": a signed percentage in brackets.
        if tokens[i].kind == .number, word(i - 1) == "+" || word(i - 1) == "-", word(i - 2) == "(", let (p, end) = percent(at: i) {
            return ChangeMention(range: (i - 1)..<end, percent: word(i - 1) == "-" ? -p : p)
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
                guard word(j) == "up" || word(j) == "down" else { return nil }
                sign = word(j) == "up" ? 1 : -1
                j += 1
            }
            if word(j) == "by" || word(j) == "of" { j += 1 }
            // "the growth was 25%", "the increase amounted to 12 percent".
            if wc.contains(.upNouns) || wc.contains(.downNouns) {
                if ["was", "is", "reached", "made", "amounted", "stood", "totalled", "totaled"].contains(word(j) ?? "") {
                    j += ["to", "at", "up"].contains(word(j + 1) ?? "") ? 2 : 1
                }
            }
            var q = before?.0
            if let (q2, after) = qualifier(startingAt: j) { q = q2; j = after }
            // "up a remarkable 328%".
            if word(j) == "a" || word(j) == "an", has(j + 1, .changeAdjectives), percent(at: j + 2) != nil { j += 2 }
            let start = before?.1 ?? i
            if let (p, end) = percent(at: j) {
                return ChangeMention(range: start..<end, percent: sign * p, qualifier: q)
            }
            if let (r, end) = multiplier(at: j) {
                return ChangeMention(range: start..<end, ratio: sign > 0 ? r : 1 / r, qualifier: q)
            }
            // "declined by half".
            if word(j - 1) == "by", word(j) == "half", sign < 0 {
                return ChangeMention(range: start..<(j + 1), ratio: 0.5, qualifier: q)
            }
            if let m = money.parse(at: j), m.currency != nil, j > i + 1, word(j - 1) == "by" || word(j - 1) == "of" || q != nil && word(j - 2) == "by" {
                return ChangeMention(range: start..<m.range.upperBound, absolute: sign * m.amount, absoluteCurrency: m.currency,
                                     qualifier: q, consumedMoney: j)
            }
            return nil
        }
        // 38% higher than, a 15% increase.
        if let (p, end) = percent(at: i), let next = word(end) {
            let q = before?.0
            let start = before?.1 ?? i
            if has(end, .upComparatives) || has(end, .upNouns) {
                if next == "more", word(end + 1) == "of" { return nil }
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
            if next == "as", ["much", "high", "large", "big", "great", "many"].contains(word(end + 1) ?? ""), word(end + 2) == "as",
               !(wc.contains(.multiplier) && Lexicon.multiplierAdverbs[w] != nil) {
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

    func changeMentions(in range: Range<Int>) -> [ChangeMention] {
        var result: [ChangeMention] = []
        var i = range.lowerBound
        while i < range.upperBound {
            let t = tokens[i]
            guard t.kind == .number || t.classes.contains(.changeStart) else { i += 1; continue }
            if let c = change(at: i, in: range), c.range.upperBound <= range.upperBound, c.range.lowerBound >= range.lowerBound {
                result.append(c)
                i = max(c.range.upperBound, i + 1)
            } else {
                i += 1
            }
        }
        return result
    }

    /// Whether something at token i of the sentence is a target or forecast: the nearest cue
    /// before it decides — a target word (`aim`, `expected`, `to reach`) makes it a target, a
    /// fact verb (`reached`, `came to`) a statement. The starting level of a plan (`from $150
    /// million in 2023 to $500 million`, `from its current $5 billion`) is a statement.
    func isTarget(before i: Int, sentenceStart: Int, end: Int? = nil) -> Bool {
        // "$10bln is the goal", "the $1bn threshold": a target noun right after the amount.
        if let end {
            for j in end..<min(end + 4, tokens.count) where tokens[j].classes.contains(.targetNouns) { return true }
            if word(i - 1) == "the", has(end, .targetNouns) { return true }
            // "$35 billion by 2030": an amount before a deadline in the future.
            if has(end, .deadlineWords), let y = periods.year(at: end + 1), y > article.published.year { return true }
        }
        var k = i - 1
        if let (_, s) = qualifier(endingBefore: i), s >= sentenceStart { k = s - 1 }
        if word(k) == "current", word(k - 1) == "its" || word(k - 1) == "the" || word(k - 1) == "their" { k -= 2 }
        if word(k) == "from", k >= sentenceStart { return false }
        var j = i - 1
        while j >= sentenceStart {
            let w = tokens[j].lower
            let jc = tokens[j].classes
            if jc.contains(.factVerbs), !has(j - 1, .modalWords),
               !(has(j - 2, .modalWords) && ["have", "be", "has"].contains(word(j - 1) ?? "")) { return false }
            if jc.contains(.targetWords) { return true }
            // "… is expected to double, noting that it was $1.9 billion last year": a past copula
            // states a fact, unless a target noun or word is its subject ("the goal was …").
            if w == "was" || w == "were", !has(j - 1, .targetNouns), !has(j - 1, .targetWords), !has(j - 1, .modalWords) { return false }
            if w == "to", has(j + 1, .targetVerbs) {
                // "increased 3 times in 2022 to reach $73.8 million": the result of a stated change.
                var k = j - 1
                while k >= sentenceStart, ![",", ";", "("].contains(tokens[k].lower), !tokens[k].classes.contains(.targetWords) {
                    if tokens[k].classes.contains(.changeVerbsPast), !has(k - 1, .modalWords) { return false }
                    k -= 1
                }
                return true
            }
            j -= 1
        }
        return false
    }
}
