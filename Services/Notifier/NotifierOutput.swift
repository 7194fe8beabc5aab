import AttacheKafka
import AttacheModels
import AttacheRuntime
import Foundation
import Logging

/// What the notifier writes: delivered pairs, dead letters, invalid input records and the
/// audit of notifications, each sent and confirmed by the broker before the input record is
/// done (retrying failures that are not fatal a few times).
struct NotifierOutput: Sendable {
    var producer: KafkaProducer
    var topics: Topics
    var deadLetterTopic: String
    var logger: Logger
    var stopping: @Sendable () -> Bool

    func delivered(_ record: DeliveryRecord, traceparent: String?) async throws {
        try await send(
            topic: topics.notificationsDelivered, key: record.pair.key, value: AttacheJSON.encode(record),
            schema: DeliveryRecord.schemaName, traceparent: traceparent,
            what: "delivery of \(record.notificationId) to \(record.receiver)")
    }

    func deadLetter(_ letter: DeadLetter, traceparent: String?) async throws {
        try await send(
            topic: deadLetterTopic, key: letter.notification.id, value: AttacheJSON.encode(letter),
            schema: DeadLetter.schemaName, traceparent: traceparent, what: "dead letter of \(letter.notification.id)")
    }

    func invalid(_ record: InvalidRecord, traceparent: String?) async throws {
        try await send(
            topic: deadLetterTopic, key: record.recordKey, value: AttacheJSON.encode(record),
            schema: InvalidRecord.schemaName, traceparent: traceparent, what: "invalid record \(record.recordKey)")
    }

    func audit(_ notification: AttacheModels.Notification, traceparent: String?) async throws {
        let record = try OutgoingRecord.json(
            topic: topics.notifications, key: notification.id, value: notification, traceparent: traceparent)
        try await send(record, what: "audit of notification \(notification.id)")
    }

    private func send(topic: String, key: String, value: [UInt8], schema: String, traceparent: String?, what: String)
        async throws
    {
        var headers = [
            KafkaHeader(RecordHeaders.contentType, RecordHeaders.json), KafkaHeader(RecordHeaders.schema, schema),
        ]
        if let traceparent { headers.append(KafkaHeader(RecordHeaders.traceparent, traceparent)) }
        try await send(OutgoingRecord(topic: topic, key: Array(key.utf8), value: value, headers: headers), what: what)
    }

    /// Writes that fail with an error that is not fatal are tried again, briefly.
    static let retries = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(200), maxDelay: .seconds(1))

    private func send(_ record: OutgoingRecord, what: String) async throws {
        let producer = producer
        let logger = logger
        let stopping = stopping
        do {
            _ = try await NotifierOutput.retries.run(
                { try await producer.send(record) },
                retryable: { (($0 as? KafkaError)?.kind).map { $0 != .fatal } == true && !stopping() },
                onRetry: { error, attempt, wait in
                    logger.warning(
                        "could not write the \(what) to \(record.topic) (attempt \(attempt)), retrying in \(String(format: "%.0f", wait.seconds * 1000)) ms: \(error)"
                    )
                })
        } catch let error as KafkaError where error.kind == .fatal {
            throw error
        } catch {
            throw NotifierOutputError(what: what, topic: record.topic, underlying: error)
        }
    }
}

/// The notifier could not write its output (after its retries): the service stops, since
/// committing on would lose what was not written. `underlying` is the producer's error.
struct NotifierOutputError: Error, CustomStringConvertible {
    var what: String
    var topic: String
    var underlying: any Error

    var description: String { "could not write the \(what) to \(topic): \(underlying)" }
}
