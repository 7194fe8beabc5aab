import AttacheModels
import Foundation

/// Realistic records, with the values the seeds state (docs/architecture.md §7), shared by the round-trip
/// and schema tests.
enum Samples {
    /// 2023-06-30T10:00:00.000Z.
    static let received = Date(timeIntervalSince1970: 1_688_119_200)

    /// An excerpt of seed 000 as the parser normalises it (straight apostrophes, plain dashes).
    static let text000 = """
        ASTANA - President of Kazakhstan Kassym-Jomart Tokayev met with Luxembourg's Minister of Foreign and European Affairs Jean Asselborn.

        His visit, which coincided with the 31st anniversary of diplomatic relations, shows that the European Union and Kazakhstan can build a sustainable partnership.

        The inflow of foreign direct investment from Luxembourg in 2022 totaled $202.5 million. Trade turnover grew nearly 2.5 times compared to 2021.
        """

    /// The Unicode-scalar span of the first occurrence of `needle` in `text`.
    static func span(of needle: String, in text: String) -> TextSpan {
        let hay = Array(text.unicodeScalars)
        let pin = Array(needle.unicodeScalars)
        for i in 0...(hay.count - pin.count) where hay[i..<(i + pin.count)].elementsEqual(pin) {
            return TextSpan(start: i, end: i + pin.count)
        }
        fatalError("'\(needle)' is not in the sample text")
    }

    static var paragraphs000: [TextSpan] {
        var spans: [TextSpan] = []
        var offset = 0
        for paragraph in text000.components(separatedBy: "\n\n") {
            let count = paragraph.unicodeScalars.count
            spans.append(TextSpan(start: offset, end: offset + count))
            offset += count + 2
        }
        return spans
    }

    static let article: Article = Article(
        id: StableID.article(published: Day(iso: "2023-06-30")!, normalisedText: text000),
        published: Day(iso: "2023-06-30")!, title: nil, dateline: Dateline(place: "ASTANA"), source: nil,
        text: text000, paragraphs: paragraphs000, countries: ["EU", "KZ", "LU"], receivedAt: received,
        origin: "file:seeds/000_e275cd8cb7a6535f.txt")

    /// An article with every optional field set (seed 001's title and dateline, seed 004's source).
    static let fullArticle: Article = {
        let text =
            "ASTANA. KAZINFORM - Development of partnership with Luxembourg is one of the priorities of Kazakhstan's foreign policy."
        let published = Day(year: 2023, month: 6, day: 29)!
        return Article(
            id: StableID.article(published: published, normalisedText: text), published: published,
            title: "Development of partnership with Luxembourg one of priorities of Kazakhstan's foreign policy - FM",
            dateline: Dateline(place: "ASTANA", agency: "KAZINFORM"), source: "gov.kz", text: text,
            paragraphs: [TextSpan(start: 0, end: text.unicodeScalars.count)], countries: ["KZ", "LU"],
            receivedAt: Date(timeIntervalSince1970: 1_688_033_100.25), origin: "http")
    }()

    static let fdi2022: Figure = {
        let quote = "$202.5 million"
        return Figure(
            metric: .fdiInflow, reporter: "KZ", partner: "LU", direction: .inbound, period: .year(2022),
            amount: 202_500_000, currency: "USD", span: span(of: quote, in: text000), text: quote)
    }()

    /// The balance of seed 002, derived from exports 36.5 K and imports 19.5 M.
    static let balance2024: Figure = Figure(
        metric: .tradeBalance, reporter: "KZ", partner: "LU", period: .year(2024), amount: -19_463_500, currency: "USD",
        derived: true, span: TextSpan(start: 410, end: 455),
        text: "exports amounted to 36.5 thousand US dollars")

    /// Seed 004: EU–KZ trade turnover 2021 implied by "39.9 billion ... 38% higher than in the previous year".
    static let implied2021: Figure = Figure(
        metric: .tradeTurnover, reporter: "KZ", partner: "EU", direction: nil, period: .year(2021),
        amount: 28_913_043_478.26087,
        currency: "USD", qualifier: .approximately, derived: true, span: TextSpan(start: 812, end: 899),
        text: "39.9 billion US dollars, which is 38% higher than in the previous year")

    static let turnoverJanAug2025: Figure = Figure(
        metric: .tradeTurnover, reporter: "KZ", partner: "LU", period: Period.months(1, 8, of: 2025)!,
        amount: 13_600_000, currency: "USD", span: TextSpan(start: 1203, end: 1229), text: "13.6 million US dollars")

    static let fdiSeries = Series(metric: .fdiInflow, reporter: "KZ", partner: "LU", currency: "USD")

    /// FDI inflow from Luxembourg 2022 → 2023 across seeds 000 and 002: +222 M, +109.6 %.
    static let crossDelta: TradeDelta = TradeDelta(
        series: fdiSeries, from: DeltaPoint(period: .year(2022), amount: 202_500_000),
        to: DeltaPoint(period: .year(2023), amount: 424_500_000), absolute: 222_000_000, percent: 109.6,
        ratio: 2.096, basis: .computed, articles: ["642b3c6151f1b901", "f0b26bbd289f157c"], consistent: true)

    /// Seed 000: turnover 2022 ≈ 2.5 times 2021, amounts unknown.
    static let statedDelta: TradeDelta = TradeDelta(
        series: Series(metric: .tradeTurnover, reporter: "KZ", partner: "LU", currency: "USD"),
        from: DeltaPoint(period: .year(2021), amount: nil), to: DeltaPoint(period: .year(2022), amount: nil),
        absolute: nil, percent: 150, ratio: 2.5, basis: .stated, articles: ["f0b26bbd289f157c"], consistent: true)

    static let anniversary000: Anniversary = {
        let quote = "31st anniversary of diplomatic relations"
        return Anniversary(
            kind: .diplomaticRelations, subject: "diplomatic relations between Kazakhstan and Luxembourg",
            parties: ["KZ", "LU"], ordinal: 31, year: 2023, baseYear: 1992, baseDate: nil, onPublicationDay: false,
            next: Milestone(ordinal: 35, year: 2027, date: nil), span: span(of: quote, in: text000), text: quote)
    }()

    /// Seed 003: the 30th anniversary on the publication day, base date 1992-06-29.
    static let anniversary003: Anniversary = Anniversary(
        kind: .diplomaticRelations, subject: "diplomatic relations between Kazakhstan and Luxembourg",
        parties: ["KZ", "LU"], ordinal: 30, year: 2022, baseYear: 1992, baseDate: Day(year: 1992, month: 6, day: 29),
        onPublicationDay: true, next: Milestone(ordinal: 35, year: 2027, date: Day(year: 2027, month: 6, day: 29)),
        span: TextSpan(start: 110, end: 174),
        text: "30th anniversary of the establishment of diplomatic relations")

    static let enriched: EnrichedArticle = EnrichedArticle(
        article: article.summary, figures: [fdi2022], deltas: [statedDelta], anniversaries: [anniversary000],
        enrichedAt: received)

    /// Every optional field of every nested record set.
    static let enrichedWithEveryField: EnrichedArticle = EnrichedArticle(
        article: fullArticle.summary, figures: [implied2021, fdi2022, balance2024, turnoverJanAug2025],
        deltas: [crossDelta, statedDelta], anniversaries: [anniversary003, anniversary000],
        enrichedAt: fullArticle.receivedAt)

    static let enrichedEmpty: EnrichedArticle = EnrichedArticle(
        article: fullArticle.summary, figures: [], deltas: [], anniversaries: [], enrichedAt: fullArticle.receivedAt)

    static let rejection: Rejection = Rejection(
        reason: "invalid_date", detail: "line 1, column 7: '2023-02-30' is not a date (February 2023 has 28 days)",
        origin: "http", payload: Array(" date 2023-02-30 ASTANA - text".utf8), at: received, line: 1, column: 7)

    static let rejectionMinimal: Rejection = Rejection(
        reason: "empty_body", detail: "the article has a date line but no text", origin: "kafka:articles.raw/2/17",
        payload: Array(" date 2023-06-30 ".utf8), at: received)

    static let notification = AttacheModels.Notification(
        rule: "trade-delta", kind: "trade_delta", severity: .notice,
        title: "FDI inflow KZ←LU 2022→2023: +222.0 M USD (+109.6 %)",
        body:
            "Foreign direct investment from Luxembourg into Kazakhstan rose from 202.5 M USD in 2022 to 424.5 M USD in 2023.",
        subject: SubjectRef(topic: "trade.deltas", key: crossDelta.id, schema: .tradeDelta), createdAt: received)

    static let observation = TradeObservation(article: article.id, published: article.published, figure: fdi2022)
    static let changeObservation = TradeObservation(
        article: article.id, published: article.published,
        change: StatedChange(
            series: statedDelta.series, from: .year(2021), to: .year(2022), ratio: 2.5,
            qualifier: .approximately, span: span(of: "grew nearly 2.5 times", in: text000),
            text: "grew nearly 2.5 times"))
}
