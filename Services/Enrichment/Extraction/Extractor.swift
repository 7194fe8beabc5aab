import AttacheModels

/// The pure extraction engine: figures, stated changes and anniversaries from one article.
///
/// It reads only `Article.text`, `Article.published` and `Article.countries`, does no I/O,
/// and never fails: text it does not understand yields nothing. Offsets in every span are
/// Unicode-scalar offsets into `Article.text`; curly and straight quotes and dashes are
/// treated alike. Work is linear in the text (sentences are capped at 250 tokens).
///
/// Decisions (docs/architecture.md §2–§3 leave them open):
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
        var seen = LedgerKeys()
        var result: [TradeObservation] = []
        for figure in figures where figure.metric != .other {
            let key = LedgerKeys.Key(series: figure.series, from: figure.period.label, to: nil, derived: figure.derived)
            if seen.insert(key) {
                result.append(TradeObservation(article: article.id, published: article.published, figure: figure))
            }
        }
        for change in changes {
            let key = LedgerKeys.Key(
                series: change.series, from: change.from.label, to: change.to.label, derived: false)
            if seen.insert(key) {
                result.append(TradeObservation(article: article.id, published: article.published, change: change))
            }
        }
        return result
    }

    /// The deltas within this article alone: those of a fresh `SeriesLedger` fed with
    /// `observations(article:)` (what `EnrichedArticle.deltas` carries), computed over the
    /// article's few slots by `ArticleDeltas`.
    public func deltas(article: Article) -> [TradeDelta] {
        ArticleDeltas.deltas(observations(article: article))
    }
}
