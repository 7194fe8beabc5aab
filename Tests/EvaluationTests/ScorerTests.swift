import AttacheModels
import Extraction
import Foundation
import Testing

@testable import Evaluation

/// The matching rules of `attache eval`, on hand-made gold and extractions.
@Suite struct ScorerTests {
    static let published = Day(iso: "2024-03-01")!
    static let article = Article(
        id: "a", published: published, title: nil, dateline: nil, source: nil, text: "x",
        paragraphs: [], countries: [], receivedAt: Date(timeIntervalSince1970: 0), origin: "test")

    static func figure(
        _ metric: Metric, _ reporter: String, _ partner: String, _ period: Period, _ amount: Double,
        _ currency: String = "USD", derived: Bool = false
    ) -> Figure {
        Figure(
            metric: metric, reporter: reporter, partner: partner, period: period, amount: amount, currency: currency,
            derived: derived, span: TextSpan(start: 0, end: 1), text: "x")
    }

    static func score(_ gold: GoldAnnotation, _ extraction: Extraction) -> ArticleScore {
        Scorer.score(id: "a", article: article, extraction: extraction, gold: gold)
    }

    @Test func goldPeriodsParseAtTheirGranularity() {
        #expect(GoldPeriod(label: "2023") == .years(2023, 2023))
        #expect(GoldPeriod(label: "2005..2021") == .years(2005, 2021))
        #expect(GoldPeriod(label: "2023-01..2023-05") == .months(start: (2023, 1), end: (2023, 5)))
        #expect(GoldPeriod(label: "unspecified (cumulative)") == .any)
        #expect(GoldPeriod(label: "sometime") == nil)
        #expect(GoldPeriod(label: "2023")!.accepts(.year(2023)))
        #expect(!GoldPeriod(label: "2023")!.accepts(Period.months(1, 6, of: 2023)!))
        let since = Period(
            start: Day(iso: "2005-01-01")!, end: Day(iso: "2021-08-28")!, label: "2005-01-01..2021-08-28")
        #expect(GoldPeriod(label: "2005..2021")!.accepts(since))
        #expect(GoldPeriod(label: "unspecified (annual)")!.accepts(since))
    }

    @Test func figureNeedsAmountCurrencyMetricPartiesAndPeriod() {
        let gold = GoldAnnotation(
            published: "2024-03-01",
            figures: [
                GoldFigure(
                    text: "$1.2 billion", metric: "trade_turnover", partner: "France", period: "2023",
                    valueUSD: 1_200_000_000),
                GoldFigure(
                    text: "EUR 5 million", metric: "investment", partner: "Germany", period: "2023", currency: "EUR",
                    value: 5_000_000),
                GoldFigure(
                    text: "$9 million", metric: "other", partner: "Germany", period: "2023", valueUSD: 9_000_000),
            ])
        let right = Self.score(
            gold,
            Extraction(figures: [
                Self.figure(.tradeTurnover, "KZ", "FR", .year(2023), 1_205_000_000),  // within 0.6 %
                Self.figure(.fdiInflow, "KZ", "DE", .year(2023), 5_000_000, "EUR"),  // fdi_inflow ≡ investment
                Self.figure(.tradeBalance, "KZ", "FR", .year(2023), 1, derived: true),  // derived: not scored
            ]))
        #expect(right.figures.truePositives == 2)
        #expect(right.figures.gold == 2)
        #expect(right.figures.predicted == 2)
        #expect(right.figures.falsePositives.isEmpty)

        let wrong = Self.score(
            gold,
            Extraction(figures: [
                Self.figure(.tradeTurnover, "KZ", "FR", .year(2023), 1_210_000_000),  // 0.83 % off
                Self.figure(.investment, "KZ", "DE", .year(2023), 5_000_000, "USD"),  // wrong currency
                Self.figure(.tradeTurnover, "KZ", "FR", .year(2022), 1_200_000_000),  // wrong period
                Self.figure(.tradeTurnover, "KZ", "IT", .year(2023), 1_200_000_000),  // wrong partner
            ]))
        #expect(wrong.figures.truePositives == 0)
        #expect(wrong.figures.misses.count == 2)
        #expect(wrong.figures.falsePositives.count == 4)
        #expect(wrong.figures.amountFound == 1)
    }

    @Test func theOtherSideOfAFlowCounts() {
        let gold = GoldAnnotation(
            published: "2024-03-01",
            figures: [
                GoldFigure(
                    text: "$40 million", metric: "imports", partner: "Kyrgyzstan", period: "2023", valueUSD: 40_000_000)
            ])
        let mirrored = Self.score(
            gold, Extraction(figures: [Self.figure(.exports, "KG", "KZ", .year(2023), 40_000_000)]))
        #expect(mirrored.figures.truePositives == 1)
        let sameWordWrongSide = Self.score(
            gold, Extraction(figures: [Self.figure(.imports, "KG", "KZ", .year(2023), 40_000_000)]))
        #expect(sameWordWrongSide.figures.truePositives == 0)
    }

    @Test func eachGoldItemMatchesOnce() {
        let gold = GoldAnnotation(
            published: "2024-03-01",
            figures: [
                GoldFigure(
                    text: "$2 billion", metric: "trade_turnover", partner: "France", period: "2023",
                    valueUSD: 2_000_000_000)
            ])
        let twice = Self.score(
            gold,
            Extraction(figures: [
                Self.figure(.tradeTurnover, "KZ", "FR", .year(2023), 2_000_000_000),
                Self.figure(.tradeTurnover, "KZ", "FR", .year(2023), 2_000_000_000),
            ]))
        #expect(twice.figures.truePositives == 1)
        #expect(twice.figures.falsePositives.count == 1)
    }

    @Test func changesCompareTheirValueInTheGoldsKind() {
        let series = Series(metric: .tradeTurnover, reporter: "KZ", partner: "FR", currency: "USD")
        func change(percent: Double? = nil, ratio: Double? = nil) -> StatedChange {
            StatedChange(
                series: series, from: .year(2022), to: .year(2023), percent: percent, ratio: ratio,
                span: TextSpan(start: 0, end: 1), text: "x")
        }
        let gold = GoldAnnotation(
            published: "2024-03-01",
            changes: [
                GoldChange(
                    text: "doubled", metric: "trade_turnover", partner: "France", fromPeriod: "2022", toPeriod: "2023",
                    kind: "ratio", value: 2),
                GoldChange(
                    text: "fell by 36%", metric: "trade_turnover", partner: "France", fromPeriod: "2022",
                    toPeriod: "2023", kind: "percent", value: -36),
            ])
        let s = Self.score(
            gold, Extraction(changes: [change(percent: 100), change(percent: -36.3), change(percent: 7)]))
        #expect(s.changes.truePositives == 2)
        #expect(s.changes.strict == 2)
        #expect(s.changes.falsePositives.count == 1)
        let off = Self.score(gold, Extraction(changes: [change(percent: -37)]))
        #expect(off.changes.truePositives == 0)
    }

    @Test func anniversariesNeedOrdinalBaseYearAndTheGoldsDate() {
        func ann(_ ordinal: Int, _ base: Int, _ date: String?) -> Anniversary {
            Anniversary(
                kind: .diplomaticRelations, subject: "s", parties: [], ordinal: ordinal, year: base + ordinal,
                baseYear: base,
                baseDate: date.flatMap { Day(iso: $0) }, onPublicationDay: false,
                next: Milestone(ordinal: 35, year: base + 35, date: nil), span: TextSpan(start: 0, end: 1), text: "x")
        }
        let gold = GoldAnnotation(
            published: "2024-03-01",
            anniversaries: [
                GoldAnniversary(
                    text: "30th anniversary", ordinal: 30, subject: "s", baseYear: 1992, baseDate: "1992-06-29"),
                GoldAnniversary(text: "25th anniversary", ordinal: 25, subject: "t", baseYear: 1997),
            ])
        let s = Self.score(gold, Extraction(anniversaries: [ann(30, 1992, nil), ann(25, 1997, "1997-01-02")]))
        #expect(s.anniversaries.truePositives == 1)
        #expect(s.anniversaries.datesGold == 1)
        #expect(s.anniversaries.datesRight == 0)
        let dated = Self.score(gold, Extraction(anniversaries: [ann(30, 1992, "1992-06-29")]))
        #expect(dated.anniversaries.datesRight == 1)
    }
}
