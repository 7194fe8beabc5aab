import AttacheKafka
import AttacheModels
import AttacheRuntime
import Dispatch
import Foundation
import Logging

/// What a stage produces for one batch of input records, in phases: each phase is
/// delivered completely before the next is sent. The series stage uses this so that, at
/// least once, a ledger entry is never delivered without the deltas it caused.
struct StageOutput {
    var phases: [[OutgoingRecord]]
    /// For each record of each phase, the index in the batch of the input record that
    /// caused it (so that a record that cannot be delivered rejects its input).
    var sources: [[Int]]

    init(phases: Int) {
        self.phases = Array(repeating: [], count: phases)
        self.sources = Array(repeating: [], count: phases)
    }

    /// Adds `records`, caused by input record `source`, to `phase`.
    mutating func append(_ records: [OutgoingRecord], phase: Int, source: Int) {
        phases[phase] += records
        sources[phase] += Array(repeating: source, count: records.count)
    }

    /// Appends another output whose sources count from `offset`.
    mutating func append(_ other: StageOutput, sourcesFrom offset: Int = 0) {
        for phase in other.phases.indices {
            phases[phase] += other.phases[phase]
            sources[phase] += other.sources[phase].map { $0 + offset }
        }
    }

    var count: Int { phases.reduce(0) { $0 + $1.count } }
}

/// The transformation of one stage (articles, or series), driven by `StageRunner`.
///
/// `StageRunner` calls every method from its own loop, one call at a time, never
/// concurrently, so implementations keep plain mutable state.
protocol StageLogic: AnyObject {
    /// Turns a batch of input records into output records, updating the stage's state.
    func transform(_ batch: [KafkaMessage]) async -> StageOutput
    /// The state before a batch, to roll back to when its output is not committed.
    func checkpoint() -> Any
    /// Forgets what the batches since `checkpoint` did to the state (their transaction was
    /// aborted, or their delivery failed, and the input is read again).
    func rollback(to checkpoint: Any)
    /// The consumer now owns `partitions` (its whole assignment): restore their state.
    func assigned(_ partitions: [TopicPartitionOffset]) async throws
    /// The consumer no longer owns `partitions`: drop their state.
    func revoked(_ partitions: [TopicPartitionOffset])
}

/// Flags shared by the service and its stages: stop after the current batch (graceful), or
/// stop without committing anything (a simulated crash, for tests).
final class StageControl: @unchecked Sendable {
    private let lock = NSLock()
    private var stop = false
    private var crash = false
    private var crashAfterDelivery: Set<String> = []

    func requestStop() { lock.withLock { stop = true } }
    func requestCrash() { lock.withLock { crash = true; stop = true } }
    func requestCrash(afterNextDeliveryOf stage: String) { lock.withLock { _ = crashAfterDelivery.insert(stage) } }

    /// Called by a stage whose output is delivered and not yet committed: true when it
    /// must stop there (a crash armed for it, or requested).
    func crashes(afterDeliveryOf stage: String) -> Bool {
        lock.withLock {
            if crashAfterDelivery.remove(stage) != nil {
                crash = true
                stop = true
            }
            return crash
        }
    }
    var stopRequested: Bool { lock.withLock { stop } }
    var crashRequested: Bool { lock.withLock { crash } }
}

/// Where a stage's output goes: a transactional producer (exactly once), or an idempotent
/// producer whose deliveries are awaited before the input offsets are committed plainly.
enum StageSink {
    case transactional(TransactionalProducer)
    case atLeastOnce(KafkaProducer)

    var producer: KafkaProducer {
        switch self {
        case .transactional(let txn): txn.producer
        case .atLeastOnce(let producer): producer
        }
    }
}

/// A fatal failure of a stage: the service stops, and `/healthz` says why.
struct StageFatalError: Error, CustomStringConvertible {
    var stage: String
    var underlying: any Error
    var description: String { "enrichment \(stage) stage stopped: \(underlying)" }
}

/// The ledger restore could not read its topic up to the high watermarks taken when the
/// partitions were assigned: the stage is not ready, and tries again.
struct RestoreIncomplete: Error, CustomStringConvertible {
    var description: String
}


/// The consume–transform–produce loop of one stage.
///
/// Exactly once: one transaction per polled batch — begin, send the output, send the input
/// offsets to the transaction, commit. The loop never polls while a transaction is open, so
/// when the rebalance hook runs (inside a poll, or in `close`) no transaction is open; the hook
/// still commits (revoked) or aborts (lost) one if it ever finds one. Abortable errors abort,
/// roll the state back and rewind the consumer to its committed offsets; retriable errors
/// retry the call; fatal (fenced) and unclassified errors of the transactional API stop the
/// stage.
///
/// At least once: the output of a batch is delivered (every delivery report awaited), then
/// the input offsets are committed plainly. A failed delivery rolls the state back and
/// rewinds the consumer; the records are processed again, which is harmless because every
/// output is idempotent by key and value.
///
/// A rebalance during a poll discards the polled batch (it may mix records from before and
/// after the new assignment), hands the change to the logic (the series stage restores its
/// ledger there) and rewinds the consumer to the committed offsets of its new assignment.
final class StageRunner: @unchecked Sendable {
    let name: String
    let topic: String
    let consumer: KafkaConsumer
    let sink: StageSink
    let logic: StageLogic
    let control: StageControl
    let shutdown: ShutdownSignal
    let metrics: Metrics
    let logger: Logger
    let maxBatch: Int
    /// Where rejections of input records go.
    let rejectedTopic: String
    /// Called with true once an assignment is applied (state restored), false from a
    /// revocation until the next assignment is applied.
    let onReady: @Sendable (Bool) -> Void

    private let lock = NSLock()
    private var events: [RebalanceEvent] = []
    /// The open transaction, as the rebalance hook sees it.
    private var transaction: OpenTransaction?
    private var lastLagUpdate = ContinuousClock.now - .seconds(10)
    /// At least once: offsets of delivered output whose commit failed (during a rebalance).
    private var uncommitted: [TopicPartitionOffset] = []
    /// A lag sample is being taken.
    private var lagSampling = false
    /// Input records whose output cannot be delivered (a permanent error for that record,
    /// e.g. too large), by `partition:offset`, with the error: when read again they are
    /// rejected instead of transformed.
    private var undeliverable: [String: KafkaError] = [:]
    /// The name under which the stage's uncommitted input is reported.
    var owner: String { "\(consumer.groupID) \(name) stage" }

    private struct OpenTransaction {
        /// The input offsets, once the batch's output is delivered (nil before).
        var offsets: [TopicPartitionOffset]?
        /// Set when the hook ended the transaction: true committed, false aborted.
        var endedByHook: Bool?
    }

    init(name: String, topic: String, consumer: KafkaConsumer, sink: StageSink, logic: StageLogic, control: StageControl,
         shutdown: ShutdownSignal, metrics: Metrics, logger: Logger, maxBatch: Int = 200, rejectedTopic: String,
         onReady: @escaping @Sendable (Bool) -> Void) {
        self.name = name
        self.topic = topic
        self.consumer = consumer
        self.sink = sink
        self.logic = logic
        self.control = control
        self.shutdown = shutdown
        self.metrics = metrics
        self.logger = logger
        self.maxBatch = maxBatch
        self.rejectedTopic = rejectedTopic
        self.onReady = onReady
    }

    private var stopping: Bool { control.stopRequested || shutdown.isRequested }

    /// Runs until shutdown (finishing the batch in hand) or a fatal error (thrown).
    func run() async throws {
        consumer.onRebalance { [weak self] event in self?.rebalance(event) }
        if case .transactional(let txn) = sink {
            do {
                try await retrying("initialise transactions") { () throws(KafkaError) in try await txn.initTransactions() }
            } catch {
                throw StageFatalError(stage: name, underlying: error)
            }
        }
        try consumer.subscribe([topic])
        logger.info("\(name) stage consuming \(topic) as group \(consumer.groupID)")
        var resync = false
        while !stopping {
            do {
                if resync {
                    // After a transient failure: restore the state of the current assignment
                    // again and go back to the committed offsets.
                    let assignment = consumer.assignment().map {
                        TopicPartitionOffset(topic: $0.topic, partition: $0.partition, offset: KafkaOffset.invalid)
                    }
                    try await logic.assigned(assignment)
                    if !assignment.isEmpty { try await consumer.rewindToCommitted() }
                    resync = false
                    onReady(true)
                }
                let batch = try await consumer.poll(max: maxBatch, timeoutMs: 100)
                if try await applyRebalance() { continue }
                await updateLag()
                guard !batch.isEmpty, !control.crashRequested else { continue }
                metrics.increment("attache_enrichment_records_in_total", by: Double(batch.count), labels: ["topic": topic])
                switch sink {
                case .transactional(let txn): try await processTransactional(batch, txn)
                case .atLeastOnce(let producer): try await processAtLeastOnce(batch, producer)
                }
            } catch let error as StageFatalError {
                throw error
            } catch let error as KafkaError where error.kind == .fatal {
                throw fatal(error, "consume")
            } catch where stopping {
                break
            } catch {
                // Transient (a timeout while restoring or rewinding, the cluster briefly
                // unreachable): nothing was committed since the last good batch.
                logger.error("\(name) stage: \(error); restoring and rewinding to the committed offsets in 1 s")
                metrics.increment("attache_enrichment_stage_errors_total", labels: ["stage": name])
                onReady(false)
                resync = true
                try? await Task.sleep(for: .seconds(1))
            }
        }
        let held = UncommittedWork.shared.held(by: owner)
        if !held.isEmpty && !control.crashRequested {
            logger.notice("\(name) stage stopped with input not committed (it is read again after restart): \(held.joined(separator: ", "))")
        }
        UncommittedWork.shared.release(owner)
        logger.info("\(name) stage stopped\(control.crashRequested ? " without committing (simulated crash)" : "")")
    }

    // MARK: Transform

    /// The output of a batch: records whose output is known to be undeliverable are
    /// rejected, the others go through the stage's logic.
    private func output(of batch: [KafkaMessage]) async throws -> StageOutput {
        let refused = lock.withLock { undeliverable }
        guard !refused.isEmpty else { return await logic.transform(batch) }
        var output = StageOutput(phases: 1)
        var kept: [KafkaMessage] = []
        var keptIndices: [Int] = []
        for (index, message) in batch.enumerated() {
            guard let error = refused["\(message.partition):\(message.offset)"] else {
                kept.append(message)
                keptIndices.append(index)
                continue
            }
            let rejection = PoisonRecord.rejection(message, reason: "undeliverable_output",
                                                   detail: "the output of the record at \(PoisonRecord.location(message)) cannot be written to Kafka: \(error)")
            logger.warning("rejected \(PoisonRecord.location(message)): \(rejection.detail)")
            metrics.increment("attache_enrichment_rejected_total", labels: ["topic": message.topic, "reason": rejection.reason])
            output.append([try Poison.record(rejection, topic: rejectedTopic, cause: message)], phase: 0, source: index)
        }
        let transformed = kept.isEmpty ? StageOutput(phases: 1) : await logic.transform(kept)
        var merged = StageOutput(phases: max(1, transformed.phases.count))
        merged.append(output)
        for phase in transformed.phases.indices {
            merged.phases[phase] += transformed.phases[phase]
            merged.sources[phase] += transformed.sources[phase].map { keptIndices[$0] }
        }
        return merged
    }

    /// Sends every phase, each delivered before the next. Nil when all was delivered; else
    /// the failure to act on. A failure that belongs to one record (too large, invalid)
    /// marks its input record undeliverable, so that the redone batch rejects it.
    private func deliver(_ output: StageOutput, of batch: [KafkaMessage], with producer: KafkaProducer) async -> KafkaError? {
        for (phase, records) in output.phases.enumerated() where !records.isEmpty {
            let outcomes = await producer.deliver(all: records)
            var failure: KafkaError?
            for (index, outcome) in outcomes.enumerated() {
                guard case .failure(let reported) = outcome else { continue }
                var error = reported
                if error.isRecordPermanent {
                    if records[index].topic == rejectedTopic {
                        // Not even its rejection can be written: stop rather than loop or drop.
                        error.kind = .fatal
                        error.operation = "write a rejection to \(rejectedTopic)"
                    } else {
                        let message = batch[output.sources[phase][index]]
                        lock.withLock { undeliverable["\(message.partition):\(message.offset)"] = error }
                    }
                }
                if failure == nil || error.kind == .fatal { failure = error }
            }
            if let failure { return failure }
        }
        return nil
    }

    /// Forgets the undeliverable marks of committed input.
    private func forgetUndeliverable(_ batch: [KafkaMessage]) {
        lock.withLock {
            guard !undeliverable.isEmpty else { return }
            for message in batch { undeliverable["\(message.partition):\(message.offset)"] = nil }
        }
    }

    // MARK: Rebalance

    /// The hook, on the consumer's thread, before librdkafka changes the assignment.
    private func rebalance(_ event: RebalanceEvent) {
        lock.withLock { events.append(event) }
        if control.crashRequested { return }
        guard case .transactional(let txn) = sink else {
            // At least once: commit what was delivered before the partitions go (not when
            // they were lost: another member may own them already).
            let pending = lock.withLock {
                defer { uncommitted = [] }
                return uncommitted
            }
            if case .revoked = event, !pending.isEmpty {
                do {
                    try consumer.commitNow(pending)
                    logger.info("\(name) stage: committed \(pending.count) partition offsets before revocation")
                } catch {
                    logger.warning("\(name) stage: committing before revocation failed, the last batch may be processed again (same keys and values): \(error)")
                }
            }
            return
        }
        // The loop never polls with a transaction open, so this finds none; if one ever is
        // open, it must end before the partitions go.
        let open = lock.withLock { transaction }
        guard let open, open.endedByHook == nil else { return }
        switch event {
        case .assigned: return
        case .revoked:
            do {
                if let offsets = open.offsets {
                    try txn.sendOffsetsNow(offsets, of: consumer)
                    try txn.commitTransactionNow()
                    lock.withLock { transaction?.endedByHook = true }
                    logger.warning("\(name) stage: committed the open transaction before partitions were revoked")
                    return
                }
                try txn.abortTransactionNow()
            } catch {
                logger.error("\(name) stage: ending the open transaction before revocation failed: \(error)")
                _ = try? txn.abortTransactionNow()
            }
            lock.withLock { transaction?.endedByHook = false }
        case .lost:
            _ = try? txn.abortTransactionNow()
            lock.withLock { transaction?.endedByHook = false }
            logger.warning("\(name) stage: aborted the open transaction because partitions were lost")
        }
    }

    /// Applies the rebalance events the last poll saw; true when there were some (the batch
    /// polled with them is then discarded).
    private func applyRebalance() async throws -> Bool {
        let pending = lock.withLock {
            defer { events.removeAll() }
            return events
        }
        guard !pending.isEmpty else { return false }
        for event in pending {
            switch event {
            case .assigned(let partitions):
                onReady(false)
                let started = ContinuousClock.now
                try await logic.assigned(partitions)
                logger.info("\(name) stage assigned \(describe(partitions)) (ready after \(started.duration(to: .now)))")
                onReady(true)
            case .revoked(let partitions), .lost(let partitions):
                // Not ready again until the next assignment is applied.
                onReady(false)
                logic.revoked(partitions)
                for partition in partitions {
                    metrics.set("attache_enrichment_lag", 0, labels: ["topic": partition.topic, "partition": String(partition.partition)])
                }
            }
        }
        if !consumer.assignment().isEmpty {
            let consumer = consumer
            try await consumer.rewindToCommitted()
        }
        // Report the lag of the new assignment at the next turn.
        lastLagUpdate = ContinuousClock.now - .seconds(10)
        return true
    }

    private func describe(_ partitions: [TopicPartitionOffset]) -> String {
        partitions.isEmpty ? "no partitions" : partitions.map { "\($0.topic)[\($0.partition)]" }.sorted().joined(separator: ", ")
    }

    // MARK: Exactly once

    private func processTransactional(_ batch: [KafkaMessage], _ txn: TransactionalProducer) async throws {
        let checkpoint = logic.checkpoint()
        let offsets = nextOffsets(batch)
        do {
            try txn.beginTransaction()
        } catch {
            throw fatal(error, "begin transaction")
        }
        lock.withLock { transaction = OpenTransaction() }
        defer { lock.withLock { transaction = nil } }
        UncommittedWork.shared.hold(owner, batch)
        let output: StageOutput
        do {
            output = try await self.output(of: batch)
        } catch {
            throw fatal(error, "encode a rejection")
        }
        if let error = await deliver(output, of: batch, with: txn.producer) {
            // A failed delivery inside a transaction makes it abortable, unless fatal.
            if error.kind == .fatal { throw fatal(error, "produce in transaction") }
            try await abort(txn, checkpoint: checkpoint, because: error)
            return
        }
        if control.crashes(afterDeliveryOf: name) { return }
        lock.withLock { transaction?.offsets = offsets }
        // Only if the hook ran meanwhile (it cannot while this loop is not polling).
        switch lock.withLock({ transaction?.endedByHook }) {
        case true?:
            countOutput(output)
            UncommittedWork.shared.release(owner)
            metrics.increment("attache_enrichment_transactions_total", labels: ["stage": name, "outcome": "committed"])
            return
        case false?:
            logic.rollback(to: checkpoint)
            metrics.increment("attache_enrichment_transactions_total", labels: ["stage": name, "outcome": "aborted"])
            try await consumer.rewindToCommitted()
            return
        case nil:
            break
        }
        do {
            try await retrying("send offsets to transaction") { () throws(KafkaError) in
                try await txn.sendOffsets(offsets, of: consumer)
            }
            try await retrying("commit transaction") { () throws(KafkaError) in try await txn.commitTransaction() }
        } catch where error.kind == .abortable || error.kind == .retriable {
            try await abort(txn, checkpoint: checkpoint, because: error)
            return
        } catch {
            throw fatal(error, "commit transaction")
        }
        countOutput(output)
        forgetUndeliverable(batch)
        UncommittedWork.shared.release(owner)
        metrics.increment("attache_enrichment_transactions_total", labels: ["stage": name, "outcome": "committed"])
    }

    /// Aborts the transaction, forgets what the batch did to the state and rewinds the
    /// consumer to its committed offsets, so that the batch is read and done again.
    private func abort(_ txn: TransactionalProducer, checkpoint: Any, because error: any Error) async throws {
        logger.warning("\(name) stage: aborting the transaction and redoing the batch: \(error)")
        do {
            try await retrying("abort transaction") { () throws(KafkaError) in try await txn.abortTransaction() }
        } catch {
            throw fatal(error, "abort transaction")
        }
        logic.rollback(to: checkpoint)
        metrics.increment("attache_enrichment_transactions_total", labels: ["stage": name, "outcome": "aborted"])
        try await consumer.rewindToCommitted()
    }

    private func fatal(_ error: any Error, _ what: String) -> StageFatalError {
        logger.critical("\(name) stage: fatal error in \(what), stopping (a fenced producer means another instance with the same transactional id took over): \(error)")
        return StageFatalError(stage: name, underlying: error)
    }

    /// Calls `body` again while it fails with a retriable error (up to 10 times, backing off).
    private func retrying<T>(_ what: String, _ body: () async throws(KafkaError) -> T) async throws(KafkaError) -> T {
        var attempt = 0
        while true {
            do {
                return try await body()
            } catch where error.kind == .retriable && attempt < 10 {
                attempt += 1
                logger.warning("\(name) stage: \(what) failed with a retriable error, retrying (\(attempt)): \(error)")
                try? await Task.sleep(for: .milliseconds(min(1_000, 50 << attempt)))
            }
        }
    }

    // MARK: At least once

    private func processAtLeastOnce(_ batch: [KafkaMessage], _ producer: KafkaProducer) async throws {
        let checkpoint = logic.checkpoint()
        UncommittedWork.shared.hold(owner, ranges: UncommittedWork.describe(batch) + lock.withLock { uncommitted }.map {
            "\($0.topic)[\($0.partition)] before offset \($0.offset) (delivered, commit pending)"
        })
        let output: StageOutput
        do {
            output = try await self.output(of: batch)
        } catch {
            throw fatal(error, "encode a rejection")
        }
        if let error = await deliver(output, of: batch, with: producer) {
            if error.kind == .fatal { throw fatal(error, "produce") }
            if error.kind == .permanent && !error.isRecordPermanent && !stopping {
                // Not about one record (e.g. not authorised to write a topic): retrying
                // cannot help, and the service must not look healthy while it fails.
                throw fatal(error, "produce")
            }
            logger.warning("\(name) stage: output not delivered, reading the batch again: \(error)")
            logic.rollback(to: checkpoint)
            if stopping { return }
            try? await Task.sleep(for: .milliseconds(200))
            try await consumer.rewindToCommitted()
            return
        }
        countOutput(output)
        forgetUndeliverable(batch)
        if control.crashes(afterDeliveryOf: name) { return }
        let offsets = merge(lock.withLock { uncommitted }, nextOffsets(batch))
        do {
            try await consumer.commit(offsets)
            lock.withLock { uncommitted = [] }
            UncommittedWork.shared.release(owner)
            metrics.increment("attache_enrichment_commits_total", labels: ["stage": name])
        } catch {
            // The output is delivered. A rebalance is the usual cause: the rebalance hook
            // commits these offsets before the partitions go; failing that, whoever reads
            // these records again produces the same keys and values.
            lock.withLock { uncommitted = offsets }
            UncommittedWork.shared.hold(owner, ranges: offsets.map {
                "\($0.topic)[\($0.partition)] before offset \($0.offset) (delivered, commit pending)"
            })
            logger.info("\(name) stage: committing offsets failed, committing them with the next batch or before revocation: \(error)")
        }
    }

    // MARK: Bookkeeping

    /// `earlier` updated with `later`, per partition.
    private func merge(_ earlier: [TopicPartitionOffset], _ later: [TopicPartitionOffset]) -> [TopicPartitionOffset] {
        var byPartition: [Int32: TopicPartitionOffset] = [:]
        for offset in earlier + later { byPartition[offset.partition] = offset }
        return byPartition.values.sorted { $0.partition < $1.partition }
    }

    /// Per partition, the offset after the last record of the batch.
    private func nextOffsets(_ batch: [KafkaMessage]) -> [TopicPartitionOffset] {
        var next: [Int32: Int64] = [:]
        for message in batch { next[message.partition] = message.nextOffset }
        return next.sorted { $0.key < $1.key }.map { TopicPartitionOffset(topic: topic, partition: $0.key, offset: $0.value) }
    }

    private func countOutput(_ output: StageOutput) {
        var counts: [String: Int] = [:]
        for phase in output.phases { for record in phase { counts[record.topic, default: 0] += 1 } }
        for (topic, count) in counts {
            metrics.increment("attache_enrichment_records_out_total", by: Double(count), labels: ["topic": topic])
        }
    }

    /// Lag per assigned partition (high watermark − position), sampled at most once a second
    /// in the background: the watermark queries go to the broker and must not hold up the loop.
    private func updateLag() async {
        let now = ContinuousClock.now
        guard lastLagUpdate.duration(to: now) >= .seconds(1) else { return }
        let start = lock.withLock {
            if lagSampling { return false }
            lagSampling = true
            return true
        }
        guard start else { return }
        lastLagUpdate = now
        let consumer = consumer
        let metrics = metrics
        let control = control
        let shutdown = shutdown
        // On the consumer's thread (never overlapping its close), in a task of its own so
        // that the loop goes on.
        Task { [self] in
            defer { lock.withLock { lagSampling = false } }
            let lags = await consumer.lags(timeoutMs: 500) { control.stopRequested || shutdown.isRequested }
            for (partition, lag) in lags {
                metrics.set("attache_enrichment_lag", Double(lag),
                            labels: ["topic": partition.topic, "partition": String(partition.partition)])
            }
        }
    }

    /// Waits until no lag sample is in flight (before the consumer is closed).
    /// Waits until no lag sample is in flight (before the consumer is closed), at most 3 s:
    /// a sample blocked on an unreachable cluster must not hold up the shutdown.
    func quiesce() async {
        let deadline = ContinuousClock.now + .seconds(3)
        while lock.withLock({ lagSampling }), ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
    }
}
