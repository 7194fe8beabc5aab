import AttacheKafka
import AttacheModels
import AttacheRuntime
import Foundation

/// Records the service cannot read: they become a `Rejection` on `articles.rejected` and
/// the partition moves on (a poison record never stalls its partition).
enum Poison {
    /// Decodes a record value, or says why it cannot be read.
    static func decode<T: SchemaRecord>(_ type: T.Type, from message: KafkaMessage) -> Result<T, Rejection> {
        guard let value = message.value else {
            return .failure(rejection(message, reason: "invalid_record",
                                      detail: "the record at \(where_(message)) has no value (a tombstone), expected \(T.schemaName.rawValue)"))
        }
        do {
            return .success(try AttacheJSON.decode(T.self, from: value))
        } catch let mismatch as SchemaMismatch {
            return .failure(rejection(message, reason: "unknown_schema",
                                      detail: "the record at \(where_(message)) cannot be read: \(mismatch)"))
        } catch {
            return .failure(rejection(message, reason: "invalid_record",
                                      detail: "the record at \(where_(message)) is not a valid \(T.schemaName.rawValue): \(AttacheJSON.explain(error))"))
        }
    }

    static func where_(_ message: KafkaMessage) -> String { PoisonRecord.location(message) }

    static func rejection(_ message: KafkaMessage, reason: String, detail: String) -> Rejection {
        PoisonRecord.rejection(message, reason: reason, detail: detail)
    }

    /// The record of a rejection on the rejected topic, keyed by its submission id.
    static func record(_ rejection: Rejection, topic: String, cause: KafkaMessage) throws -> OutgoingRecord {
        try OutgoingRecord.json(topic: topic, key: rejection.key, value: rejection, traceparent: TraceContext.child(of: cause))
    }
}
