import AttacheKafka
import AttacheModels
import AttacheRuntime
import AttacheTesting
import CRdKafka
import Extraction
import Foundation
import Testing

@testable import Enrichment

/// A poison-record campaign over every topic enrichment reads (`articles.parsed`,
/// `trade.observations`, and `attache.ledger` at restore): mutations of valid records,
/// extreme values, wrong types and garbage, from a fixed seed, each followed by a good
/// record on the same partition. The service must stay up, reject every poison record with
/// a reason that names its topic, partition and offset, and process every good record.
@Suite("Enrichment service: poison-record campaign")
struct PoisonCampaignTests {
    /// Records per kind; small enough for CI, large enough to cover every mutation often.
    static let poisonPerTopic = Int(ProcessInfo.processInfo.environment["ATTACHE_POISON_COUNT"] ?? "") ?? 120
    static let seed: UInt64 = 0xA77AC4E

    @Test(
        "articles.parsed and trade.observations: every poison record rejected with a reason, every good one processed")
    func campaign() async throws {
        let broker = try brokerWithTopics()
        let topics = Topics()
        var random = CampaignRandom(seed: Self.seed)
        let articles = try Seeds.articles()
        let extractor = Extractor(home: "KZ")
        let observations = articles.flatMap { extractor.extract($0).observations(article: $0) }.filter {
            !$0.key.isEmpty
        }
        #expect(observations.count >= 5)

        let producer = try KafkaProducer(config: broker.config, logger: testLogger)
        defer { producer.close() }
        var poison: [String: String] = [:]  // origin → what it was
        var goodArticles: Set<String> = []
        var goodObservations: [TradeObservation] = []
        for index in 0..<Self.poisonPerTopic {
            // articles.parsed: a poison record, then a good article on the same partition.
            let base = articles[index % articles.count]
            let key = "k\(index % 8)"
            let (bad, what) = PoisonArticles.make(from: base, random: &random)
            let badReport = try await producer.send(
                OutgoingRecord(
                    topic: topics.parsed, key: Array(key.utf8), value: bad,
                    timestampMs: index % 3 == 0 ? Int64.max : nil))
            poison["kafka:\(topics.parsed)/\(badReport.partition)/\(badReport.offset)"] = what
            var good = base
            good.id = "good-\(index)"
            _ = try await producer.send(try .json(topic: topics.parsed, key: key, value: good, traceparent: nil))
            goodArticles.insert(good.id)

            // trade.observations: a poison observation, then a good one of the same series.
            var observation = observations[index % observations.count]
            let (badObservation, whatObservation) = PoisonObservations.make(from: observation, random: &random)
            let obsReport = try await producer.send(
                OutgoingRecord(
                    topic: topics.observations, key: Array(observation.key.utf8), value: badObservation,
                    timestampMs: index % 4 == 0 ? Int64.min + 1 : nil))
            poison["kafka:\(topics.observations)/\(obsReport.partition)/\(obsReport.offset)"] = whatObservation
            observation.article = "good-observation-\(index)"
            _ = try await producer.send(
                try .json(topic: topics.observations, key: observation.key, value: observation, traceparent: nil))
            goodObservations.append(observation)
        }

        let group = unique("poison")
        let running = try RunningService(broker: broker, group: group)
        try await running.waitReady()
        try await waitDrained(group: group, broker: broker)
        #expect(running.health.isAlive, "the service stopped: \(running.health.readiness)")
        let (health, _) = try await running.get("/healthz")
        #expect(health == 200)
        try await running.stop()

        // Every poison record rejected, with a reason and its location.
        let rejections = try await values(Rejection.self, topics.rejected, broker: broker)
        let byOrigin = Dictionary(rejections.map { ($0.origin, $0) }, uniquingKeysWith: { first, _ in first })
        var missing: [String] = []
        for (origin, what) in poison.sorted(by: { $0.key < $1.key }) {
            guard let rejection = byOrigin[origin] else {
                missing.append("\(origin) (\(what))")
                continue
            }
            #expect(
                ["invalid_record", "unknown_schema", "invalid_field"].contains(rejection.reason),
                "\(origin): \(rejection.reason)")
            #expect(
                rejection.detail.contains("partition") && rejection.detail.contains("offset"), "\(rejection.detail)")
            // A timestamp near Int64.max is clamped, not a trap.
            #expect(RecordLimits.instants.contains(rejection.at))
        }
        #expect(missing.isEmpty, "poison records not rejected: \(missing.prefix(5))")
        // Nothing else rejected (a replay after a rebalance repeats a rejection: same key and value).
        #expect(
            Set(rejections.map(\.origin)).count == poison.count,
            "\(rejections.count) rejections for \(poison.count) poison records")

        // Every good record after a poison one was processed.
        let enriched = Set(try await readAll(topics.enriched, broker: broker).compactMap(\.keyText))
        #expect(
            goodArticles.isSubset(of: enriched),
            "\(goodArticles.subtracting(enriched).count) good articles not enriched")
        // The ledger keeps one entry per slot (series and period, issue 12): every good
        // observation holds its slot, or a better one of the same slot does.
        var holders: [String: TradeObservation] = [:]
        for entry in try await values(LedgerEntry.self, topics.ledger, broker: broker) {
            holders[entry.key] = entry.observation
        }
        let unaccounted = goodObservations.filter { o in
            guard let holder = holders[o.ledgerSlot] else { return true }
            return holder != o && !SeriesLedger.better(holder, o)
        }
        #expect(
            unaccounted.isEmpty,
            "\(unaccounted.count) good observations neither in the ledger nor beaten by a better one of their slot")
        Swift.print(
            "poison campaign: \(poison.count) poison records, \(rejections.count) rejected, \(goodArticles.count + goodObservations.count) good records processed, 0 crashes"
        )
        var kinds: [String: Int] = [:]
        for (origin, what) in poison {
            let topic = origin.contains(topics.parsed) ? "articles.parsed" : "trade.observations"
            kinds["\(topic) \(PoisonKind.of(what))", default: 0] += 1
        }
        for (kind, count) in kinds.sorted(by: { $0.key < $1.key }) {
            Swift.print("  \(kind): \(count) tried, \(count) rejected")
        }
    }

    @Test("attache.ledger restore: unreadable entries are rejected, good entries restored, the service ready")
    func ledgerRestore() async throws {
        let broker = try brokerWithTopics()
        let topics = Topics()
        var random = CampaignRandom(seed: Self.seed ^ 0x1ED6E5)
        let observations = try Seeds.articles().flatMap { Extractor(home: "KZ").extract($0).observations(article: $0) }
            .filter { !$0.key.isEmpty }
        let producer = try KafkaProducer(config: broker.config, logger: testLogger)
        defer { producer.close() }
        var poison: Set<String> = []
        var restored: [(TradeObservation, Int32)] = []
        let count = max(20, Self.poisonPerTopic / 2)
        for index in 0..<count {
            let partition = Int32(index % 4)
            var observation = observations[index % observations.count]
            observation.article = "restored-\(index)"
            let entry = LedgerEntry(observation: observation)
            let (bad, _) = PoisonObservations.make(from: observation, random: &random)
            // A poison entry: the observation's mutation inside a ledger entry, or garbage.
            let badEntry =
                index % 2 == 0
                ? Array("{\"schema\":\"attache.ledger-entry.v1\",\"observation\":".utf8) + bad + Array("}".utf8)
                : bad
            let report = try await producer.send(
                OutgoingRecord(topic: topics.ledger, partition: partition, key: Array(entry.key.utf8), value: badEntry))
            poison.insert("kafka:\(topics.ledger)/\(report.partition)/\(report.offset)")
            var good = try OutgoingRecord.json(topic: topics.ledger, key: entry.key, value: entry, traceparent: nil)
            good.partition = partition
            _ = try await producer.send(good)
            restored.append((observation, partition))
        }
        let group = unique("restore")
        let running = try RunningService(broker: broker, group: group)
        try await running.waitReady()
        #expect(running.metrics.value("attache_enrichment_restored_entries") >= 1)
        // The restored observations arrive again: the ledger already holds them.
        for (observation, partition) in restored {
            var record = try OutgoingRecord.json(
                topic: topics.observations, key: observation.key, value: observation, traceparent: nil)
            record.partition = partition
            _ = try await producer.send(record)
        }
        try await waitDrained(group: group, broker: broker)
        #expect(running.health.isAlive)
        try await running.stop()
        #expect(
            running.metrics.value("attache_enrichment_observations_skipped_total") >= Double(restored.count),
            "restored observations were not recognised: the restore lost entries")
        // Nothing restored was written again: the ledger holds exactly what was put there.
        let written = try await readAll(topics.ledger, broker: broker).compactMap { message in
            message.value.flatMap { try? AttacheJSON.decodeValidated(LedgerEntry.self, from: $0).get() }
        }
        #expect(
            written.count == restored.count,
            "\(written.count - restored.count) restored observations were taken for new ones")
        let origins = Set(try await values(Rejection.self, topics.rejected, broker: broker).map(\.origin))
        #expect(
            poison.isSubset(of: origins),
            "\(poison.subtracting(origins).count) of \(poison.count) poison ledger entries not rejected")
    }

    @Test("an amount of 400 digits: rejected or finite, never dropped silently; the article after it is enriched")
    func hugeAmount() async throws {
        let broker = try brokerWithTopics()
        let topics = Topics()
        let digits = "9" + String(repeating: "0", count: 399)
        let text =
            "In 2022, trade turnover between Kazakhstan and Luxembourg amounted to \(digits) million US dollars, and FDI inflow from Luxembourg reached \(digits) billion US dollars."
        let huge = Article(
            id: "huge-amount", published: Day(year: 2023, month: 6, day: 30)!, title: "Trade", dateline: nil,
            source: nil,
            text: text, paragraphs: [TextSpan(start: 0, end: text.unicodeScalars.count)], countries: ["KZ", "LU"],
            receivedAt: Seeds.received, origin: "test")
        var after = try Seeds.articles()[2]
        after.id = "after-huge"
        try await publish([huge, after], to: broker)
        let group = unique("huge")
        let running = try RunningService(broker: broker, group: group)
        try await running.waitReady()
        try await waitDrained(group: group, broker: broker)
        #expect(running.health.isAlive)
        try await running.stop()
        let enriched = try await values(EnrichedArticle.self, topics.enriched, broker: broker)
        let rejected = try await values(Rejection.self, topics.rejected, broker: broker)
        #expect(enriched.contains { $0.article.id == "after-huge" })
        if let output = enriched.first(where: { $0.article.id == "huge-amount" }) {
            #expect(output.figures.allSatisfy { $0.amount.isFinite && abs($0.amount) <= RecordLimits.maxMagnitude })
        } else {
            #expect(
                rejected.contains {
                    $0.reason == "unencodable_output" && $0.origin.hasPrefix("kafka:\(topics.parsed)/")
                },
                "the article with a 400-digit amount was neither enriched nor rejected: \(rejected.map(\.detail))")
        }
    }

    @Test("a permanent produce error for one record (too large) rejects that record; the others go on")
    func recordTooLarge() async throws {
        let broker = try brokerWithTopics()
        let topics = Topics()
        var articles = try Seeds.articles()
        // An enriched article carries the title: 200 KB of it exceeds the producer's limit below.
        articles[0].title = String(repeating: "Kazakhstan and Luxembourg ", count: 8_000)
        articles[0].id = "too-large"
        try await publish(articles, to: broker)
        let group = unique("large")
        var options = ServiceOptions(
            brokers: broker.bootstrapServers, httpPort: 0, httpHost: "127.0.0.1", groupID: group, instance: "t")
        options.kafkaProperties = ["message.max.bytes": "100000", "session.timeout.ms": "4000"]
        let health = Health()
        let service = try EnrichmentService(
            options: options, exactlyOnce: false, logger: testLogger, metrics: Metrics(), health: health)
        let shutdown = ShutdownDeadline()
        let task = Task { try await service.run(shutdown: shutdown) }
        try await waitDrained(group: group, broker: broker)
        #expect(health.isAlive)
        shutdown.request()
        try await task.value
        let rejections = try await values(Rejection.self, topics.rejected, broker: broker)
        #expect(
            !rejections.isEmpty && Set(rejections.map(\.reason)) == ["undeliverable_output"],
            "\(rejections.map(\.detail))")
        #expect(Set(rejections.map(\.origin)).count == 1)
        #expect(rejections.first?.detail.contains("MSG_SIZE_TOO_LARGE") == true, "\(rejections.first?.detail ?? "")")
        let enriched = Set(try await readAll(topics.enriched, broker: broker).compactMap(\.keyText))
        #expect(enriched == Set(articles.dropFirst().map(\.id)))
    }

    @Test("at least once: a permanent produce error that is not about one record stops the service, /healthz 503")
    func fatalProduce() async throws {
        let broker = try brokerWithTopics()
        try await publish(try Seeds.articles(), to: broker)
        // Produce = API key 0; TOPIC_AUTHORIZATION_FAILED is permanent for every record. Only
        // the service produces from here on.
        broker.injectErrors(apiKey: 0, Array(repeating: RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED, count: 50))
        let running = try RunningService(broker: broker, group: unique("denied"))
        await #expect(throws: (any Error).self) { try await running.task.value }
        // /healthz answers from this object until the process exits.
        #expect(!running.health.isAlive)
        #expect(
            running.health.fatalReason?.contains("TOPIC_AUTHORIZATION_FAILED") == true,
            "\(running.health.fatalReason ?? "")")
    }

    @Test("every record enrichment writes for the seeds passes the validating decoder its readers use")
    func outputsPassTheBoundary() async throws {
        let broker = try brokerWithTopics()
        let topics = Topics()
        try await publish(try Seeds.articles(), to: broker)
        let group = unique("boundary")
        let running = try RunningService(broker: broker, group: group)
        try await running.waitReady()
        try await waitDrained(group: group, broker: broker)
        try await running.stop()
        func check<T: ValidatedRecord>(_ type: T.Type, _ topic: String) async throws -> Int {
            let records = try await readAll(topic, broker: broker).compactMap(\.value)
            for value in records {
                if case .failure(let refusal) = AttacheJSON.decodeValidated(T.self, from: value) {
                    Issue.record("\(topic): \(refusal.detail)")
                }
            }
            return records.count
        }
        #expect(try await check(EnrichedArticle.self, topics.enriched) == 5)
        #expect(try await check(Anniversary.self, topics.anniversaries) >= 4)
        #expect(try await check(TradeDelta.self, topics.deltas) >= 1)
        #expect(try await check(TradeObservation.self, topics.observations) >= 5)
        #expect(try await check(LedgerEntry.self, topics.ledger) >= 5)
    }

    @Test("the series ledger keeps no observation whose output cannot be encoded")
    func ledgerUnchangedWhenEncodingFails() throws {
        let observation = try #require(
            try Seeds.articles().flatMap { Extractor(home: "KZ").extract($0).observations(article: $0) }.first {
                $0.figure != nil
            })
        var ledger = PartitionLedger()
        struct Unencodable: Error {}
        #expect(throws: Unencodable.self) {
            _ = try ledger.observe(observation) { _ -> Int in throw Unencodable() }
        }
        #expect(ledger.entries.isEmpty)
        // The same observation later, encodable: recorded once.
        let recorded = try ledger.observe(observation) { deltas in deltas.count }
        #expect(recorded != nil)
        #expect(ledger.entries.count == 1)
    }
}

/// A fixed seed gives the same campaign on every machine (AttacheTesting's SplitMix64).
typealias CampaignRandom = SeededGenerator

/// Text mutations shared by the record kinds: JSON made invalid in ways a broken or hostile
/// producer could.
enum Garbage {
    static func make(from valid: [UInt8], random: inout CampaignRandom) -> ([UInt8], String) {
        switch Int.random(in: 0..<9, using: &random) {
        case 0:
            return (
                (0..<Int.random(in: 1...400, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) },
                "random bytes"
            )
        case 1: return (Array(valid.prefix(Int.random(in: 0..<max(1, valid.count), using: &random))), "truncated JSON")
        case 2:
            var bytes = valid
            bytes.insert(contentsOf: [0xC3, 0x28, 0xFF], at: Int.random(in: 0...bytes.count, using: &random))
            return (bytes, "invalid UTF-8")
        case 3: return ([], "empty value")
        case 4:
            return (
                Array(["null", "[]", "{}", "42", "\"text\"", "true"].randomElement(using: &random)!.utf8),
                "a JSON value of the wrong kind"
            )
        case 5:
            return (
                Array((String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000)).utf8),
                "deeply nested arrays"
            )
        case 6: return (Array("{\"schema\": \"\(String(repeating: "x", count: 100_000))\"}".utf8), "a huge string")
        case 7:
            return (
                Array(
                    String(decoding: valid, as: UTF8.self).replacingOccurrences(
                        of: "\"schema\":\"attache.", with: "\"schema\":\"other."
                    ).utf8), "another schema"
            )
        default:
            return (Array("{\"schema\":\"attache.rejection.v1\",\"reason\":\"x\"}".utf8), "a record of another type")
        }
    }
}

/// Poison `Article` records: a seed article with one field removed, retyped, or set to an
/// extreme value, or garbage.
enum PoisonArticles {
    static let required = ["schema", "id", "published", "text", "paragraphs", "countries", "receivedAt", "origin"]

    static func make(from article: Article, random: inout CampaignRandom) -> ([UInt8], String) {
        let valid = (try? AttacheJSON.encode(article)) ?? []
        var object = (try? JSONSerialization.jsonObject(with: Data(valid))) as? [String: Any] ?? [:]
        var raw: String?
        let what: String
        switch Int.random(in: 0..<6, using: &random) {
        case 0:
            let field = required.randomElement(using: &random)!
            object[field] = nil
            what = "without \(field)"
        case 1:
            let field = required.randomElement(using: &random)!
            object[field] = [NSNull(), 12, "text", ["a": 1], [1, 2]].randomElement(using: &random)!
            // Some retypings are still the right type (a string for a string): make sure not.
            if object[field] is String, ["schema", "id", "published", "text", "receivedAt", "origin"].contains(field) {
                object[field] = 12
            }
            if object[field] is [Int], field == "countries" { object[field] = 12 }
            what = "\(field) of a wrong type"
        case 2:
            let (field, value) = [
                ("published", "0999-12-31"), ("published", "10000-01-01"), ("published", "2023-02-30"),
                ("published", "0000-00-00"),
                ("receivedAt", "+275760-09-13T00:00:00Z"), ("receivedAt", "not a time"), ("id", ""),
                ("schema", "attache.article.v2"),
            ]
            .randomElement(using: &random)!
            object[field] = value
            what = "\(field) = \(value)"
        case 3:
            let text = (object["text"] as? String) ?? ""
            let spans: [[String: Any]] = [
                ["start": -1, "end": 3], ["start": 5, "end": 2], ["start": 0, "end": text.unicodeScalars.count + 1],
                ["start": 0, "end": Int.max], ["start": Int.min, "end": 0],
            ]
            object["paragraphs"] = [spans.randomElement(using: &random)!]
            what = "a paragraph span outside the text"
        case 4:
            object["paragraphs"] = [["start": "__NUMBER__", "end": 3]]
            raw = ["1e400", "-1e400", "1.5", "9223372036854775808", "1e30"].randomElement(using: &random)!
            what = "a span offset of \(raw!)"
        default:
            return Garbage.make(from: valid, random: &random)
        }
        var text = String(decoding: (try? JSONSerialization.data(withJSONObject: object)) ?? Data(), as: UTF8.self)
        if let raw { text = text.replacingOccurrences(of: "\"__NUMBER__\"", with: raw) }
        return (Array(text.utf8), what)
    }
}

/// Poison `TradeObservation` records: amounts that are not finite or absurd, periods out of
/// range, spans out of order, missing or doubled figure/change, wrong types, garbage.
enum PoisonObservations {
    static func make(from observation: TradeObservation, random: inout CampaignRandom) -> ([UInt8], String) {
        let valid = (try? AttacheJSON.encode(observation)) ?? []
        var object = (try? JSONSerialization.jsonObject(with: Data(valid))) as? [String: Any] ?? [:]
        var raw: String?
        let what: String
        var figure = object["figure"] as? [String: Any]
        switch Int.random(in: 0..<7, using: &random) {
        case 0 where figure != nil:
            figure!["amount"] = "__NUMBER__"
            raw = ["1e400", "-1e400", "1e300", "-2e18", "\"NaN\"", "null"].randomElement(using: &random)!
            what = "an amount of \(raw!)"
        case 1 where figure != nil:
            var period = figure!["period"] as? [String: Any] ?? [:]
            let (field, value) = [
                ("start", "0999-01-01"), ("end", "0001-12-31"), ("start", "9999-12-31"), ("label", ""),
            ].randomElement(using: &random)!
            period[field] = value
            figure!["period"] = period
            what = "period \(field) = \(value)"
        case 2 where figure != nil:
            figure!["span"] = [["start": -5, "end": 2], ["start": 9, "end": 1], ["start": Int.min, "end": Int.max]]
                .randomElement(using: &random)!
            what = "a figure span out of order"
        case 3:
            if object["figure"] == nil {
                object["figure"] = [:] as [String: Any]
            } else {
                object["change"] = ["series": 1]
            }
            what = "both or neither of figure and change"
        case 4:
            object[["article", "published", "schema"].randomElement(using: &random)!] = nil
            what = "a required field missing"
        case 5:
            object["published"] = ["0500-06-30", "2023-13-01", 20_230_630].randomElement(using: &random)!
            what = "published out of range"
        default:
            return Garbage.make(from: valid, random: &random)
        }
        if let figure { object["figure"] = figure }
        var text = String(decoding: (try? JSONSerialization.data(withJSONObject: object)) ?? Data(), as: UTF8.self)
        if let raw { text = text.replacingOccurrences(of: "\"__NUMBER__\"", with: raw) }
        return (Array(text.utf8), what)
    }
}

/// The kind of a poison record, for the campaign's summary.
enum PoisonKind {
    static func of(_ what: String) -> String {
        if what.hasPrefix("without") || what.contains("missing") { return "missing field" }
        if what.contains("wrong type") || what.contains("wrong kind") || what.contains("another type") {
            return "wrong type"
        }
        if ["random bytes", "truncated JSON", "invalid UTF-8", "empty value", "deeply nested arrays", "a huge string"]
            .contains(what)
        {
            return "garbage"
        }
        if what.contains("schema") { return "wrong schema" }
        return "extreme value"
    }
}
