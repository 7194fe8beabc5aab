import AttacheModels
import AttacheTesting
import Testing

@testable import Extraction

/// Paragraph-level context: periods, partners and currencies carried between sentences, and
/// several facts in one sentence. News-style paragraphs written for these tests.
@Suite struct Context {
    func figures(_ text: String, date: String = "2024-05-15") -> [Figure] {
        Fixtures.extract(text, date: date).figures
    }

    @Test func periodAndPartnerCarryToTheNextSentence() {
        let f = figures(
            "In 2023, trade turnover between Kazakhstan and Spain amounted to $1.2 billion. Exports reached $900 million, while imports totaled $300 million."
        )
        #expect(f.filter { !$0.derived }.count == 3)
        #expect(f.allSatisfy { $0.period == .year(2023) && $0.partner == "ES" })
        #expect(f.first { $0.metric == .tradeBalance }?.amount == 600_000_000)
        #expect(f.first { $0.metric == .tradeBalance }?.derived == true)
    }

    @Test func carryStopsAtTheParagraph() {
        let f = figures(
            "In 2023, trade between Kazakhstan and Spain amounted to $1.2 billion.\n\nExports reached $900 million.")
        #expect(f.count == 1)
    }

    @Test func previousYearIsRelativeToTheSentence() {
        let e = Fixtures.extract(
            "In 2021, trade with Poland was $1.5 billion, 10% more than the previous year.", date: "2024-05-15")
        #expect(e.changes.first?.from == .year(2020))
        #expect(e.changes.first?.to == .year(2021))
        #expect(e.figures.contains { $0.derived && $0.period == .year(2020) })
    }

    @Test func lastYearWithoutAnotherYearIsBeforePublication() {
        let e = Fixtures.extract("Last year exports to Poland rose 5%.", date: "2024-05-15")
        #expect(e.changes.first?.to == .year(2023))
        #expect(e.changes.first?.from == .year(2022))
    }

    @Test func comparedWithThePreviousYearGivesTheEarlierFigure() {
        let f = figures("Trade with Poland reached $5 billion in 2023, compared to $4 billion the previous year.")
        #expect(f.contains { $0.period == .year(2022) && $0.amount == 4e9 && !$0.derived })
        #expect(f.contains { $0.period == .year(2023) && $0.amount == 5e9 })
    }

    @Test func twoPartnersInOneSentence() {
        let f = figures(
            "In 2023 trade between Kazakhstan and Germany reached $3 billion, while trade with France was $2 billion.")
        #expect(f.first { $0.amount == 3e9 }?.partner == "DE")
        #expect(f.first { $0.amount == 2e9 }?.partner == "FR")
    }

    @Test func amountInTwoCurrencies() {
        // One figure in the stated currency, carrying its dollar equivalent (never a second
        // figure: the equivalent is the same fact, and series never mix currencies).
        let f = figures("In 2023 trade with Russia amounted to 12 trillion tenge ($26 billion).")
        #expect(f.count == 1)
        #expect(f.first?.currency == "KZT" && f.first?.amount == 12e12 && f.first?.usdAmount == 26e9)
        #expect(f.allSatisfy { $0.period == .year(2023) && $0.metric == .tradeTurnover })
    }

    @Test func figureWithChangeAfterIt() {
        let article = Fixtures.article("In 2023 exports to Italy reached $5 billion, up 25% year-on-year.")
        let e = Fixtures.extractor.extract(article)
        #expect(e.changes.first?.percent == 25)
        #expect(e.figures.contains { $0.derived && $0.period == .year(2022) && $0.amount == 4e9 })
        #expect(e.deltas(article: article).first?.basis == .implied)
    }

    @Test func fallToAnAmount() {
        let e = Fixtures.extract("In 2023 imports from Japan fell by 20% to $4 billion.")
        #expect(e.changes.first?.percent == -20)
        #expect(e.figures.contains { !$0.derived && $0.amount == 4e9 && $0.metric == .imports && $0.partner == "JP" })
        #expect(e.figures.contains { $0.derived && $0.amount == 5e9 })
    }

    @Test func partnerFromTheArticleWhenTheSentenceNamesNone() {
        let text =
            "Kazakhstan and Latvia discussed cooperation in Riga. Latvia is an important partner.\n\nIn 2023 the trade turnover between the parties amounted to $110 million."
        let f = figures(text)
        #expect(f.first?.partner == "LV")
        #expect(f.first?.reporter == "KZ")
    }

    @Test func partialYearWithoutYearBelongsToThePublicationYear() {
        let f = figures("In January-March, trade with Korea amounted to $300 million.", date: "2024-05-15")
        #expect(f.first?.period.label == "2024-01..2024-03")
    }

    @Test func forecastPeriodsAreNoFigures() {
        #expect(figures("Trade with Korea in 2026 amounted to $300 million.", date: "2024-05-15").isEmpty)
    }

    @Test func thisYearChangeComparesWithTheSamePartOfLastYear() {
        let e = Fixtures.extract("This year trade with Latvia increased by 4.5 times.", date: "2023-06-30")
        #expect(e.changes.first?.to.label == "2023-01..2023-06")
        #expect(e.changes.first?.from.label == "2022-01..2022-06")
        #expect(e.changes.first?.ratio == 4.5)
    }
}
