import AttacheKafka
import AttacheModels
import Foundation

/// A consumed record a service cannot read (invalid JSON, an unknown schema version): it
/// becomes a `Rejection` on `articles.rejected` and the partition moves on.
public enum PoisonRecord {
    /// `trade.deltas partition 2 offset 17`: where the record is, for the rejection's detail.
    public static func location(_ message: KafkaMessage) -> String {
        "\(message.topic) partition \(message.partition) offset \(message.offset)"
    }

    /// The rejection of a record. Its time is the record's own timestamp, so a replay gives
    /// the same value.
    public static func rejection(_ message: KafkaMessage, reason: String, detail: String) -> Rejection {
        let at = message.timestampMs.map { Date(timeIntervalSince1970: Double($0) / 1000) } ?? Date(timeIntervalSince1970: 0)
        return Rejection(reason: reason, detail: detail, origin: "kafka:\(message.topic)/\(message.partition)/\(message.offset)",
                         payload: message.value ?? [], at: at)
    }
}
