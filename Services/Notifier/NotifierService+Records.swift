import AttacheKafka
import AttacheModels
import AttacheRuntime
import Foundation

/// What the notifier does with each input record it polls, and how it commits what is done.
extension NotifierService {
    /// One input record: invalid ones are dead-lettered, tombstones skipped, the others'
    /// notifications routed and handed to the dispatcher.
    func handle(_ message: KafkaMessage, dispatcher: Dispatcher, output: NotifierOutput) async throws {
        let record = RecordRef(
            partition: PartitionKey(topic: message.topic, partition: message.partition), offset: message.offset)
        guard dispatcher.begin(record) else { return }
        metrics.increment(NotifierMetrics.recordsInTotal, labels: ["topic": message.topic])
        switch reader.read(message) {
        case .tombstone:
            metrics.increment(NotifierMetrics.tombstonesTotal, labels: ["topic": message.topic])
            dispatcher.finish(record)
        case .invalid(let reason, let detail):
            logger.warning("dead-lettering input record: \(detail)")
            metrics.increment(NotifierMetrics.invalidRecordsTotal, labels: ["topic": message.topic, "reason": reason])
            let invalid = InvalidRecord(reason: reason, detail: detail, message: message, at: Date())
            try await output.invalid(invalid, traceparent: TraceContext.child(of: message))
            dispatcher.finish(record)
        case .input(let input):
            var routed: [(AttacheModels.Notification, [String])] = []
            for notification in rules.notifications(for: input) {
                metrics.increment(NotifierMetrics.notificationsTotal, labels: ["rule": notification.rule])
                let receivers = router.receivers(for: RouteFacts.of(input, rule: notification.rule))
                if receivers.isEmpty {
                    metrics.increment(NotifierMetrics.unroutedTotal, labels: ["rule": notification.rule])
                    logger.debug("notification \(notification.id) matches no route")
                    continue
                }
                routed.append((notification, receivers))
            }
            dispatcher.submit(record, routed, cause: message)
        }
    }

    /// Commits offsets, retrying retriable errors; a failed commit only means the records
    /// are read again, and their delivered pairs are skipped.
    func commit(_ offsets: [TopicPartitionOffset], consumer: KafkaConsumer, dispatcher: Dispatcher) async {
        guard !offsets.isEmpty, !haltFlag else { return }
        do {
            try await NotifierService.commitRetries.run(
                { () throws(KafkaError) in try await consumer.commit(offsets) },
                retryable: { $0.kind == .retriable })
            dispatcher.committed(offsets)
            metrics.increment(NotifierMetrics.commitsTotal)
        } catch {
            logger.warning(
                "committing offsets failed; the records may be read again (their delivered pairs are skipped): \(error)"
            )
        }
    }

    /// Commits that fail with a retriable error are tried again, briefly.
    static let commitRetries = RetryPolicy(maxAttempts: 6, baseDelay: .milliseconds(100), maxDelay: .milliseconds(500))
}
