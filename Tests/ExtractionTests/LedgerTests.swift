import AttacheModels
import AttacheTesting
import Testing

@testable import Extraction

func permutations<T>(_ items: [T]) -> [[T]] {
    if items.count <= 1 { return [items] }
    var result: [[T]] = []
    for (i, item) in items.enumerated() {
        var rest = items
        rest.remove(at: i)
        for p in permutations(rest) { result.append([item] + p) }
    }
    return result
}

@Suite struct LedgerBehaviour {
    let series = Series(metric: .tradeTurnover, reporter: "KZ", partner: "DE", currency: "USD")

    func figure(_ period: Period, _ amount: Double, derived: Bool = false) -> Figure {
        Figure(
            metric: .tradeTurnover, reporter: "KZ", partner: "DE", period: period, amount: amount, currency: "USD",
            derived: derived, span: TextSpan(start: 0, end: 1), text: "x")
    }

    func obs(_ article: String, _ date: String, _ f: Figure) -> TradeObservation {
        TradeObservation(article: article, published: Day(iso: date)!, figure: f)
    }

    func change(_ from: Period, _ to: Period, percent: Double? = nil, ratio: Double? = nil) -> StatedChange {
        StatedChange(
            series: series, from: from, to: to, percent: percent, ratio: ratio, span: TextSpan(start: 0, end: 1),
            text: "x")
    }

    @Test func everyPermutationOfTheSeedsGivesTheSameDeltas() {
        let extractor = Extractor()
        let perArticle = Fixtures.allSeeds.map { a in extractor.extract(a).observations(article: a) }
        #expect(perArticle.count == 5)
        let orders = permutations(Array(perArticle.indices))
        #expect(orders.count == 120)
        var reference: [TradeDelta]?
        var referenceEmitted: Set<TradeDelta>?
        for order in orders {
            var ledger = SeriesLedger()
            var emitted: [String: TradeDelta] = [:]
            for i in order { for o in perArticle[i] { for d in ledger.observe(o) { emitted[d.id] = d } } }
            let all = ledger.allDeltas
            if let reference { #expect(all == reference) } else { reference = all }
            // The last value emitted for each delta id is its final value.
            let last = Set(emitted.values)
            if let referenceEmitted { #expect(last == referenceEmitted) } else { referenceEmitted = last }
            #expect(last == Set(all))
        }
        #expect((reference?.count ?? 0) >= 5)
    }

    @Test func lateObservationYieldsBothSides() {
        var ledger = SeriesLedger()
        #expect(ledger.observe(obs("a", "2024-01-10", figure(.year(2021), 100))).isEmpty)
        #expect(ledger.observe(obs("c", "2024-01-12", figure(.year(2023), 150))).isEmpty)
        let late = ledger.observe(obs("b", "2024-01-11", figure(.year(2022), 120)))
        #expect(late.count == 2)
        #expect(late.map(\.from.period) == [.year(2021), .year(2022)])
        #expect(late[0].percent == 20)
        #expect(late[1].percent == 25)
        #expect(late[0].articles == ["a", "b"])
    }

    @Test func observingTheSameThingTwiceReturnsNothing() {
        var ledger = SeriesLedger()
        _ = ledger.observe(obs("a", "2024-01-10", figure(.year(2021), 100)))
        let first = ledger.observe(obs("b", "2024-01-10", figure(.year(2022), 110)))
        #expect(first.count == 1)
        #expect(ledger.observe(obs("b", "2024-01-10", figure(.year(2022), 110))).isEmpty)
        // The same key with a new value is a change.
        let revised = ledger.observe(obs("b", "2024-01-10", figure(.year(2022), 130)))
        #expect(revised.count == 1)
        #expect(revised.first?.to.amount == 130)
    }

    @Test func statedBeatsDerivedAndLaterBeatsEarlier() {
        var ledger = SeriesLedger()
        _ = ledger.observe(obs("a", "2024-01-10", figure(.year(2023), 200)))
        _ = ledger.observe(obs("x", "2024-03-01", figure(.year(2022), 150, derived: true)))
        #expect(ledger.deltas(for: series).first?.from.amount == 150)
        #expect(ledger.deltas(for: series).first?.basis == .implied)
        _ = ledger.observe(obs("y", "2023-01-01", figure(.year(2022), 160)))
        #expect(ledger.deltas(for: series).first?.from.amount == 160)
        #expect(ledger.deltas(for: series).first?.basis == .computed)
        _ = ledger.observe(obs("z", "2024-06-01", figure(.year(2022), 170)))
        #expect(ledger.deltas(for: series).first?.from.amount == 170)
        #expect(ledger.deltas(for: series).first?.articles == ["a", "z"])
    }

    @Test func neverBetweenIncomparableOrDistantPeriods() {
        var ledger = SeriesLedger()
        _ = ledger.observe(obs("a", "2025-10-01", figure(Period.months(1, 8, of: 2025)!, 10)))
        _ = ledger.observe(obs("a", "2025-10-01", figure(.year(2024), 20)))
        _ = ledger.observe(obs("b", "2025-10-01", figure(.year(2022), 5)))
        #expect(ledger.allDeltas.isEmpty)
        _ = ledger.observe(obs("c", "2025-10-02", figure(Period.months(1, 8, of: 2024)!, 8)))
        #expect(ledger.allDeltas.count == 1)
        #expect(ledger.allDeltas.first?.from.period.label == "2024-01..2024-08")
    }

    @Test func statedChangeAloneAndThenWithAFigure() {
        var ledger = SeriesLedger()
        let stated = ledger.observe(
            TradeObservation(
                article: "a", published: Day(iso: "2023-06-30")!, change: change(.year(2021), .year(2022), ratio: 2.5)))
        #expect(stated.count == 1)
        #expect(stated.first?.basis == .stated)
        #expect(stated.first?.from.amount == nil)
        #expect(stated.first?.percent == 150)
        // A figure from another article for 2022 implies 2021.
        let implied = ledger.observe(obs("b", "2023-07-01", figure(.year(2022), 500)))
        #expect(implied.count == 1)
        #expect(implied.first?.basis == .implied)
        #expect(implied.first?.from.amount == 200)
        #expect(implied.first?.articles == ["a", "b"])
        // Both ends stated: computed, checked against the change.
        let computed = ledger.observe(obs("c", "2023-07-02", figure(.year(2021), 100)))
        #expect(computed.first?.basis == .computed)
        #expect(computed.first?.consistent == false)
        #expect(computed.first?.ratio == 5)
    }

    @Test func toleranceFollowsQualifiers() {
        let c = change(.year(2021), .year(2022), ratio: 2.5)
        #expect(Tolerance.agrees(change: c, from: 100, to: 252))
        #expect(!Tolerance.agrees(change: c, from: 100, to: 270))
        var nearly = c
        nearly.qualifier = .approximately
        #expect(Tolerance.agrees(change: nearly, from: 100, to: 270))
        var over = change(.year(2021), .year(2022), percent: 20)
        over.qualifier = .atLeast
        #expect(Tolerance.agrees(change: over, from: 100, to: 160))
        #expect(!Tolerance.agrees(change: over, from: 100, to: 110))
    }

    @Test func allDeltasAreSortedDeterministically() {
        var ledger = SeriesLedger()
        let other = Series(metric: .exports, reporter: "KZ", partner: "DE", currency: "USD")
        for y in [2023, 2021, 2022] {
            _ = ledger.observe(obs("a\(y)", "2024-01-01", figure(.year(y), Double(y))))
            _ = ledger.observe(
                TradeObservation(
                    article: "b\(y)", published: Day(iso: "2024-01-01")!,
                    figure: Figure(
                        metric: .exports, reporter: "KZ", partner: "DE", period: .year(y), amount: 1,
                        currency: "USD", span: TextSpan(start: 0, end: 0), text: "")))
        }
        let ids = ledger.allDeltas.map { "\($0.series.id) \($0.from.period.label)" }
        #expect(
            ids == [
                "exports:KZ:DE:USD 2021", "exports:KZ:DE:USD 2022", "trade_turnover:KZ:DE:USD 2021",
                "trade_turnover:KZ:DE:USD 2022",
            ])
        #expect(ledger.deltas(for: other).count == 2)
    }
}

@Suite struct Encoding {
    @Test func amountsEncodeAsPlainNumbers() throws {
        let article = Fixtures.seed("002")
        let e = Extractor().extract(article)
        let json = try AttacheJSON.line(e.deltas(article: article))
        #expect(json.contains("\"absolute\":96000000"))
        #expect(json.contains("\"amount\":520500000"))
        #expect(!json.contains("e+"))
        let figures = try AttacheJSON.line(e.figures)
        #expect(figures.contains("\"amount\":-19463500"))
        #expect(figures.contains("\"label\":\"2025-01..2025-08\""))
    }

    @Test func balancesOfTwoYearsGiveAComputedDelta() {
        let article = Fixtures.article(
            "In 2023 exports to Spain reached $900 million and imports amounted to $300 million. In 2022 exports to Spain reached $800 million and imports amounted to $400 million."
        )
        let d = Extractor().extract(article).deltas(article: article)
        let balance = d.first { $0.series.metric == .tradeBalance }
        #expect(balance?.basis == .computed)
        #expect(balance?.from.amount == 400_000_000)
        #expect(balance?.to.amount == 600_000_000)
        #expect(balance?.percent == 50)
        #expect(d.count == 3)
    }
}
