import AttacheKafka
import AttacheModels
import AttacheRuntime
import Foundation

/// Reads the notifier's input records: `articles.enriched`, `trade.deltas`, `anniversaries`.
///
/// Every record goes through this one boundary: decoded and validated by the decoding
/// boundary every service shares (`PoisonRecord.decode`, with the ranges of
/// `RecordLimits`: years, ordinals, amounts, identifiers), then checked for the sizes a
/// notification carries (`InputBounds`), so that no value from outside can make a rule trap
/// or a notification grow without bound. A record that cannot be used is `invalid` with a
/// reason and a sentence naming the field; the service dead-letters it and moves on.
struct InputReader: Sendable {
    var topics: Topics

    enum Outcome {
        case input(RuleInput)
        /// A tombstone on a compacted topic: a deletion, nothing to notify.
        case tombstone
        /// Not usable: a short reason code and a sentence that says what is wrong and where.
        case invalid(reason: String, detail: String)
    }

    /// Kafka timestamps outside 1970…9999 (`RecordLimits.instants`; a producer may send
    /// anything) are read as 0. This is the last millisecond accepted.
    static let latestTimestampMs = Int64((RecordLimits.instants.upperBound.timeIntervalSince1970 * 1000).rounded())

    func read(_ message: KafkaMessage) -> Outcome {
        let time: Date
        if let ms = message.timestampMs, ms >= 0, ms <= InputReader.latestTimestampMs {
            time = Date(timeIntervalSince1970: Double(ms) / 1000)
        } else {
            time = Date(timeIntervalSince1970: 0)
        }
        let key = message.keyText ?? ""
        // Tombstones are deletions on the compacted topics; on trade.deltas (not compacted)
        // a record without a value is invalid, as the shared boundary says.
        if message.value == nil, message.topic != topics.deltas { return .tombstone }
        let decoded: Result<RuleInput.Record, Rejection>
        switch message.topic {
        case topics.enriched: decoded = PoisonRecord.decode(EnrichedArticle.self, from: message).map { .enriched($0) }
        case topics.deltas: decoded = PoisonRecord.decode(TradeDelta.self, from: message).map { .delta($0) }
        case topics.anniversaries:
            decoded = PoisonRecord.decode(Anniversary.self, from: message).map { .anniversary($0) }
        default:
            return .invalid(
                reason: "unknown_schema",
                detail: "the record at \(PoisonRecord.location(message)) is on a topic the notifier does not read")
        }
        let record: RuleInput.Record
        switch decoded {
        case .failure(let rejection):
            return .invalid(reason: InputReader.reason(rejection.reason), detail: rejection.detail)
        case .success(let value):
            record = value
        }
        if let problem = InputBounds.problem(in: record) {
            return .invalid(
                reason: "out_of_range",
                detail: "the record at \(PoisonRecord.location(message)) cannot be used: \(problem)")
        }
        let subjectKey: String
        switch record {
        case .enriched(let article): subjectKey = key.isEmpty ? article.article.id : key
        case .delta(let delta): subjectKey = key.isEmpty ? delta.series.id : key
        case .anniversary(let anniversary): subjectKey = key.isEmpty ? anniversary.id : key
        }
        return .input(RuleInput(record, topic: message.topic, key: subjectKey, recordTime: time))
    }

    /// The notifier's reason code for a refusal of the shared boundary: its dead letters say
    /// `out_of_range` where the boundary says `invalid_field` (docs/notifier.md); the other
    /// codes (`invalid_record`, `unknown_schema`) are the same.
    static func reason(_ shared: String) -> String {
        shared == "invalid_field" ? "out_of_range" : shared
    }
}

/// The sizes a notification carries, beyond the ranges every service checks
/// (`RecordLimits`): bounded texts and lists, so that a record cannot make a notification,
/// a webhook body or the rules' work grow without bound. Pure.
enum InputBounds {
    static let maxText = 64 * 1024
    static let maxItems = 10_000
    static let maxParties = 100

    /// The first problem found, as `field: what is wrong`, or nil.
    static func problem(in record: RuleInput.Record) -> String? {
        switch record {
        case .anniversary(let a): anniversary(a)
        case .delta(let d):
            d.articles.count > maxItems ? "articles has \(d.articles.count) entries, more than \(maxItems)" : nil
        case .enriched(let e): enriched(e)
        }
    }

    static func anniversary(_ a: Anniversary) -> String? {
        if a.subject.isEmpty || a.subject.utf8.count > maxText {
            return "subject is empty or longer than \(maxText) bytes"
        }
        if a.text.utf8.count > maxText { return "text is longer than \(maxText) bytes" }
        if a.parties.count > maxParties { return "parties has \(a.parties.count) entries, more than \(maxParties)" }
        return nil
    }

    static func enriched(_ e: EnrichedArticle) -> String? {
        if e.figures.count > maxItems { return "figures has \(e.figures.count) entries, more than \(maxItems)" }
        for (index, figure) in e.figures.enumerated() where figure.text.utf8.count > maxText {
            return "figures[\(index)].text is longer than \(maxText) bytes"
        }
        if (e.article.title?.utf8.count ?? 0) > maxText { return "article.title is longer than \(maxText) bytes" }
        return nil
    }
}
