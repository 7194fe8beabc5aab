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
                                       detail: "the record at \(where_(message)) is not a valid \(expected(message.topic)): \(AttacheJSON.explain(error))"))
        }
    }

    func where_(_ message: KafkaMessage) -> String { PoisonRecord.location(message) }

    private func expected(_ topic: String) -> String {
        switch topic {
        case topics.enriched: EnrichedArticle.schemaName.rawValue
        case topics.deltas: TradeDelta.schemaName.rawValue
        case topics.anniversaries: Anniversary.schemaName.rawValue
        default: "record"
        }
    }

    private func rejection(_ message: KafkaMessage, reason: String, detail: String) -> Rejection {
        PoisonRecord.rejection(message, reason: reason, detail: detail)
    }
}
