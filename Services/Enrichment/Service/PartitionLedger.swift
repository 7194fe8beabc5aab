import AttacheKafka
import AttacheModels
import AttacheRuntime
import Dispatch
import Extraction
import Foundation
import Logging

/// The state of one partition of `trade.observations`: the series ledger of the series it
/// holds, one observation per slot (what `attache.ledger` holds for that partition), and the
/// undo journal of the batches whose output is not delivered yet.
///
/// A restore only fills the slots; the deltas of a series are computed when an observation of
/// that series next arrives (or by `materialize`), so readiness does not wait for them.
struct PartitionLedger: Sendable {
    private var ledger = SeriesLedger()
    /// How to take back what was recorded, oldest first, each with the checkpoint (batch) it
    /// was recorded in: at least once, several batches may be delivering at a time
    /// (`StageRunner+AtLeastOnce.swift`), and a failed one rolls back every later one too.
    private var journal: [(checkpoint: Int, undo: SeriesLedger.Undo)] = []
    /// The checkpoint that what `observe` records now belongs to.
    private var current: Int

    /// An empty ledger whose changes belong to `checkpoint` until the next `begin`.
    init(checkpoint: Int = 0) {
        current = checkpoint
    }

    /// The observations held, by slot (what the changelog holds for this partition).
    var entries: [String: TradeObservation] {
        Dictionary(ledger.allObservations.map { ($0.ledgerSlot, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Records an observation. Nil when it changes nothing (held already, or its slot holds a
    /// better one: an article seen again is not counted twice); else the deltas it changed.
    mutating func observe(_ observation: TradeObservation) -> [TradeDelta]? {
        guard let change = ledger.record(observation) else { return nil }
        journal.append((current, change.undo))
        return change.deltas
    }

    /// Records an observation and hands the deltas it changed to `output` (which encodes
    /// them); when `output` throws, the ledger is left exactly as it was, so that no state
    /// changes without its output. Nil when the observation changes nothing.
    mutating func observe<Output>(
        _ observation: TradeObservation,
        output: ([TradeDelta]) throws -> Output
    ) throws -> Output? {
        guard let change = ledger.record(observation) else { return nil }
        do {
            let result = try output(change.deltas)
            journal.append((current, change.undo))
            return result
        } catch {
            ledger.undo(change.undo)
            throw error
        }
    }

    /// Records an observation read from the changelog (no deltas are computed yet).
    mutating func restore(_ observation: TradeObservation) {
        ledger.restore(observation)
    }

    /// What is recorded from now on belongs to `checkpoint` (a new batch starts).
    mutating func begin(_ checkpoint: Int) {
        current = checkpoint
    }

    /// Takes back everything recorded since `checkpoint` began, newest first (a batch whose
    /// output was not delivered, and every batch after it).
    mutating func rollBack(to checkpoint: Int) {
        while let last = journal.last, last.checkpoint >= checkpoint {
            ledger.undo(last.undo)
            journal.removeLast()
        }
    }

    /// Keeps for good what was recorded up to and including `checkpoint` (its output is
    /// delivered): no rollback goes back past it.
    mutating func settle(_ checkpoint: Int) {
        guard let first = journal.first, first.checkpoint <= checkpoint else { return }
        journal.removeFirst(journal.firstIndex { $0.checkpoint > checkpoint } ?? journal.count)
    }

    /// Undo steps held (for tests: settled batches leave none).
    var journalCount: Int { journal.count }

    /// Computes the deltas of every restored series.
    mutating func materialize() {
        ledger.materialize()
    }

    /// Every delta held.
    var deltaCount: Int { ledger.deltaCount }
}
