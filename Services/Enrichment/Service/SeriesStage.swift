import AttacheKafka
import AttacheModels
import AttacheRuntime
import Dispatch
import Extraction
import Foundation
import Logging

/// The series stage: `trade.observations` (keyed by series, so one owner per series) →
/// `trade.deltas` (key series id), with the ledger's changelog on `attache.ledger`.
///
/// Co-partitioning: the ledger entry of an observation read from partition P of
/// `trade.observations` is written to partition P of `attache.ledger` (an explicit
/// partition, keyed by the observation's slot for compaction: series and period). Both
/// topics must therefore have the same partition count; the stage checks this at start. On
/// assignment of partitions P…, reading exactly partitions P… of `attache.ledger` to their
/// end restores the state of the series this instance now owns.
///
/// Idempotence: an observation the ledger already holds, or whose slot holds a better one, is
/// skipped (no ledger entry, no deltas): a replay writes no new keys or values. Exactly once,
/// the ledger entries and the deltas commit in one transaction. At least once, the deltas are
/// delivered before the ledger entries, so a ledger entry that survives a crash always has
/// its deltas on the topic.
final class SeriesLogic: StageLogic {
    let topics: Topics
    let restorer: LedgerRestorer
    let metrics: Metrics
    let logger: Logger
    private(set) var partitions: [Int32: PartitionLedger] = [:]

    init(topics: Topics, restorer: LedgerRestorer, metrics: Metrics, logger: Logger) {
        self.topics = topics
        self.restorer = restorer
        self.metrics = metrics
        self.logger = logger
    }

    /// Rejections of unreadable ledger entries found by the last restore, sent with the next batch.
    private var restoreRejections: [OutgoingRecord] = []

    func transform(_ batch: [KafkaMessage]) async -> StageOutput {
        // Phase 0: deltas and rejections; phase 1: ledger entries (after their deltas).
        var output = StageOutput(phases: 2)
        if !restoreRejections.isEmpty, !batch.isEmpty {
            output.append(restoreRejections, phase: 0, source: 0)
            restoreRejections = []
        }
        for (index, message) in batch.enumerated() {
            switch PoisonRecord.decode(TradeObservation.self, from: message) {
            case .failure(let rejection):
                reject(message, rejection, into: &output, source: index)
            case .success(let observation):
                let parent = message.header(RecordHeaders.traceparent)?.text
                do {
                    // Every record is encoded before the ledger keeps the observation: a
                    // delta that cannot be written leaves the state as it was.
                    let records: (deltas: [OutgoingRecord], entry: OutgoingRecord)? =
                        try partitions[message.partition, default: PartitionLedger(checkpoint: generation)].observe(
                            observation
                        ) { changed in
                            let ledgerEntry = LedgerEntry(observation: observation)
                            var entry = try OutgoingRecord.json(
                                topic: topics.ledger, key: ledgerEntry.key, value: ledgerEntry,
                                traceparent: TraceContext.child(of: parent))
                            entry.partition = message.partition
                            let deltas = try changed.map { delta in
                                try OutgoingRecord.json(
                                    topic: topics.deltas, key: delta.series.id, value: delta,
                                    traceparent: TraceContext.child(of: parent))
                            }
                            return (deltas, entry)
                        }
                    guard let records else {
                        metrics.increment(EnrichmentMetrics.observationsSkippedTotal)
                        continue
                    }
                    output.append(records.deltas, phase: 0, source: index)
                    output.append([records.entry], phase: 1, source: index)
                } catch {
                    reject(message, Poison.unencodable(message, error), into: &output, source: index)
                }
            }
        }
        return output
    }

    private func reject(_ message: KafkaMessage, _ rejection: Rejection, into output: inout StageOutput, source: Int) {
        logger.warning("rejected \(PoisonRecord.location(message)): \(rejection.detail)")
        metrics.increment(
            EnrichmentMetrics.rejectedTotal, labels: ["topic": message.topic, "reason": rejection.reason])
        // A rejection holds only text and a clamped instant: it always encodes.
        if let record = try? Poison.record(rejection, topic: topics.rejected, cause: message) {
            output.append([record], phase: 0, source: source)
        }
    }

    /// The last checkpoint taken; each batch's changes are journalled under its checkpoint.
    private var generation = 0

    /// The state before a batch: a number the ledgers' undo journals tag its changes with
    /// (copying the ledgers instead cost a copy of every touched series per batch). Earlier
    /// batches may still be delivering; their journals stay until they are settled.
    func checkpoint() -> Int {
        generation += 1
        for key in Array(partitions.keys) { partitions[key]!.begin(generation) }
        return generation
    }

    func rollback(to checkpoint: Int) {
        for key in Array(partitions.keys) { partitions[key]!.rollBack(to: checkpoint) }
    }

    func settle(_ checkpoint: Int) {
        for key in Array(partitions.keys) { partitions[key]!.settle(checkpoint) }
    }

    func assigned(_ assignment: [TopicPartitionOffset]) async throws {
        let numbers = assignment.filter { $0.topic == topics.observations }.map(\.partition)
        let result = try await restorer.restore(partitions: numbers)
        partitions = result.partitions
        restoreRejections = result.rejections.compactMap { rejection, cause in
            try? Poison.record(rejection, topic: topics.rejected, cause: cause)
        }
    }

    func revoked(_ revoked: [TopicPartitionOffset]) {
        for partition in revoked where partition.topic == topics.observations {
            partitions[partition.partition] = nil
        }
    }
}
