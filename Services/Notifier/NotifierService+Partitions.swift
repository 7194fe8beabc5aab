import AttacheKafka
import AttacheRuntime
import Foundation

/// The notifier's partitions: pausing them while deliveries catch up, and what happens when
/// they are assigned (restore the delivered pairs, rewind) or taken away (let deliveries
/// finish, commit, forget).
extension NotifierService {
    /// Pauses the partitions the dispatcher wants paused and resumes the others.
    func adjustPauses(_ consumer: KafkaConsumer, dispatcher: Dispatcher, paused: Set<PartitionKey>) async throws -> Set<PartitionKey> {
        let wanted = dispatcher.partitionsToPause(maxPending: settings.maxPendingPerPartition)
        guard wanted != paused else { return paused }
        let pause = wanted.subtracting(paused).sorted().map { TopicPartitionOffset(topic: $0.topic, partition: $0.partition, offset: KafkaOffset.invalid) }
        let resume = paused.subtracting(wanted).sorted().map { TopicPartitionOffset(topic: $0.topic, partition: $0.partition, offset: KafkaOffset.invalid) }
        try await offCooperativePool {
            try consumer.pause(pause)
            try consumer.resume(resume)
        }
        if !pause.isEmpty { logger.info("paused \(describe(pause)) while deliveries catch up") }
        if !resume.isEmpty { logger.info("resumed \(describe(resume))") }
        metrics.increment(NotifierMetrics.pausesTotal, by: Double(pause.count))
        metrics.set(NotifierMetrics.pausedPartitions, Double(wanted.count))
        return wanted
    }

    // MARK: Rebalance

    /// The rebalance hook, on the consumer's thread: before partitions go, let their
    /// deliveries in flight finish (up to `revokeGrace`), commit what is done there and forget
    /// them; note assignments for the poll loop (which restores).
    func rebalance(_ event: RebalanceEvent, consumer: KafkaConsumer, dispatcher: Dispatcher) {
        switch event {
        case .assigned(let partitions):
            metrics.increment(NotifierMetrics.assignmentsTotal)
            lock.withLock {
                assignments.append(partitions)
                rebalanced = true
            }
        case .revoked(let partitions), .lost(let partitions):
            let keys = Set(partitions.map { PartitionKey(topic: $0.topic, partition: $0.partition) })
            if case .revoked = event, !haltFlag {
                if !dispatcher.settle(keys, until: .now + settings.revokeGrace) {
                    logger.info("handing over partitions with deliveries unfinished (in flight, or interrupted by a stop); the next owner may send those again")
                }
                let offsets = dispatcher.uncommitted(of: keys)
                if !offsets.isEmpty {
                    do {
                        try consumer.commitNow(offsets)
                        dispatcher.committed(offsets)
                    } catch {
                        logger.warning("committing before giving up partitions failed; their records may be read again (delivered pairs are skipped): \(error)")
                    }
                }
            }
            dispatcher.drop(keys)
            lock.withLock { rebalanced = true }
            logger.info("notifier gave up \(describe(partitions))")
        }
    }

    /// After a rebalance: restores the delivered pairs (not ready until done, retrying until
    /// complete or stopped), then rewinds the assigned partitions to their committed offsets
    /// and drops the batch polled with the rebalance. True when there was a rebalance.
    func applyAssignments(_ consumer: KafkaConsumer, discarding: Int, shutdown: ShutdownDeadline) async throws -> Bool {
        let (pending, happened) = lock.withLock {
            defer {
                assignments.removeAll()
                rebalanced = false
            }
            return (assignments, rebalanced)
        }
        guard happened else { return false }
        metrics.set(NotifierMetrics.pausedPartitions, 0)
        guard let partitions = pending.last else { return true }
        health.setReady(false, "restoring delivered pairs from \(options.topics.notificationsDelivered)")
        metrics.set(NotifierMetrics.ready, 0)
        var attempt = 0
        while true {
            attempt += 1
            let started = ContinuousClock.now
            do {
                let read = try await delivered.catchUp(config: options.kafka, topic: options.topics.notificationsDelivered, logger: logger)
                let seconds = started.duration(to: .now).seconds
                metrics.set(NotifierMetrics.deliveredPairs, Double(delivered.count))
                metrics.increment(NotifierMetrics.restoredPairsTotal, by: Double(read.pairs))
                metrics.observe(NotifierMetrics.restoreDurationSeconds, seconds)
                logger.info("notifier assigned \(describe(partitions)); read \(read.records) records of \(options.topics.notificationsDelivered) to its high watermarks in \(String(format: "%.3f", seconds)) s (\(delivered.count) delivered pairs known)")
                break
            } catch {
                if stopping(shutdown) { return true }
                let wait = NotifierService.restoreRetries.ceiling(beforeRetry: attempt)
                logger.error("restoring delivered pairs failed (attempt \(attempt)); not ready, retrying in \(wait): \(error)")
                health.setReady(false, "restoring delivered pairs failed, retrying: \(error)")
                try? await Task.sleep(for: wait)
            }
        }
        // Records polled with the rebalance are dropped: read them again from the committed
        // offsets (where nothing is committed, from the low watermark), as the enrichment
        // stages do.
        if !consumer.assignment().isEmpty {
            try await consumer.rewindToCommitted()
            if discarding > 0 { logger.debug("dropped \(discarding) records polled with a rebalance; rewound to the committed offsets") }
        }
        health.setReady(true, "assigned and delivered pairs restored")
        metrics.set(NotifierMetrics.ready, 1)
        return true
    }

    func describe(_ partitions: [TopicPartitionOffset]) -> String {
        partitions.isEmpty ? "no partitions" : partitions.map { "\($0.topic)[\($0.partition)]" }.sorted().joined(separator: ", ")
    }
}
