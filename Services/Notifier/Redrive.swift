import AttacheKafka
import AttacheModels
import AttacheRuntime
import Foundation
import Logging

/// `attache notifications redrive`: sends the dead letters of `notifications.dead` again to
/// their receivers, de-duplicated as the service does (a pair already on
/// `notifications.delivered` is skipped, and each pair is sent at most once per run).
/// Accepted pairs are recorded on `notifications.delivered` and the notification on
/// `notifications`; a pair that fails again is dead-lettered again, so it stays listed.
public struct Redrive: Sendable {
    public var options: ServiceOptions
    public var configuration: NotifierConfiguration
    public var settings: NotifierSettings
    public var logger: Logger

    /// What a run did.
    public struct Report: Sendable, Hashable, CustomStringConvertible {
        /// Dead letters read that match the filters.
        public var letters = 0
        /// Pairs sent and accepted.
        public var delivered = 0
        /// Pairs skipped: already delivered (by the service or an earlier redrive).
        public var alreadyDelivered = 0
        /// Pairs that failed again (dead-lettered again).
        public var failed = 0
        /// Pairs whose receiver is not in the configuration.
        public var unknownReceivers: Set<String> = []

        public var description: String {
            var text =
                "\(letters) dead letter(s): \(delivered) delivered, \(alreadyDelivered) already delivered, \(failed) failed again"
            if !unknownReceivers.isEmpty {
                text += "; receivers not configured: \(unknownReceivers.sorted().joined(separator: ", "))"
            }
            return text
        }
    }

    public init(
        options: ServiceOptions, configuration: NotifierConfiguration, settings: NotifierSettings = NotifierSettings(),
        logger: Logger = Logger(label: "attache.notifications")
    ) {
        self.options = options
        self.configuration = configuration
        self.settings = settings
        self.logger = logger
    }

    /// Redrives the dead letters of `receiver` (all when nil) dead-lettered at or after `since`.
    public func run(receiver: String? = nil, since: Date? = nil) async throws -> Report {
        let deadTopic = settings.deadLetterTopic ?? options.topics.notificationsDead
        let snapshot = try await TopicSnapshot.read(config: options.kafka, topic: deadTopic, timeout: .seconds(60))
        guard snapshot.complete else {
            throw OptionsError("could not read \(deadTopic) to its end; nothing was redriven")
        }
        var letters: [DeliveredPair: DeadLetter] = [:]
        var report = Report()
        for message in snapshot.records {
            guard message.header(RecordHeaders.schema)?.text == DeadLetter.schemaName, let value = message.value,
                let letter = try? AttacheJSON.decoder().decode(DeadLetter.self, from: Data(value))
            else { continue }
            if let receiver, letter.receiver != receiver { continue }
            if let since, letter.at < since { continue }
            report.letters += 1
            letters[DeliveredPair(notificationID: letter.notification.id, receiver: letter.receiver)] = letter
        }
        let delivered = DeliveredLog()
        _ = try await delivered.catchUp(
            config: options.kafka, topic: options.topics.notificationsDelivered, logger: logger)
        let producer = try KafkaProducer(config: options.kafka, logger: logger)
        defer { producer.close() }
        let output = NotifierOutput(
            producer: producer, topics: options.topics, deadLetterTopic: deadTopic, logger: logger, stopping: { false })
        let sinks = Dictionary(uniqueKeysWithValues: configuration.makeSinks().map { ($0.name, $0) })
        let metrics = Metrics()
        var lanes: [String: ReceiverLane] = [:]
        for (pair, letter) in letters.sorted(by: { ($0.value.at, $0.key.key) < ($1.value.at, $1.key.key) }) {
            if delivered.contains(pair) {
                report.alreadyDelivered += 1
                continue
            }
            guard let sink = sinks[pair.receiver] else {
                report.unknownReceivers.insert(pair.receiver)
                continue
            }
            let lane =
                lanes[pair.receiver]
                ?? ReceiverLane(sink: sink, policy: settings.retry, maxInFlight: 1, metrics: metrics, logger: logger)
            lanes[pair.receiver] = lane
            let notification = letter.notification
            switch await lane.deliver(notification, stopping: { false }) {
            case .accepted(let attempts):
                try await output.delivered(
                    DeliveryRecord(
                        notificationId: notification.id, receiver: pair.receiver, rule: notification.rule,
                        attempts: attempts, deliveredAt: Date()), traceparent: nil)
                try await output.audit(notification, traceparent: nil)
                delivered.insert(pair)
                report.delivered += 1
                logger.info("redrove notification \(notification.id) to \(pair.receiver)")
            case .failed(let attempts, let error, let permanent):
                try await output.deadLetter(
                    DeadLetter(
                        notification: notification, receiver: pair.receiver, error: error, attempts: attempts,
                        permanent: permanent, at: Date()), traceparent: nil)
                report.failed += 1
            case .interrupted:
                report.failed += 1
            }
        }
        return report
    }
}
