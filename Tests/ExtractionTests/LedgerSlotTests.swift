import AttacheModels
import Testing

@testable import Extraction

/// The ledger's slots (issue 12): one observation per (series, period), deltas updated
/// incrementally, undo, and restore giving the same deltas as live observation.
@Suite struct LedgerSlots {
    let series = Series(metric: .tradeTurnover, reporter: "KZ", partner: "DE", currency: "USD")

    func obs(_ article: String, _ date: String, _ year: Int, _ amount: Double, derived: Bool = false)
        -> TradeObservation
    {
        TradeObservation(
            article: article, published: Day(iso: date)!,
            figure: Figure(
                metric: .tradeTurnover, reporter: "KZ", partner: "DE", period: .year(year), amount: amount,
                currency: "USD", derived: derived, span: TextSpan(start: 0, end: 1), text: "x"))
    }

    func change(_ article: String, _ from: Int, _ to: Int, percent: Double) -> TradeObservation {
        TradeObservation(
            article: article, published: Day(iso: "2024-01-01")!,
            change: StatedChange(
                series: series, from: .year(from), to: .year(to), percent: percent,
                span: TextSpan(start: 0, end: 1), text: "x"))
    }

    /// Many articles about the same few periods: the ledger holds one observation per slot.
    @Test func memoryIsBoundedBySlotsNotArticles() {
        var ledger = SeriesLedger()
        for n in 0..<3_000 {
            _ = ledger.observe(
                obs("article-\(n)", "2024-01-\(String(format: "%02d", 1 + n % 28))", 2015 + n % 10, Double(100 + n)))
        }
        for n in 0..<500 { _ = ledger.observe(change("change-\(n)", 2019, 2020, percent: Double(n % 50))) }
        #expect(ledger.allObservations.count == 11)
        #expect(Set(ledger.allObservations.map(\.ledgerSlot)).count == 11)
        #expect(ledger.deltas(for: series).count == 9)
    }

    /// Every observation order, live or restored then materialized, gives the same deltas as
    /// the others, and a worse observation after a better one changes nothing.
    @Test func restoreGivesTheLiveDeltas() {
        let observations = [
            obs("a", "2024-01-10", 2021, 100), obs("b", "2024-01-11", 2022, 120), obs("c", "2024-02-01", 2022, 125),
            obs("d", "2023-01-01", 2022, 999), obs("e", "2024-03-01", 2023, 150, derived: true),
            obs("f", "2024-03-02", 2023, 155), change("g", 2021, 2022, percent: 20),
            change("h", 2023, 2024, percent: 10),
        ]
        var live = SeriesLedger()
        for o in observations { _ = live.observe(o) }
        for order in [observations.reversed(), observations.shuffled(), observations.shuffled()] {
            var other = SeriesLedger()
            for o in order { _ = other.observe(o) }
            #expect(other.allDeltas == live.allDeltas)
            var restored = SeriesLedger()
            for o in order { restored.restore(o) }
            #expect(restored.allDeltas == live.allDeltas)
            restored.materialize()
            #expect(restored.allDeltas == live.allDeltas)
            // A restore from what the changelog holds (the best per slot) is the same again.
            var fromChangelog = SeriesLedger()
            for o in live.allObservations { fromChangelog.restore(o) }
            #expect(fromChangelog.allDeltas == live.allDeltas)
        }
        #expect(live.observe(obs("d", "2023-01-01", 2022, 999)).isEmpty)
        #expect(live.record(obs("z", "2020-01-01", 2022, 1)) == nil, "a worse observation changes nothing")
    }

    /// `undo` takes a `record` back exactly, deltas included.
    @Test func undoTakesARecordBack() {
        var ledger = SeriesLedger()
        _ = ledger.observe(obs("a", "2024-01-10", 2021, 100))
        _ = ledger.observe(obs("c", "2024-01-12", 2023, 150))
        let before = ledger.allDeltas
        let slotsBefore = ledger.allObservations
        let late = ledger.record(obs("b", "2024-01-11", 2022, 120))
        #expect(late?.deltas.count == 2)
        let better = ledger.record(obs("x", "2024-05-01", 2022, 130))
        #expect(better?.deltas.count == 2)
        ledger.undo(better!.undo)
        ledger.undo(late!.undo)
        #expect(ledger.allDeltas == before)
        #expect(ledger.allObservations == slotsBefore)
        // And it can be recorded again.
        #expect(ledger.observe(obs("b", "2024-01-11", 2022, 120)).count == 2)
    }
}
