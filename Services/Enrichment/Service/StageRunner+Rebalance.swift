import AttacheKafka
import AttacheRuntime
import Foundation

/// A stage's side of the rebalances `RebalanceSync` follows (docs/architecture.md §9): the
/// hook asks the state machine what must happen before partitions go; after the poll the
/// logic restores (the series stage: its ledger) or forgets the partitions.
extension StageRunner {
    /// The hook, on the consumer's thread, before librdkafka changes the assignment (the
    /// event is recorded for the loop by `rebalances` after it): the state machine says what
    /// must happen before the partitions go.
    func rebalance(_ event: RebalanceEvent) {
        if control.crashRequested { return }
        beforeRebalance(event)
        switch lock.withLock({ machine.rebalance(event) }) {
        case .none:
            return
        case .commitPending(let pending):
            // At least once: commit what was delivered before the partitions go (never when
            // they were lost: another member may own them already).
            rebalances.commitBeforeRevoke(pending)
        case .commitTransaction(let offsets):
            guard case .transactional(let txn) = sink else { return }
            do {
                try txn.sendOffsetsNow(offsets, of: consumer)
                try txn.commitTransactionNow()
                lock.withLock { machine.hookEnded(committed: true) }
                logger.warning("\(name) stage: committed the open transaction before partitions were revoked")
                return
            } catch {
                logger.error("\(name) stage: ending the open transaction before revocation failed: \(error)")
                _ = try? txn.abortTransactionNow()
            }
            lock.withLock { machine.hookEnded(committed: false) }
        case .abortTransaction:
            guard case .transactional(let txn) = sink else { return }
            do {
                try txn.abortTransactionNow()
            } catch {
                logger.error("\(name) stage: aborting the open transaction before the partitions go failed: \(error)")
            }
            lock.withLock { machine.hookEnded(committed: false) }
            logger.warning(
                "\(name) stage: aborted the open transaction because partitions were \(event.isLost ? "lost" : "revoked before its output was delivered")"
            )
        }
    }

    /// Applies the rebalance events the last poll saw (`RebalanceSync.afterPoll`: forget,
    /// restore, rewind); true when there were some (the batch polled with them is then
    /// discarded).
    func applyRebalance() async throws -> Bool {
        guard try await rebalances.afterPoll(self) else { return false }
        // Report the lag of the new assignment at the next turn.
        lagSampler.sampleNextTurn()
        return true
    }
}

/// What the stage keeps per partition is its logic's state.
extension StageRunner: PartitionOwner {
    func restore(_ partitions: [TopicPartitionOffset]) async throws {
        try await logic.assigned(partitions)
    }

    func forget(_ partitions: [TopicPartitionOffset]) {
        logic.revoked(partitions)
        for partition in partitions {
            metrics.set(
                EnrichmentMetrics.lag, 0, labels: ["topic": partition.topic, "partition": String(partition.partition)])
        }
    }
}

extension RebalanceEvent {
    fileprivate var isLost: Bool {
        if case .lost = self { return true }
        return false
    }
}
