import AttacheKafka
import AttacheModels
import AttacheRuntime
import Foundation

/// `attache notifications list`: recent notifications with their delivery state per
/// receiver, from `notifications` (the audit), `notifications.delivered` and
/// `notifications.dead`.
public struct NotificationHistory: Sendable {
    /// Where a notification stands at one receiver.
    public enum State: Sendable, Hashable, CustomStringConvertible {
        case delivered(at: Date)
        case dead(error: String, attempts: Int, at: Date)

        var at: Date {
            switch self {
            case .delivered(let at), .dead(_, _, let at): at
            }
        }

        public var description: String {
            switch self {
            case .delivered: "delivered"
            case .dead(let error, let attempts, _): "dead(\(error), \(attempts) attempt\(attempts == 1 ? "" : "s"))"
            }
        }
    }

    /// One notification.
    public struct Entry: Sendable, Hashable {
        public var id: String
        public var notification: AttacheModels.Notification?
        public var rule: String
        /// By receiver; delivered wins over dead (a redrive delivered it later).
        public var states: [String: State]
        /// The time of the last thing that happened to it.
        public var lastEvent: Date

        /// `2025-10-20T10:00:00.000Z trade-delta 5f0c… trade-desk=delivered ops=dead(HTTP 503, 5 attempts) “title”`.
        public var line: String {
            let receivers = states.keys.sorted().map { "\($0)=\(states[$0]!)" }.joined(separator: " ")
            let title = notification.map { " “\($0.title)”" } ?? ""
            return
                "\(AttacheJSON.formatInstant(lastEvent)) \(rule) \(id) \(receivers.isEmpty ? "(no receiver state)" : receivers)\(title)"
        }
    }

    /// Reads the three topics and returns the notifications whose last event is at or after
    /// `since`, oldest first, at most `limit` (the most recent ones).
    public static func read(
        options: ServiceOptions, deadLetterTopic: String? = nil, since: Date? = nil, limit: Int = 100
    ) async throws -> [Entry] {
        let topics = options.topics
        var entries: [String: Entry] = [:]
        func entry(_ id: String, rule: String, at: Date) -> Entry {
            var value = entries[id] ?? Entry(id: id, notification: nil, rule: rule, states: [:], lastEvent: at)
            value.lastEvent = max(value.lastEvent, at)
            return value
        }
        for message in try await snapshot(options, topics.notifications) {
            guard let value = message.value, let notification = try? AttacheJSON.decode(Notification.self, from: value)
            else { continue }
            var e = entry(notification.id, rule: notification.rule, at: message.time ?? notification.createdAt)
            e.notification = notification
            entries[notification.id] = e
        }
        for message in try await snapshot(options, deadLetterTopic ?? topics.notificationsDead) {
            guard message.header(RecordHeaders.schema)?.text == DeadLetter.schemaName, let value = message.value,
                let letter = try? AttacheJSON.decoder().decode(DeadLetter.self, from: Data(value))
            else { continue }
            var e = entry(letter.notification.id, rule: letter.notification.rule, at: letter.at)
            if e.notification == nil { e.notification = letter.notification }
            if case .delivered = e.states[letter.receiver] {
            } else {
                e.states[letter.receiver] = .dead(error: letter.error, attempts: letter.attempts, at: letter.at)
            }
            entries[letter.notification.id] = e
        }
        for message in try await snapshot(options, topics.notificationsDelivered) {
            guard let value = message.value,
                let record = try? AttacheJSON.decoder().decode(DeliveryRecord.self, from: Data(value))
            else { continue }
            var e = entry(record.notificationId, rule: record.rule, at: record.deliveredAt)
            e.states[record.receiver] = .delivered(at: record.deliveredAt)
            entries[record.notificationId] = e
        }
        let recent = entries.values.filter { since == nil || $0.lastEvent >= since! }.sorted {
            ($0.lastEvent, $0.id) < ($1.lastEvent, $1.id)
        }
        return Array(recent.suffix(max(0, limit)))
    }

    private static func snapshot(_ options: ServiceOptions, _ topic: String) async throws -> [KafkaMessage] {
        let read = try await TopicSnapshot.read(config: options.kafka, topic: topic, timeout: .seconds(60))
        guard read.complete else { throw OptionsError("could not read \(topic) to its end") }
        return read.records
    }
}

extension KafkaMessage {
    /// The record's timestamp as a date, when it has a sane one.
    var time: Date? {
        guard let ms = timestampMs, ms >= 0, ms <= InputReader.latestTimestampMs else { return nil }
        return Date(timeIntervalSince1970: Double(ms) / 1000)
    }
}
