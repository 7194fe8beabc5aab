import AttacheKafka
import AttacheModels
import AttacheRuntime
import Foundation

/// Reads the notifier's input records: `articles.enriched`, `trade.deltas`, `anniversaries`.
/// A record that cannot be read becomes a `Rejection` for `articles.rejected`
/// (`invalid_record`, `unknown_schema`), so a poison record never stalls its partition.
struct InputReader: Sendable {
    var topics: Topics

    enum Outcome {
        case input(RuleInput)
        /// A tombstone on a compacted topic: a deletion, nothing to notify.
        case tombstone
        case rejected(Rejection)
    }

    func read(_ message: KafkaMessage) -> Outcome {
        let time = message.timestampMs.map { Date(timeIntervalSince1970: Double($0) / 1000) } ?? Date(timeIntervalSince1970: 0)
        let key = message.keyText ?? ""
        guard let value = message.value else {
            if message.topic == topics.deltas {
                return .rejected(rejection(message, reason: "invalid_record",
                                           detail: "the record at \(where_(message)) has no value (a tombstone), expected \(TradeDelta.schemaName.rawValue)"))
            }
            return .tombstone
        }
        do {
            let record: RuleInput.Record
            switch message.topic {
            case topics.enriched: record = .enriched(try AttacheJSON.decode(EnrichedArticle.self, from: value))
            case topics.deltas: record = .delta(try AttacheJSON.decode(TradeDelta.self, from: value))
            case topics.anniversaries: record = .anniversary(try AttacheJSON.decode(Anniversary.self, from: value))
            default:
                return .rejected(rejection(message, reason: "unknown_schema",
                                           detail: "the record at \(where_(message)) is on a topic the notifier does not read"))
            }
            let subjectKey: String
            switch record {
            case .enriched(let article): subjectKey = key.isEmpty ? article.article.id : key
            case .delta(let delta): subjectKey = key.isEmpty ? delta.series.id : key
            case .anniversary(let anniversary): subjectKey = key.isEmpty ? anniversary.id : key
            }
            return .input(RuleInput(record, topic: message.topic, key: subjectKey, recordTime: time))
        } catch let mismatch as SchemaMismatch {
            return .rejected(rejection(message, reason: "unknown_schema", detail: "the record at \(where_(message)) cannot be read: \(mismatch)"))
        } catch {
            return .rejected(rejection(message, reason: "invalid_record",
                                       detail: "the record at \(where_(message)) is not a valid \(expected(message.topic)): \(explain(error))"))
        }
    }

    /// `trade.deltas partition 2 offset 17`.
    func where_(_ message: KafkaMessage) -> String {
        "\(message.topic) partition \(message.partition) offset \(message.offset)"
    }

    private func expected(_ topic: String) -> String {
        switch topic {
        case topics.enriched: EnrichedArticle.schemaName.rawValue
        case topics.deltas: TradeDelta.schemaName.rawValue
        case topics.anniversaries: Anniversary.schemaName.rawValue
        default: "record"
        }
    }

    /// The rejection of a record; its time is the record's timestamp, so a replay gives the
    /// same value.
    private func rejection(_ message: KafkaMessage, reason: String, detail: String) -> Rejection {
        let at = message.timestampMs.map { Date(timeIntervalSince1970: Double($0) / 1000) } ?? Date(timeIntervalSince1970: 0)
        return Rejection(reason: reason, detail: detail, origin: "kafka:\(message.topic)/\(message.partition)/\(message.offset)",
                         payload: message.value ?? [], at: at)
    }

    /// A decoding error as a sentence: what is wrong, and where in the record.
    private func explain(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.isEmpty ? "" : " at \(keys.hasPrefix(".") ? String(keys.dropFirst()) : keys)"
        }
        switch error {
        case .dataCorrupted(let context):
            return "malformed JSON\(path(context)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "missing field '\(key.stringValue)'\(path(context))"
        case .typeMismatch(let type, let context):
            return "wrong type\(path(context)), expected \(type)"
        case .valueNotFound(let type, let context):
            return "null value\(path(context)), expected \(type)"
        @unknown default:
            return "\(error)"
        }
    }
}
