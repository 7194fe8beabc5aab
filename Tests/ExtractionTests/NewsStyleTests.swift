import AttacheModels
import AttacheTesting
import Testing

@testable import Extraction

/// Longer sentences in the style of agency reports, each checked for everything it says.
@Suite struct NewsStyle {
    @Test func hyphenatedPairGrowthAndAmount() {
        let article = Fixtures.article(
            "The Kazakh-German trade turnover grew by 15.3% year-on-year and reached $3.1 billion in 2023.",
            date: "2024-03-01")
        let e = Fixtures.extractor.extract(article)
        #expect(
            e.figures.contains { !$0.derived && $0.partner == "DE" && $0.amount == 3.1e9 && $0.period == .year(2023) })
        #expect(e.changes.first?.percent == 15.3)
        #expect(e.changes.first?.from == .year(2022))
        #expect(e.deltas(article: article).first?.basis == .implied)
    }

    @Test func abbreviatedScaleAtTheEndOfASentence() {
        let e = Fixtures.extract(
            "During January-May 2024, mutual trade between Kazakhstan and Uzbekistan amounted to $1.7 bln.",
            date: "2024-07-01")
        #expect(e.figures.first?.text == "$1.7 bln")
        #expect(e.figures.first?.period.label == "2024-01..2024-05")
        #expect(e.figures.first?.partner == "UZ")
    }

    @Test func sourceAttributionDoesNotConfuse() {
        let e = Fixtures.extract(
            "According to the Bureau of National Statistics, in 2023 the volume of trade between Kazakhstan and Türkiye made up USD 6.4 billion.",
            date: "2024-03-01")
        #expect(e.figures.count == 1)
        #expect(e.figures.first?.partner == "TR")
        #expect(e.figures.first?.amount == 6.4e9)
    }

    @Test func pastYearsOfInvestmentByAdjective() {
        let e = Fixtures.extract(
            "Over the past 5 years, Dutch investors have invested more than $30 billion in the economy of Kazakhstan.",
            date: "2024-03-01")
        let f = e.figures.first
        #expect(f?.metric == .investment)
        #expect(f?.partner == "NL")
        #expect(f?.direction == .inbound)
        #expect(f?.qualifier == .atLeast)
        // "Over the past N years" is read like "since (publication year − N)", up to publication:
        // the genre's convention (and the development corpus's). We first read it as the N
        // calendar years before publication; that was our own choice, not a contract.
        #expect(f?.period.start == Day(year: 2019, month: 1, day: 1))
        #expect(f?.period.end == Day(year: 2024, month: 3, day: 1))
    }

    @Test func quarterWithSamePeriodComparison() {
        let article = Fixtures.article(
            "Kazakhstan exported goods worth $2.1 billion to Italy in the first quarter of 2024, an increase of 12% compared to the same period of last year.",
            date: "2024-05-01")
        let e = Fixtures.extractor.extract(article)
        #expect(e.changes.first?.from.label == "2023-01..2023-03")
        #expect(e.changes.first?.to.label == "2024-01..2024-03")
        let d = e.deltas(article: article)
        #expect(d.count == 1)
        #expect(d.first?.from.amount == 1_875_000_000)
    }

    @Test func fdiWithSpacedDollarSign() {
        let e = Fixtures.extract(
            "Gross inflow of FDI from the Netherlands to Kazakhstan reached $ 5.2 billion in 2023.", date: "2024-03-01")
        #expect(e.figures.first?.metric == .fdiInflow)
        #expect(e.figures.first?.partner == "NL")
        #expect(e.figures.first?.direction == .inbound)
        #expect(e.figures.first?.text == "$ 5.2 billion")
    }

    @Test func anniversaryThisYearAtTheEnd() {
        let a = Fixtures.extract(
            "Kazakhstan and Hungary celebrate the 30th anniversary of the establishment of diplomatic relations this year.",
            date: "2022-03-01"
        ).anniversaries
        #expect(a.first?.subject == "diplomatic relations between Kazakhstan and Hungary")
        #expect(a.first?.baseYear == 1992)
    }

    @Test func organisationMarksItsAnniversaryOnADay() {
        let a = Fixtures.extract(
            "The Assembly of People of Kazakhstan marks its 30th anniversary on March 1.", date: "2025-02-20"
        ).anniversaries
        #expect(a.first?.kind == .founding)
        #expect(a.first?.subject == "Assembly of People of Kazakhstan")
        #expect(a.first?.baseDate == Day(year: 1995, month: 3, day: 1))
        #expect(a.first?.onPublicationDay == false)
        #expect(a.first?.next.date == Day(year: 2030, month: 3, day: 1))
    }

    @Test func establishedOnADateWithoutOrdinalIsNoAnniversary() {
        #expect(
            Fixtures.extract("On January 3, 1992, Kazakhstan and the United States established diplomatic relations.")
                .anniversaries.isEmpty)
    }

    @Test func noPartnerAnywhereMeansNoFigure() {
        #expect(
            Fixtures.extract("Last year, the trade turnover reached 560 million US dollars.", date: "2024-03-01")
                .figures.isEmpty)
    }

    @Test func recordWordDoesNotBlock() {
        let e = Fixtures.extract(
            "Kazakhstan's trade with the EU reached a record $48.8 billion in 2023.", date: "2024-03-01")
        #expect(e.figures.first?.partner == "EU")
        #expect(e.figures.first?.amount == 48.8e9)
    }

    @Test func sameAnniversaryAcrossArticlesHasOneKey() {
        let a = Fixtures.extract(
            "Kazakhstan and Germany mark the 30th anniversary of diplomatic relations.", date: "2022-02-11"
        ).anniversaries.first
        let b = Fixtures.extract(
            "Thirty-one years ago Germany and Kazakhstan established diplomatic relations.", date: "2023-02-11"
        ).anniversaries.first
        #expect(a != nil && b != nil)
        #expect(a?.id == b?.id)
    }
}
