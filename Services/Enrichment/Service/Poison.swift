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
                                      detail: "the record at \(where_(message)) is not a valid \(T.schemaName.rawValue): \(explain(error))"))
        }
    }

    /// `articles.parsed[2]@17`.
    static func where_(_ message: KafkaMessage) -> String {
        "\(message.topic) partition \(message.partition) offset \(message.offset)"
    }

    /// The rejection of a record. Its time is the record's timestamp, so a replay gives the
    /// same value.
    static func rejection(_ message: KafkaMessage, reason: String, detail: String) -> Rejection {
        let at = message.timestampMs.map { Date(timeIntervalSince1970: Double($0) / 1000) } ?? Date(timeIntervalSince1970: 0)
        return Rejection(reason: reason, detail: detail, origin: "kafka:\(message.topic)/\(message.partition)/\(message.offset)",
                         payload: message.value ?? [], at: at)
    }

    /// The record of a rejection on the rejected topic, keyed by its submission id.
    static func record(_ rejection: Rejection, topic: String, cause: KafkaMessage) throws -> OutgoingRecord {
        try OutgoingRecord.json(topic: topic, key: rejection.key, value: rejection, traceparent: TraceContext.child(of: cause))
    }

    /// A decoding error as a sentence: what is wrong, and where in the record.
    static func explain(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.isEmpty ? "" : " at \(keys.hasPrefix(".") ? String(keys.dropFirst()) : keys)"
        }
        switch error {
        case .dataCorrupted(let context):
            let underlying = (context.underlyingError as NSError?).map { " (\($0.localizedDescription))" } ?? ""
            return "malformed JSON\(path(context)): \(context.debugDescription)\(underlying)"
        case .keyNotFound(let key, let context):
            return "missing field '\(key.stringValue)'\(path(context))"
        case .typeMismatch(let type, let context):
            return "wrong type\(path(context)), expected \(type): \(context.debugDescription)"
        case .valueNotFound(let type, let context):
            return "null value\(path(context)), expected \(type)"
        @unknown default:
            return "\(error)"
        }
    }
}
