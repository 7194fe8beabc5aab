import AttacheKafka
import AttacheModels
import AttacheRuntime
import Foundation
import Logging

/// The consume–transform–produce loop of one stage.
///
/// Exactly once: one transaction per polled batch — begin, send the output, send the input
/// offsets to the transaction, commit (`StageRunner+ExactlyOnce.swift`). Its lifecycle is
/// `StageStateMachine`, which refuses a poll while a transaction is open, so the rebalance
/// hook (`StageRunner+Rebalance.swift`) finds none; it still commits (revoked) or aborts
/// (lost) one if it ever does. Abortable errors abort,
/// roll the state back and rewind the consumer to its committed offsets; retriable errors
/// retry the call; fatal (fenced) and unclassified errors of the transactional API stop the
/// stage.
///
/// At least once (`StageRunner+AtLeastOnce.swift`): the output of a batch is delivered
/// (every delivery report awaited), then the input offsets are committed plainly; the next
/// batch is polled and transformed while the previous one is delivered, and offsets are
/// committed in batch order. A failed delivery rolls the state back to before the failed
/// batch and rewinds the consumer; the records are processed again, which is harmless
/// because every output is idempotent by key and value.
///
/// A rebalance during a poll discards the polled batch (it may mix records from before and
/// after the new assignment), hands the change to the logic (the series stage restores its
/// ledger there) and rewinds the consumer to the committed offsets of its new assignment.
final class StageRunner<Logic: StageLogic>: RunnableStage, @unchecked Sendable {
    let name: String
    let topic: String
    let consumer: KafkaConsumer
    let sink: StageSink
    let logic: Logic
    let control: StageControl
    let shutdown: ShutdownDeadline
    let metrics: Metrics
    let logger: Logger
    let maxBatch: Int
    /// Where rejections of input records go.
    let rejectedTopic: String
    /// Called with true once an assignment is applied (state restored), false from a
    /// revocation until the next assignment is applied.
    let onReady: @Sendable (Bool) -> Void
    /// Retries of the transactional calls that fail with a retriable error.
    let retries = RetryPolicy(maxAttempts: 11, baseDelay: .milliseconds(100), maxDelay: .seconds(1))
    /// The wait before a batch whose output was not delivered is read again; it grows while
    /// deliveries keep failing (`failedDeliveries` in a row) and a stop ends it.
    let redelivery = RetryPolicy(maxAttempts: .max, baseDelay: .milliseconds(200), maxDelay: .seconds(5))
    var failedDeliveries = 0

    /// Guards `machine`, `undeliverable` and `rebalanceSeen`; a condition, so that the
    /// rebalance hook can wait for deliveries to end (`beforeRebalance`).
    let lock = NSCondition()
    /// The hook's events, applied after the poll; the resync after transient errors.
    let rebalances: RebalanceSync
    /// At least once: the batches whose output is being delivered, oldest first (the loop's
    /// own; the hook sees them through `machine`).
    var window: [InFlight] = []
    /// The id of the last batch dispatched.
    var lastBatchID = 0
    /// How long the rebalance hook waits for deliveries before partitions are revoked.
    let hookDeliveryWait: TimeInterval = 10
    /// Set by the hook: the window belongs to the assignment before a rebalance, and the loop
    /// settles it before the rebalance is applied.
    var rebalanceSeen = false
    /// The loop's lifecycle, as the loop and the rebalance hook see it (under `lock`).
    var machine = StageStateMachine()
    /// Input records whose output cannot be delivered (a permanent error for that record,
    /// e.g. too large), by `partition:offset`, with the error: when read again they are
    /// rejected instead of transformed.
    var undeliverable: [String: KafkaError] = [:]
    let lagSampler: LagSampler
    /// The name under which the stage's uncommitted input is reported.
    var owner: String { "\(consumer.groupID) \(name) stage" }

    init(
        name: String, topic: String, consumer: KafkaConsumer, sink: StageSink, logic: Logic, control: StageControl,
        shutdown: ShutdownDeadline, metrics: Metrics, logger: Logger, maxBatch: Int = 200, rejectedTopic: String,
        onReady: @escaping @Sendable (Bool) -> Void
    ) {
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
        self.lagSampler = LagSampler(consumer: consumer, metrics: metrics) {
            control.stopRequested || shutdown.isRequested
        }
        self.rebalances = RebalanceSync(
            consumer: consumer, name: "\(name) stage", logger: logger,
            stopping: { control.stopRequested || shutdown.isRequested }, onReady: { onReady($0.isReady) })
    }

    var stopping: Bool { control.stopRequested || shutdown.isRequested }

    /// Runs until shutdown (finishing the batch in hand) or a fatal error (thrown).
    func run() async throws {
        rebalances.install { [weak self] event in self?.rebalance(event) }
        if case .transactional(let txn) = sink {
            do {
                try await retrying("initialise transactions") { () throws(KafkaError) in
                    try await txn.initTransactions()
                }
            } catch {
                throw StageFatalError(stage: name, underlying: error)
            }
        }
        try consumer.subscribe([topic])
        logger.info("\(name) stage consuming \(topic) as group \(consumer.groupID)")
        while !stopping {
            do {
                // After a transient failure: restore the state of the current assignment
                // again and go back to the committed offsets.
                try await rebalances.resyncIfNeeded(self)
                if case .refuse(let reason) = lock.withLock({ machine.willPoll() }) {
                    throw StageFatalError(stage: name, underlying: StageInvariantViolation(description: reason))
                }
                // With batches delivering, take only what is already fetched: waiting here
                // would hold back their commit.
                let batch = try await consumer.poll(max: maxBatch, timeout: window.isEmpty ? .milliseconds(100) : .zero)
                // The window belongs to the assignment before the rebalance: settled first.
                if lock.withLock({ rebalanceSeen }) {
                    await abandonWindow()
                    lock.withLock { rebalanceSeen = false }
                }
                if try await applyRebalance() { continue }
                lagSampler.sampleIfDue()
                if !batch.isEmpty, !control.crashRequested {
                    metrics.increment(
                        EnrichmentMetrics.recordsInTotal, by: Double(batch.count), labels: ["topic": topic])
                    switch sink {
                    case .transactional(let txn): try await processTransactional(batch, txn)
                    case .atLeastOnce(let producer): try await dispatch(batch, producer)
                    }
                }
                try await settleWindow(polledNothing: batch.isEmpty)
            } catch let error as StageFatalError {
                throw error
            } catch let error as KafkaError where error.kind == .fatal {
                throw fatal(error, "consume")
            } catch  where stopping {
                break
            } catch {
                // Transient (a timeout while restoring or rewinding, the cluster briefly
                // unreachable): nothing was committed since the last good batch.
                await abandonWindow()
                metrics.increment(EnrichmentMetrics.stageErrorsTotal, labels: ["stage": name])
                await rebalances.failed(error)
            }
        }
        // Finish the batches still delivering (their commit, or their rollback).
        do {
            while !window.isEmpty, !control.crashRequested { try await settleOldest() }
        } catch let error as StageFatalError {
            throw error
        } catch {
            logger.warning(
                "\(name) stage: finishing the last batches failed, they are read again after restart: \(error)")
        }
        let held = UncommittedWork.shared.held(by: owner)
        if !held.isEmpty && !control.crashRequested {
            logger.notice(
                "\(name) stage stopped with input not committed (it is read again after restart): \(held.joined(separator: ", "))"
            )
        }
        UncommittedWork.shared.release(owner)
        lock.withLock { machine.stop() }
        logger.info("\(name) stage stopped\(control.crashRequested ? " without committing (simulated crash)" : "")")
    }

    // MARK: Transform

    /// The output of a batch: records whose output is known to be undeliverable are
    /// rejected, the others go through the stage's logic.
    func output(of batch: [KafkaMessage]) async throws -> StageOutput {
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
            let rejection = PoisonRecord.rejection(
                message, reason: "undeliverable_output",
                detail:
                    "the output of the record at \(PoisonRecord.location(message)) cannot be written to Kafka: \(error)"
            )
            logger.warning("rejected \(PoisonRecord.location(message)): \(rejection.detail)")
            metrics.increment(
                EnrichmentMetrics.rejectedTotal, labels: ["topic": message.topic, "reason": rejection.reason])
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
    func deliver(_ output: StageOutput, of batch: [KafkaMessage], with producer: KafkaProducer) async -> KafkaError? {
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
    func forgetUndeliverable(_ batch: [KafkaMessage]) {
        lock.withLock {
            guard !undeliverable.isEmpty else { return }
            for message in batch { undeliverable["\(message.partition):\(message.offset)"] = nil }
        }
    }

    func fatal(_ error: any Error, _ what: String) -> StageFatalError {
        logger.critical(
            "\(name) stage: fatal error in \(what), stopping (a fenced producer means another instance with the same transactional id took over): \(error)"
        )
        return StageFatalError(stage: name, underlying: error)
    }

    /// Calls `body` again while it fails with a retriable error (`retries`).
    func retrying<T>(_ what: String, _ body: () async throws(KafkaError) -> T) async throws(KafkaError) -> T {
        try await retries.run(
            body, retryable: { $0.kind == .retriable },
            onRetry: { error, attempt, _ in
                logger.warning("\(name) stage: \(what) failed with a retriable error, retrying (\(attempt)): \(error)")
            })
    }

    // MARK: Bookkeeping

    /// Per partition, the offset after the last record of the batch.
    func nextOffsets(_ batch: [KafkaMessage]) -> [TopicPartitionOffset] {
        var next: [Int32: Int64] = [:]
        for message in batch { next[message.partition] = message.nextOffset }
        return next.sorted { $0.key < $1.key }.map {
            TopicPartitionOffset(topic: topic, partition: $0.key, offset: $0.value)
        }
    }

    func countOutput(_ output: StageOutput) {
        var counts: [String: Int] = [:]
        for phase in output.phases { for record in phase { counts[record.topic, default: 0] += 1 } }
        for (topic, count) in counts {
            metrics.increment(EnrichmentMetrics.recordsOutTotal, by: Double(count), labels: ["topic": topic])
        }
    }

    /// Waits until no lag sample is in flight (before the consumer is closed), at most 3 s.
    func quiesce() async {
        await lagSampler.quiesce()
    }
}

/// What `EnrichmentService` needs of a stage, whatever its logic.
protocol RunnableStage: AnyObject, Sendable {
    var name: String { get }
    var consumer: KafkaConsumer { get }
    var sink: StageSink { get }
    /// Runs until shutdown (finishing the batch in hand) or a fatal error (thrown).
    func run() async throws
    /// Waits until background work on the consumer (lag samples) is done.
    func quiesce() async
}

/// The loop broke one of its own invariants (see `StageStateMachine`): a bug, so the
/// stage stops rather than risk a transaction left open across a rebalance.
struct StageInvariantViolation: Error, CustomStringConvertible {
    var description: String
}
