import AttacheKafka
import AttacheModels
import Foundation

/// A consumed record a service cannot read (invalid JSON, an unknown schema version, a value
/// out of range): it becomes a `Rejection` (on `articles.rejected`, or the notifier's dead
/// letters) and the partition moves on. This is the one decoding boundary for records read
/// from Kafka: `decode` never traps, whatever the bytes, headers or timestamp.
public enum PoisonRecord {
    /// `trade.deltas partition 2 offset 17`: where the record is, for the rejection's detail.
    public static func location(_ message: KafkaMessage) -> String {
        "\(message.topic) partition \(message.partition) offset \(message.offset)"
    }

    /// The rejection of a record. Its time is the record's own timestamp (clamped into
    /// `RecordLimits.instants`), so a replay gives the same value.
    public static func rejection(_ message: KafkaMessage, reason: String, detail: String) -> Rejection {
        let at = message.timestampMs.map(RecordLimits.instant(unixMillis:)) ?? RecordLimits.instants.lowerBound
        return Rejection(
            reason: reason, detail: detail, origin: "kafka:\(message.topic)/\(message.partition)/\(message.offset)",
            payload: message.value ?? [], at: at)
    }

    /// Decodes and validates a record value (`AttacheJSON.decodeValidated`), or says why it
    /// cannot be read, naming the topic, partition and offset.
    public static func decode<T: ValidatedRecord>(_ type: T.Type, from message: KafkaMessage) -> Result<T, Rejection> {
        guard let value = message.value else {
            return .failure(
                rejection(
                    message, reason: "invalid_record",
                    detail:
                        "the record at \(location(message)) has no value (a tombstone), expected \(T.schemaName.rawValue)"
                ))
        }
        switch AttacheJSON.decodeValidated(T.self, from: value) {
        case .success(let record):
            return .success(record)
        case .failure(let refusal):
            return .failure(
                rejection(
                    message, reason: refusal.reason,
                    detail: "the record at \(location(message)) cannot be accepted: \(refusal.detail)"))
        }
    }
}
