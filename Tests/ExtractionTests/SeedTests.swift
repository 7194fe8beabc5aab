import AttacheModels
import AttacheTesting
import Testing

@testable import Extraction

/// docs/architecture.md §7, one test per row.
@Suite struct SeedExpectations {
    let extractor = Extractor(home: "KZ")

    func close(_ a: Double?, _ b: Double, _ tolerance: Double = 0.05) -> Bool {
        guard let a else { return false }
        return abs(a - b) <= tolerance
    }

    @Test func seed000LuxembourgFDIRatioAndAnniversary() throws {
        let article = Fixtures.seed("000")
        #expect(article.published.description == "2023-06-30")
        let e = extractor.extract(article)
        // FDI inflow from Luxembourg 2022 = 202,500,000 USD.
        let fdi = try #require(e.figures.first { $0.metric == .fdiInflow && !$0.derived })
        #expect(fdi.amount == 202_500_000)
        #expect(fdi.currency == "USD")
        #expect(fdi.reporter == "KZ")
        #expect(fdi.partner == "LU")
        #expect(fdi.direction == .inbound)
        #expect(fdi.period == .year(2022))
        #expect(fdi.text == "$202.5 million")
        #expect(article.text.text(in: fdi.span) == fdi.text)
        // Trade turnover 2022 ≈ 2.5 times 2021.
        let change = try #require(e.changes.first { $0.from == .year(2021) && $0.to == .year(2022) })
        #expect(change.series == Series(metric: .tradeTurnover, reporter: "KZ", partner: "LU", currency: "USD"))
        #expect(change.ratio == 2.5)
        #expect(change.qualifier == .approximately)
        // The within-article delta: stated, amounts null.
        let deltas = e.deltas(article: article)
        let stated = try #require(deltas.first { $0.series.metric == .tradeTurnover && $0.from.period == .year(2021) })
        #expect(stated.basis == .stated)
        #expect(stated.from.amount == nil)
        #expect(stated.to.amount == nil)
        #expect(stated.ratio == 2.5)
        #expect(stated.articles == [article.id])
        // 31st anniversary of KZ–LU diplomatic relations → base 1992; the 77th session is none.
        #expect(e.anniversaries.count == 1)
        let a = try #require(e.anniversaries.first)
        #expect(a.kind == .diplomaticRelations)
        #expect(a.subject == "diplomatic relations between Kazakhstan and Luxembourg")
        #expect(a.parties == ["KZ", "LU"])
        #expect(a.ordinal == 31)
        #expect(a.baseYear == 1992)
        #expect(a.year == 2023)
        #expect(!e.anniversaries.contains { $0.ordinal == 77 })
        #expect(!e.figures.contains { $0.amount == 21 })
    }

    @Test func seed001YearsAgoOnPublicationDay() throws {
        let article = Fixtures.seed("001")
        let e = extractor.extract(article)
        #expect(e.anniversaries.count == 1)
        let a = try #require(e.anniversaries.first)
        #expect(a.kind == .diplomaticRelations)
        #expect(a.ordinal == 31)
        #expect(a.baseYear == 1992)
        #expect(a.baseDate == Day(year: 1992, month: 6, day: 29))
        #expect(a.onPublicationDay)
        #expect(a.next == Milestone(ordinal: 35, year: 2027, date: Day(year: 2027, month: 6, day: 29)))
        #expect(e.figures.isEmpty)
    }

    @Test func seed002LuxembourgFiguresDeltaAndAgreement() throws {
        let article = Fixtures.seed("002")
        let e = extractor.extract(article)
        func figure(_ metric: Metric, _ label: String, derived: Bool = false) -> Figure? {
            e.figures.first { $0.metric == metric && $0.period.label == label && $0.derived == derived }
        }
        let partial = try #require(figure(.tradeTurnover, "2025-01..2025-08"))
        #expect(partial.amount == 13_600_000)
        #expect(partial.period.start == Day(year: 2025, month: 1, day: 1))
        #expect(partial.period.end == Day(year: 2025, month: 8, day: 31))
        #expect(partial.partner == "LU")
        #expect(figure(.tradeTurnover, "2024")?.amount == 19_540_000)
        #expect(figure(.exports, "2024")?.amount == 36_500)
        #expect(figure(.exports, "2024")?.currency == "USD")
        #expect(figure(.imports, "2024")?.amount == 19_500_000)
        let balance = try #require(figure(.tradeBalance, "2024", derived: true))
        #expect(balance.amount == -19_463_500)
        let fdi2024 = try #require(figure(.fdiInflow, "2024"))
        #expect(fdi2024.amount == 520_500_000)
        #expect(fdi2024.direction == .inbound)
        #expect(figure(.fdiInflow, "2023")?.amount == 424_500_000)
        // Cumulative 2005..2025-06 = 3.5 B (metric `investment`: the text says "investments", not "direct").
        let cumulative = try #require(figure(.investment, "2005-01..2025-06"))
        #expect(cumulative.amount == 3_500_000_000)
        #expect(cumulative.period.start == Day(year: 2005, month: 1, day: 1))
        #expect(cumulative.period.end == Day(year: 2025, month: 6, day: 30))
        // No count is a figure.
        #expect(!e.figures.contains { $0.amount == 178 })
        // FDI 2023 → 2024: +96 M, +22.6 %, computed.
        let deltas = e.deltas(article: article)
        let fdi = try #require(deltas.first { $0.series.metric == .fdiInflow })
        #expect(fdi.from.period == .year(2023))
        #expect(fdi.to.period == .year(2024))
        #expect(fdi.absolute == 96_000_000)
        #expect(close(fdi.percent, 22.6))
        #expect(fdi.basis == .computed)
        #expect(fdi.consistent)
        // No delta between Jan–Aug 2025 and 2024.
        #expect(!deltas.contains { $0.series.metric == .tradeTurnover })
        #expect(deltas.count == 1)
        // 10th anniversary of the EU–KZ Enhanced Partnership and Cooperation Agreement → 2015.
        let a = try #require(e.anniversaries.first)
        #expect(e.anniversaries.count == 1)
        #expect(a.kind == .agreement)
        #expect(a.subject.contains("Enhanced Partnership and Cooperation Agreement"))
        #expect(Set(a.parties) == ["KZ", "EU"])
        #expect(a.ordinal == 10)
        #expect(a.baseYear == 2015)
        #expect(!e.anniversaries.contains { $0.ordinal == 80 })
    }

    @Test func seed003ThirtiethAnniversaryAndAbai() throws {
        let article = Fixtures.seed("003")
        let e = extractor.extract(article)
        #expect(e.anniversaries.count == 2)
        let relations = try #require(e.anniversaries.first { $0.kind == .diplomaticRelations })
        #expect(relations.ordinal == 30)
        #expect(relations.baseYear == 1992)
        #expect(relations.baseDate == Day(year: 1992, month: 6, day: 29))
        #expect(relations.onPublicationDay)
        #expect(relations.parties == ["KZ", "LU"])
        let abai = try #require(e.anniversaries.first { $0.ordinal == 175 })
        #expect(abai.kind == .birth)
        #expect(abai.subject == "Abai Kunanbayev")
        #expect(abai.year == 2020)
        #expect(abai.baseYear == 1845)
        #expect(!abai.onPublicationDay)
    }

    @Test func seed004EUTurnoverInvestmentAndThirtyYears() throws {
        let article = Fixtures.seed("004")
        let e = extractor.extract(article)
        func figure(_ metric: Metric, _ year: Int, derived: Bool = false) -> Figure? {
            e.figures.first { $0.metric == metric && $0.period == .year(year) && $0.derived == derived }
        }
        let turnover = try #require(figure(.tradeTurnover, 2022))
        #expect(turnover.amount == 39_900_000_000)
        #expect(turnover.partner == "EU")
        #expect(turnover.reporter == "KZ")
        let change = try #require(e.changes.first { $0.series.metric == .tradeTurnover })
        #expect(change.percent == 38)
        #expect(change.from == .year(2021))
        let implied2021 = try #require(figure(.tradeTurnover, 2021, derived: true))
        #expect(abs(implied2021.amount - 28_913_043_478) < 1)
        #expect(figure(.exports, 2022)?.amount == 32_300_000_000)
        #expect(figure(.imports, 2022)?.amount == 7_600_000_000)
        #expect(figure(.tradeBalance, 2022, derived: true)?.amount == 24_700_000_000)
        let investment = try #require(figure(.investment, 2022))
        #expect(investment.amount == 12_500_000_000)
        #expect(investment.partner == "EU")
        #expect(investment.direction == .inbound)
        let impliedInvestment = try #require(figure(.investment, 2021, derived: true))
        #expect(abs(impliedInvestment.amount - 10_162_601_626) < 1)
        // "more than 30% of Kazakhstan's foreign trade" is a share, not a figure or change.
        #expect(!e.changes.contains { $0.percent == 30 })
        // Both within-article deltas are implied.
        let deltas = e.deltas(article: article)
        let t = try #require(deltas.first { $0.series.metric == .tradeTurnover })
        #expect(t.basis == .implied)
        #expect(close(t.percent, 38))
        #expect(t.to.amount == 39_900_000_000)
        let i = try #require(deltas.first { $0.series.metric == .investment })
        #expect(i.basis == .implied)
        #expect(close(i.percent, 23))
        #expect(deltas.count == 2)
        // 30 years of EU–KZ diplomatic relations → base 1993.
        let a = try #require(e.anniversaries.first)
        #expect(e.anniversaries.count == 1)
        #expect(a.kind == .diplomaticRelations)
        #expect(a.subject == "diplomatic relations between Kazakhstan and the European Union")
        #expect(a.baseYear == 1993)
        // "the orders of Dostyk of first and second degree" are no anniversaries.
        #expect(!e.anniversaries.contains { $0.ordinal == 1 || $0.ordinal == 2 })
    }

    @Test func acrossSeedsLuxembourgFDI2022To2023() throws {
        var ledger = SeriesLedger()
        for article in Fixtures.allSeeds {
            for o in extractor.extract(article).observations(article: article) { _ = ledger.observe(o) }
        }
        let series = Series(metric: .fdiInflow, reporter: "KZ", partner: "LU", currency: "USD")
        let d = try #require(ledger.deltas(for: series).first { $0.from.period == .year(2022) })
        #expect(d.to.period == .year(2023))
        #expect(d.from.amount == 202_500_000)
        #expect(d.to.amount == 424_500_000)
        #expect(d.absolute == 222_000_000)
        #expect(close(d.percent, 109.6))
        #expect(d.basis == .computed)
        #expect(d.articles == [Fixtures.seed("000").id, Fixtures.seed("002").id].sorted())
        #expect(d.id == StableID.delta(series: series, from: .year(2022), to: .year(2023)))
        #expect(ledger.deltas(for: series).count == 2)
    }

    @Test func sameAnniversaryFromThreeSeedsHasOneID() {
        let ids = ["000", "001"].compactMap { extractor.extract(Fixtures.seed($0)).anniversaries.first?.id }
        let base1992 = extractor.extract(Fixtures.seed("003")).anniversaries.first { $0.kind == .diplomaticRelations }
        #expect(ids.count == 2)
        #expect(Set(ids).count == 1)
        // Seed 003 is the 30th (2022), seed 000/001 the 31st (2023): one founding, one id.
        #expect(base1992?.id == ids.first)
    }

    @Test func noDeltaBetweenIncomparablePeriods() {
        var ledger = SeriesLedger()
        for article in Fixtures.allSeeds {
            for o in extractor.extract(article).observations(article: article) { _ = ledger.observe(o) }
        }
        for d in ledger.allDeltas {
            #expect(d.from.period.isComparable(with: d.to.period))
            #expect(d.from.period.start.year == d.to.period.start.year - 1)
        }
    }

    @Test func curlyAndStraightPunctuationGiveTheSameResults() {
        for article in Fixtures.allSeeds {
            let straight = article.text
                .replacingOccurrences(of: "\u{2019}", with: "'").replacingOccurrences(of: "\u{2018}", with: "'")
                .replacingOccurrences(of: "\u{201C}", with: "\"").replacingOccurrences(of: "\u{201D}", with: "\"")
                .replacingOccurrences(of: "\u{2013}", with: "-").replacingOccurrences(of: "\u{2014}", with: "-")
                .replacingOccurrences(of: "«", with: "\"").replacingOccurrences(of: "»", with: "\"")
            let curly = article.text.replacingOccurrences(of: "'", with: "\u{2019}").replacingOccurrences(
                of: " - ", with: " \u{2013} ")
            let a = extractor.extract(article)
            for variant in [straight, curly] {
                let b = extractor.extract(Fixtures.article(variant, published: article.published))
                #expect(
                    a.figures.map { "\($0.metric) \($0.period.label) \($0.amount) \($0.partner)" }
                        == b.figures.map { "\($0.metric) \($0.period.label) \($0.amount) \($0.partner)" })
                #expect(
                    a.changes.map { "\($0.series.id) \($0.to.label) \($0.percent ?? 0) \($0.ratio ?? 0)" }
                        == b.changes.map { "\($0.series.id) \($0.to.label) \($0.percent ?? 0) \($0.ratio ?? 0)" })
                #expect(a.anniversaries.map(\.id) == b.anniversaries.map(\.id))
            }
        }
    }

    @Test func homeCountryIsConfiguration() throws {
        let article = Fixtures.seed("002")
        let e = Extractor(home: "LU").extract(article)
        let fdi = try #require(e.figures.first { $0.metric == .fdiInflow && $0.period == .year(2024) })
        #expect(fdi.reporter == "LU")
        #expect(fdi.partner == "KZ")
        #expect(fdi.direction == .outbound)
    }
}
