import AttacheKafka
import AttacheModels
import AttacheRuntime
import Foundation

/// Reads the notifier's input records: `articles.enriched`, `trade.deltas`, `anniversaries`.
///
/// Every record goes through this one boundary: decoded, then checked (`InputCheck`) for
/// the ranges the rules rely on, so that no value from outside can make a rule trap. A
/// record that cannot be used is `invalid` with a reason and a sentence naming the field;
/// the service dead-letters it and moves on.
struct InputReader: Sendable {
    var topics: Topics

    enum Outcome {
        case input(RuleInput)
        /// A tombstone on a compacted topic: a deletion, nothing to notify.
        case tombstone
        /// Not usable: a short reason code and a sentence that says what is wrong and where.
        case invalid(reason: String, detail: String)
    }

    /// Kafka timestamps outside 1970…9999 (a producer may send anything) are read as 0.
    static let latestTimestampMs: Int64 = 253_402_300_799_999

    func read(_ message: KafkaMessage) -> Outcome {
        let time: Date
        if let ms = message.timestampMs, ms >= 0, ms <= InputReader.latestTimestampMs {
            time = Date(timeIntervalSince1970: Double(ms) / 1000)
        } else {
            time = Date(timeIntervalSince1970: 0)
        }
        let key = message.keyText ?? ""
        let place = PoisonRecord.location(message)
        guard let value = message.value else {
            if message.topic == topics.deltas {
                return .invalid(reason: "invalid_record",
                                detail: "the record at \(place) has no value (a tombstone), expected \(TradeDelta.schemaName.rawValue)")
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
                return .invalid(reason: "unknown_schema", detail: "the record at \(place) is on a topic the notifier does not read")
            }
            if let problem = InputCheck.problem(in: record) {
                return .invalid(reason: "out_of_range", detail: "the record at \(place) cannot be used: \(problem)")
            }
            let subjectKey: String
            switch record {
            case .enriched(let article): subjectKey = key.isEmpty ? article.article.id : key
            case .delta(let delta): subjectKey = key.isEmpty ? delta.series.id : key
            case .anniversary(let anniversary): subjectKey = key.isEmpty ? anniversary.id : key
            }
            return .input(RuleInput(record, topic: message.topic, key: subjectKey, recordTime: time))
        } catch let mismatch as SchemaMismatch {
            return .invalid(reason: "unknown_schema", detail: "the record at \(place) cannot be read: \(mismatch)")
        } catch {
            return .invalid(reason: "invalid_record",
                            detail: "the record at \(place) is not a valid \(expected(message.topic)): \(AttacheJSON.explain(error))")
        }
    }

    private func expected(_ topic: String) -> String {
        switch topic {
        case topics.enriched: EnrichedArticle.schemaName.rawValue
        case topics.deltas: TradeDelta.schemaName.rawValue
        case topics.anniversaries: Anniversary.schemaName.rawValue
        default: "record"
        }
    }
}

/// The ranges the rules rely on: years 1000–9999, ordinals 1–1000, finite amounts and
/// percentages of sane size, bounded texts and lists. Pure.
enum InputCheck {
    static let years = 1000...9999
    static let ordinals = 1...1000
    /// Larger magnitudes are no trade figure (the world's GDP is about 1e14 USD).
    static let maxAmount = 1e18
    static let maxText = 64 * 1024
    static let maxItems = 10_000

    /// The first problem found, as `field: what is wrong`, or nil.
    static func problem(in record: RuleInput.Record) -> String? {
        switch record {
        case .anniversary(let a): anniversary(a)
        case .delta(let d): delta(d)
        case .enriched(let e): enriched(e)
        }
    }

    static func anniversary(_ a: Anniversary) -> String? {
        if !ordinals.contains(a.ordinal) { return "ordinal \(a.ordinal) is outside \(ordinals.lowerBound)–\(ordinals.upperBound)" }
        if !years.contains(a.year) { return "year \(a.year) is outside \(years.lowerBound)–\(years.upperBound)" }
        if !years.contains(a.baseYear) { return "baseYear \(a.baseYear) is outside \(years.lowerBound)–\(years.upperBound)" }
        if !(ordinals.lowerBound...ordinals.upperBound + 5).contains(a.next.ordinal) { return "next.ordinal \(a.next.ordinal) is out of range" }
        if !years.contains(a.next.year) { return "next.year \(a.next.year) is outside \(years.lowerBound)–\(years.upperBound)" }
        if a.subject.isEmpty || a.subject.utf8.count > maxText { return "subject is empty or longer than \(maxText) bytes" }
        if a.text.utf8.count > maxText { return "text is longer than \(maxText) bytes" }
        if a.parties.count > 100 { return "parties has \(a.parties.count) entries" }
        return nil
    }

    static func delta(_ d: TradeDelta) -> String? {
        for (name, value) in [("from.amount", d.from.amount), ("to.amount", d.to.amount), ("absolute", d.absolute)] {
            if let problem = amount(value, name) { return problem }
        }
        if let percent = d.percent, !percent.isFinite || percent.magnitude > 1e9 { return "percent \(percent) is not a finite percentage" }
        if let ratio = d.ratio, !ratio.isFinite || ratio.magnitude > 1e9 { return "ratio \(ratio) is not a finite ratio" }
        if d.articles.count > maxItems { return "articles has \(d.articles.count) entries" }
        for (name, period) in [("from.period", d.from.period), ("to.period", d.to.period)] where period.label.utf8.count > 100 {
            return "\(name).label is longer than 100 bytes"
        }
        return series(d.series)
    }

    static func enriched(_ e: EnrichedArticle) -> String? {
        if e.figures.count > maxItems { return "figures has \(e.figures.count) entries" }
        for (index, figure) in e.figures.enumerated() {
            if let problem = amount(figure.amount, "figures[\(index)].amount") { return problem }
            if let problem = series(figure.series) { return "figures[\(index)]: \(problem)" }
            if figure.text.utf8.count > maxText { return "figures[\(index)].text is longer than \(maxText) bytes" }
        }
        if (e.article.title?.utf8.count ?? 0) > maxText { return "article.title is longer than \(maxText) bytes" }
        return nil
    }

    static func amount(_ value: Double?, _ name: String) -> String? {
        guard let value else { return nil }
        if !value.isFinite || value.magnitude > maxAmount { return "\(name) \(value) is not a finite amount up to 1e18" }
        return nil
    }

    static func series(_ s: Series) -> String? {
        for (name, code) in [("reporter", s.reporter), ("partner", s.partner), ("currency", s.currency)] where code.isEmpty || code.utf8.count > 16 {
            return "series.\(name) '\(code.prefix(20))' is not a code"
        }
        return nil
    }
}
