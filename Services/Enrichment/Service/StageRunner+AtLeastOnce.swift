import AttacheKafka
import AttacheRuntime
import Foundation

/// At least once: the output of a batch is delivered, then its offsets are committed plainly.
///
/// Batching without a latency cost: a batch's delivery is started, not awaited, and the loop
/// polls and transforms the next batch while it is delivered (at most
/// `StageStateMachine.maxInFlight` batches in the window). Offsets are committed in batch
/// order: a batch's only once it and every earlier batch are delivered
/// (`StageStateMachine.deliveryEnded`). When a delivery fails, every batch after it is
/// waited for and discarded too, the logic is rolled back to its checkpoint taken before the
/// failed batch (so the changes of the later batches go with it), and the consumer rewinds
/// to the committed offsets: the records are processed again, which is harmless because
/// every output is idempotent by key and value.
extension StageRunner {
    /// A batch whose output is being delivered.
    struct InFlight {
        let id: Int
        let batch: [KafkaMessage]
        /// The logic's state before the batch was transformed.
        let checkpoint: Logic.Checkpoint
        let output: StageOutput
        /// Ends with nil when every record is delivered, else with the failure to act on.
        let delivery: Task<KafkaError?, Never>
    }

    /// Transforms a batch and starts delivering its output (not awaited).
    func dispatch(_ batch: [KafkaMessage], _ producer: KafkaProducer) async throws {
        let checkpoint = logic.checkpoint()
        let output: StageOutput
        do {
            output = try await self.output(of: batch)
        } catch {
            throw fatal(error, "encode a rejection")
        }
        lastBatchID += 1
        let id = lastBatchID
        guard lock.withLock({ machine.dispatched(id: id, offsets: nextOffsets(batch)) }) else {
            throw StageFatalError(
                stage: name,
                underlying: StageInvariantViolation(
                    description: "a batch was dispatched with the delivery window full or a transaction open"))
        }
        let delivery = Task { [self] () -> KafkaError? in
            let error = await deliver(output, of: batch, with: producer)
            lock.withLock {
                machine.deliveryEnded(id: id, delivered: error == nil)
                lock.broadcast()
            }
            return error
        }
        window.append(InFlight(id: id, batch: batch, checkpoint: checkpoint, output: output, delivery: delivery))
        holdUncommitted()
    }

    /// After a poll: keeps fewer than `maxInFlight` batches delivering across the next poll,
    /// and when the poll brought nothing, finishes them all (nothing else is to be done).
    func settleWindow(polledNothing: Bool) async throws {
        let limit = polledNothing ? 1 : lock.withLock { machine.maxInFlight }
        while window.count >= limit, !control.crashRequested {
            try await settleOldest()
        }
    }

    /// Waits for the oldest batch's delivery; commits what is delivered, or on a failure
    /// rolls back and rewinds.
    func settleOldest() async throws {
        let oldest = window.removeFirst()
        if let error = await oldest.delivery.value {
            if error.kind == .fatal { throw fatal(error, "produce") }
            if error.kind == .permanent && !error.isRecordPermanent && !stopping {
                // Not about one record (e.g. not authorised to write a topic): retrying
                // cannot help, and the service must not look healthy while it fails.
                throw fatal(error, "produce")
            }
            logger.warning("\(name) stage: output not delivered, reading the batch again: \(error)")
            window.insert(oldest, at: 0)
            await abandonWindow()
            await commitPending()
            if stopping { return }
            failedDeliveries += 1
            _ = await RetryPolicy.pause(redelivery.delay(beforeRetry: failedDeliveries)) { stopping }
            try await consumer.rewindToCommitted()
            return
        }
        finished(oldest)
        if control.crashes(afterDeliveryOf: name) { return }
        await commitPending()
    }

    /// A batch is delivered: count it and keep its changes.
    private func finished(_ batch: InFlight) {
        failedDeliveries = 0
        countOutput(batch.output)
        forgetUndeliverable(batch.batch)
        logic.settle(batch.checkpoint)
    }

    /// Waits for every batch in the window, keeps the delivered ones (in order), rolls the
    /// logic back to before the earliest one not delivered, and forgets the rest: they are
    /// read again from the committed offsets. After a failed delivery, a rebalance (the
    /// window belongs to the old assignment) or a transient error.
    func abandonWindow() async {
        guard !window.isEmpty else { return }
        for batch in window { _ = await batch.delivery.value }
        let earliest = lock.withLock { machine.earliestUndelivered }
        for batch in window where batch.id < earliest ?? .max { finished(batch) }
        if let earliest, let first = window.first(where: { $0.id == earliest }) {
            logic.rollback(to: first.checkpoint)
        }
        lock.withLock { machine.discardInFlight() }
        window = []
        holdUncommitted()
    }

    /// Commits the offsets of the delivered prefix. A failure keeps them pending: they are
    /// committed with the next batch, or by the rebalance hook before the partitions go.
    func commitPending() async {
        let offsets = lock.withLock { machine.pendingCommit }
        guard !offsets.isEmpty else { return }
        do {
            try await consumer.commit(offsets)
            lock.withLock { machine.committed(offsets) }
            metrics.increment(EnrichmentMetrics.commitsTotal, labels: ["stage": name])
        } catch {
            // The output is delivered. A rebalance is the usual cause: the rebalance hook
            // commits these offsets before the partitions go; failing that, whoever reads
            // these records again produces the same keys and values.
            lock.withLock { machine.commitFailed(offsets) }
            logger.info(
                "\(name) stage: committing offsets failed, committing them with the next batch or before revocation: \(error)"
            )
        }
        holdUncommitted()
    }

    /// Tells the shutdown watchdog what is read and not committed: the batches in the window
    /// and the delivered offsets whose commit is pending.
    private func holdUncommitted() {
        let pending = lock.withLock { machine.pendingCommit }
        let ranges =
            window.flatMap { UncommittedWork.describe($0.batch) }
            + pending.map {
                "\($0.topic)[\($0.partition)] before offset \($0.offset) (delivered, commit pending)"
            }
        if ranges.isEmpty {
            UncommittedWork.shared.release(owner)
        } else {
            UncommittedWork.shared.hold(owner, ranges: ranges)
        }
    }

    /// In the rebalance hook, before its action: marks the window as belonging to the old
    /// assignment (the loop settles it before applying the rebalance), and when partitions
    /// are revoked waits (at most `hookDeliveryWait`) until no batch of the window is still
    /// being delivered, so that the hook commits every delivered one. The deliveries end on
    /// other threads (the producer's poll thread and the cooperative pool), never on the
    /// consumer's, so waiting here cannot block them.
    func beforeRebalance(_ event: RebalanceEvent) {
        let deadline = Date(timeIntervalSinceNow: hookDeliveryWait)
        lock.lock()
        defer { lock.unlock() }
        rebalanceSeen = true
        while machine.hookWaitsForDeliveries(event) {
            if !lock.wait(until: deadline) { break }
        }
    }
}
