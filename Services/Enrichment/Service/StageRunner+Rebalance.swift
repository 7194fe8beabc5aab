import AttacheKafka
import AttacheRuntime
import Foundation

extension StageRunner {
    /// The hook, on the consumer's thread, before librdkafka changes the assignment: the
    /// state machine says what must happen before the partitions go.
    func rebalance(_ event: RebalanceEvent) {
        lock.withLock { events.append(event) }
        if control.crashRequested { return }
        waitForDeliveries(before: event)
        switch lock.withLock({ machine.rebalance(event) }) {
        case .none:
            return
        case .commitPending(let pending):
            // At least once: commit what was delivered before the partitions go (never when
            // they were lost: another member may own them already).
            do {
                try consumer.commitNow(pending)
                logger.info("\(name) stage: committed \(pending.count) partition offsets before revocation")
            } catch {
                logger.warning("\(name) stage: committing before revocation failed, the last batch may be processed again (same keys and values): \(error)")
            }
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
            logger.warning("\(name) stage: aborted the open transaction because partitions were \(event.isLost ? "lost" : "revoked before its output was delivered")")
        }
    }

    /// Applies the rebalance events the last poll saw; true when there were some (the batch
    /// polled with them is then discarded).
    func applyRebalance() async throws -> Bool {
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
                    metrics.set(EnrichmentMetrics.lag, 0, labels: ["topic": partition.topic, "partition": String(partition.partition)])
                }
            }
        }
        if !consumer.assignment().isEmpty {
            let consumer = consumer
            try await consumer.rewindToCommitted()
        }
        // Report the lag of the new assignment at the next turn.
        lagSampler.sampleNextTurn()
        return true
    }
}

private extension RebalanceEvent {
    var isLost: Bool {
        if case .lost = self { return true }
        return false
    }
}
