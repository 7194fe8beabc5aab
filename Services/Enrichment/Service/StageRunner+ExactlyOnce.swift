import AttacheKafka
import AttacheRuntime
import Foundation

/// Exactly once: one Kafka transaction per batch, holding its output and its input offsets.
///
/// One batch at a time, unlike at least once: a transactional producer has one transaction
/// open at a time, and the next batch's output cannot be produced before the previous
/// transaction is committed without joining it (and an abort would then take both). The
/// loop also never polls with a transaction open (`StageStateMachine`), so the rebalance
/// hook never finds one.
extension StageRunner {
    func processTransactional(_ batch: [KafkaMessage], _ txn: TransactionalProducer) async throws {
        let checkpoint = logic.checkpoint()
        let offsets = nextOffsets(batch)
        guard lock.withLock({ machine.beginTransaction() }) else {
            throw fatal(
                StageInvariantViolation(description: "a transaction began while another was open"), "begin transaction")
        }
        defer { lock.withLock { machine.transactionEnded() } }
        do {
            try txn.beginTransaction()
        } catch {
            throw fatal(error, "begin transaction")
        }
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
        lock.withLock { machine.delivered(offsets: offsets) }
        // The hook ended it only if it ran meanwhile (it cannot while this loop is not polling).
        switch lock.withLock({ machine.finishAction() }) {
        case .committedByHook:
            countOutput(output)
            logic.settle(checkpoint)
            UncommittedWork.shared.release(owner)
            metrics.increment(EnrichmentMetrics.transactionsTotal, labels: ["stage": name, "outcome": "committed"])
            return
        case .abortedByHook:
            logic.rollback(to: checkpoint)
            metrics.increment(EnrichmentMetrics.transactionsTotal, labels: ["stage": name, "outcome": "aborted"])
            try await consumer.rewindToCommitted()
            return
        case .commit:
            break
        }
        do {
            try await retrying("send offsets to transaction") { () throws(KafkaError) in
                try await txn.sendOffsets(offsets, of: consumer)
            }
            try await retrying("commit transaction") { () throws(KafkaError) in try await txn.commitTransaction() }
        } catch  where error.kind == .abortable || error.kind == .retriable {
            try await abort(txn, checkpoint: checkpoint, because: error)
            return
        } catch {
            throw fatal(error, "commit transaction")
        }
        countOutput(output)
        forgetUndeliverable(batch)
        logic.settle(checkpoint)
        UncommittedWork.shared.release(owner)
        metrics.increment(EnrichmentMetrics.transactionsTotal, labels: ["stage": name, "outcome": "committed"])
    }

    /// Aborts the transaction, forgets what the batch did to the state and rewinds the
    /// consumer to its committed offsets, so that the batch is read and done again.
    func abort(_ txn: TransactionalProducer, checkpoint: Logic.Checkpoint, because error: any Error) async throws {
        logger.warning("\(name) stage: aborting the transaction and redoing the batch: \(error)")
        do {
            try await retrying("abort transaction") { () throws(KafkaError) in try await txn.abortTransaction() }
        } catch {
            throw fatal(error, "abort transaction")
        }
        logic.rollback(to: checkpoint)
        metrics.increment(EnrichmentMetrics.transactionsTotal, labels: ["stage": name, "outcome": "aborted"])
        try await consumer.rewindToCommitted()
    }
}
