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
            switch Poison.decode(TradeObservation.self, from: message) {
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
        logger.warning("rejected \(Poison.location(message)): \(rejection.detail)")
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

/// Rebuilds the ledger of some partitions by reading the same partitions of
/// `attache.ledger` from the beginning to their end (the high watermark when the read
/// starts). Read committed: entries of aborted transactions are not restored.
public struct LedgerRestorer: Sendable {
    public var config: KafkaConfig
    public var topic: String
    public var groupID: String
    public var metrics: Metrics
    public var logger: Logger
    /// How long a restore waits without any entry before the end is reached, then fails.
    public var idleLimit: Duration = .seconds(10)
    /// Asked between polls: true when the restore must give up (shutdown).
    public var stop: (@Sendable () -> Bool)?

    public init(config: KafkaConfig, topic: String, groupID: String, metrics: Metrics, logger: Logger) {
        self.config = config
        self.topic = topic
        self.groupID = groupID
        self.metrics = metrics
        self.logger = logger
    }

    /// What a restore found.
    public struct Result: Sendable {
        var partitions: [Int32: PartitionLedger]
        /// Ledger entries read.
        public var entries: Int
        /// Entries that could not be read, with the records they came from.
        var rejections: [(Rejection, KafkaMessage)] = []
        public var seconds: Double
        /// Builds every restored series' ledger (otherwise built on first use) and returns
        /// how many deltas they hold and how long that took (for tools and benchmarks).
        public mutating func materialize() -> (deltas: Int, seconds: Double) {
            let started = ContinuousClock.now
            for key in Array(partitions.keys) { partitions[key]!.materialize() }
            let seconds = started.duration(to: .now).seconds
            return (partitions.values.reduce(0) { $0 + $1.deltaCount }, seconds)
        }
    }

    /// Restores `partitions` (numbers of `trade.observations` = numbers of `attache.ledger`).
    public func restore(partitions numbers: [Int32]) async throws -> Result {
        let started = ContinuousClock.now
        var states: [Int32: PartitionLedger] = [:]
        for number in numbers { states[number] = PartitionLedger() }
        var entries = 0
        var rejections: [(Rejection, KafkaMessage)] = []
        if !numbers.isEmpty {
            // The consumer never joins its group nor commits: it only reads assigned partitions.
            let consumer = try KafkaConsumer(config: config, groupID: groupID, readCommitted: true, logger: logger)
            defer { inBackground { consumer.close() } }
            let topic = topic
            var ends: [Int32: Int64] = try await offCooperativePool {
                var ends: [Int32: Int64] = [:]
                for number in numbers {
                    let (low, high) = try consumer.watermarks(topic: topic, partition: number)
                    if high > low { ends[number] = high }
                }
                return ends
            }
            try consumer.assign(
                ends.keys.sorted().map {
                    TopicPartitionOffset(topic: topic, partition: $0, offset: KafkaOffset.beginning)
                })
            var idleSince = ContinuousClock.now
            while !ends.isEmpty {
                let batch = try await consumer.poll(max: 2_000, timeoutMs: 100)
                for message in batch {
                    entries += 1
                    if message.value != nil {
                        switch Poison.decode(LedgerEntry.self, from: message) {
                        case .success(let entry):
                            states[message.partition, default: PartitionLedger()].restore(entry.observation)
                        case .failure(let rejection):
                            // Not state: rejected (again at each restore, with the same key
                            // and value) and left out.
                            logger.warning(
                                "ledger entry at \(Poison.location(message)) cannot be restored, rejected: \(rejection.detail)"
                            )
                            metrics.increment(
                                EnrichmentMetrics.rejectedTotal,
                                labels: ["topic": message.topic, "reason": rejection.reason])
                            rejections.append((rejection, message))
                        }
                    }
                    if let end = ends[message.partition], message.nextOffset >= end { ends[message.partition] = nil }
                }
                if batch.isEmpty {
                    // Transaction markers take offsets but are never handed out: a partition
                    // whose position passed its end is done.
                    for position in consumer.assignment() where position.offset >= 0 {
                        if let end = ends[position.partition], position.offset >= end { ends[position.partition] = nil }
                    }
                    if idleSince.duration(to: .now) > idleLimit {
                        // Never continue with part of the state: the stage stays not ready
                        // and restores again.
                        throw RestoreIncomplete(
                            description:
                                "restoring \(topic): no entries for \(idleLimit) before the high watermarks taken at assignment (partitions \(ends.keys.sorted()) unfinished); not ready, restoring again"
                        )
                    }
                    if let stop, stop() {
                        throw RestoreIncomplete(description: "restoring \(topic): interrupted by shutdown")
                    }
                } else {
                    idleSince = .now
                }
            }
        }
        let seconds = started.duration(to: .now).seconds
        metrics.set(EnrichmentMetrics.restoreSeconds, seconds)
        metrics.observe(EnrichmentMetrics.restoreDurationSeconds, seconds)
        metrics.set(EnrichmentMetrics.restoredEntries, Double(entries))
        logger.info(
            "restored the series ledger of \(topic) partitions \(numbers.sorted()): \(entries) entries in \(String(format: "%.3f", seconds)) s"
        )
        return Result(partitions: states, entries: entries, rejections: rejections, seconds: seconds)
    }
}
