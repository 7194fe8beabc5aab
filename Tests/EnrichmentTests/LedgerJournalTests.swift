import AttacheModels
import Extraction
import Testing

@testable import Enrichment

/// The series ledger's undo journal across several batches in flight (at least once, the
/// next batch is transformed while the previous one is delivered).
@Suite("Series ledger journal")
struct LedgerJournalTests {
    /// Distinct observations of the seeds (different slots), in seed order.
    func observations() throws -> [TradeObservation] {
        var seen = Set<String>()
        return try Seeds.articles().flatMap { Extractor(home: "KZ").extract($0).observations(article: $0) }
            .filter { $0.figure != nil && seen.insert($0.ledgerSlot).inserted }
    }

    @Test("a rollback to an earlier checkpoint takes back every later batch too; settled batches stay")
    func rollbackAcrossBatches() throws {
        let all = try observations()
        try #require(all.count >= 3)
        var ledger = PartitionLedger()
        ledger.begin(1)
        _ = ledger.observe(all[0])
        ledger.begin(2)
        _ = ledger.observe(all[1])
        ledger.begin(3)
        _ = ledger.observe(all[2])
        #expect(ledger.entries.count == 3)
        #expect(ledger.journalCount == 3)
        // Batch 1 delivered: kept for good.
        ledger.settle(1)
        #expect(ledger.journalCount == 2)
        // Batch 2's delivery failed while batch 3 was delivering: both go.
        ledger.rollBack(to: 2)
        #expect(Set(ledger.entries.keys) == [all[0].ledgerSlot])
        #expect(ledger.journalCount == 0)
        // Read again, recorded again (not taken for a duplicate).
        ledger.begin(4)
        let second = ledger.observe(all[1])
        let third = ledger.observe(all[2])
        #expect(second != nil)
        #expect(third != nil)
        ledger.settle(4)
        #expect(ledger.journalCount == 0)
        #expect(ledger.entries.count == 3)
        ledger.rollBack(to: 1)
        #expect(ledger.entries.count == 3, "a settled batch is never rolled back")
    }
}
