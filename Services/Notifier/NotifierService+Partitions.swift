import AttacheKafka
import AttacheRuntime
import Foundation

/// The notifier's partitions: pausing them while deliveries catch up, and its side of the
/// rebalances `RebalanceSync` follows (docs/architecture.md §9): before partitions are taken
/// away, let their deliveries finish, commit and forget them; when they are assigned,
/// restore the delivered pairs (the rewind is `RebalanceSync`'s).
extension NotifierService {
    /// Pauses the partitions the dispatcher wants paused and resumes the others.
    func adjustPauses(_ consumer: KafkaConsumer, dispatcher: Dispatcher, paused: Set<PartitionKey>) async throws -> Set<
        PartitionKey
    > {
        let wanted = dispatcher.partitionsToPause(maxPending: settings.maxPendingPerPartition)
        guard wanted != paused else { return paused }
        let pause = wanted.subtracting(paused).sorted().map {
            TopicPartitionOffset(topic: $0.topic, partition: $0.partition, offset: KafkaOffset.invalid)
        }
        let resume = paused.subtracting(wanted).sorted().map {
            TopicPartitionOffset(topic: $0.topic, partition: $0.partition, offset: KafkaOffset.invalid)
        }
        try await offCooperativePool {
            try consumer.pause(pause)
            try consumer.resume(resume)
        }
        if !pause.isEmpty { logger.info("paused \(RebalanceSync.describe(pause)) while deliveries catch up") }
        if !resume.isEmpty { logger.info("resumed \(RebalanceSync.describe(resume))") }
        metrics.increment(NotifierMetrics.pausesTotal, by: Double(pause.count))
        metrics.set(NotifierMetrics.pausedPartitions, Double(wanted.count))
        return wanted
    }

    // MARK: Rebalance

    /// The rebalance hook, on the consumer's thread (`RebalanceSync` records the event for the
    /// loop after it): before partitions go, let their deliveries in flight finish (up to
    /// `revokeGrace`), commit what is done there and forget them.
    func beforeRebalance(_ event: RebalanceEvent, sync: RebalanceSync, dispatcher: Dispatcher) {
        switch event {
        case .assigned:
            metrics.increment(NotifierMetrics.assignmentsTotal)
        case .revoked(let partitions), .lost(let partitions):
            let keys = Set(partitions.map { PartitionKey(topic: $0.topic, partition: $0.partition) })
            if case .revoked = event, !haltFlag {
                if !dispatcher.settle(keys, until: .now + settings.revokeGrace) {
                    logger.info(
                        "handing over partitions with deliveries unfinished (in flight, or interrupted by a stop); the next owner may send those again"
                    )
                }
                let offsets = dispatcher.uncommitted(of: keys)
                if sync.commitBeforeRevoke(offsets) { dispatcher.committed(offsets) }
            }
            dispatcher.drop(keys)
            logger.info("notifier gave up \(RebalanceSync.describe(partitions))")
        }
    }

    /// Readiness as `RebalanceSync` reports it: ready once the delivered pairs are restored
    /// for the assignment. A revocation alone leaves it as it is (the next assignment follows).
    func progress(_ progress: RebalanceSync.Progress) {
        switch progress {
        case .restoring:
            health.setReady(false, "restoring delivered pairs from \(options.topics.notificationsDelivered)")
        case .restored:
            health.setReady(true, "assigned and delivered pairs restored")
        case .revoked:
            return
        case .failed(let error, let wait):
            health.setReady(false, "restoring delivered pairs or reading input failed, retrying in \(wait): \(error)")
        }
        metrics.set(NotifierMetrics.ready, progress.isReady ? 1 : 0)
    }
}

/// The notifier's state per partition is the set of delivered pairs, one for every
/// partition: an assignment reads `notifications.delivered` up to its high watermarks
/// (whole, or it throws and `RebalanceSync` retries); the dispatcher forgets revoked
/// partitions in the hook already.
struct DeliveredPairsOwner: PartitionOwner {
    let service: NotifierService

    func restore(_ partitions: [TopicPartitionOffset]) async throws {
        let (delivered, options, metrics, logger) = (
            service.delivered, service.options, service.metrics, service.logger
        )
        let started = ContinuousClock.now
        let read = try await delivered.catchUp(
            config: options.kafka, topic: options.topics.notificationsDelivered, logger: logger)
        let seconds = started.duration(to: .now).seconds
        metrics.set(NotifierMetrics.deliveredPairs, Double(delivered.count))
        metrics.increment(NotifierMetrics.restoredPairsTotal, by: Double(read.pairs))
        metrics.observe(NotifierMetrics.restoreDurationSeconds, seconds)
        logger.info(
            "notifier restoring for \(RebalanceSync.describe(partitions)): read \(read.records) records of \(options.topics.notificationsDelivered) to its high watermarks in \(String(format: "%.3f", seconds)) s (\(delivered.count) delivered pairs known)"
        )
    }

    func forget(_ partitions: [TopicPartitionOffset]) {
        // Nothing kept per partition beyond what the hook made the dispatcher drop.
    }
}
