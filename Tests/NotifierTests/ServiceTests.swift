import AttacheKafka
import AttacheModels
import AttacheRuntime
import AttacheTesting
import Foundation
import Notifier
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The notifier over the embedded broker (real TCP), with a file sink and webhooks served
/// by a local HTTP server.
@Suite("Notifier service over the embedded broker")
struct ServiceTests {
    let topics = Topics()

    /// Three records that notify (a new figure, a large delta, a round anniversary) and two
    /// near misses (a small delta, a 31st anniversary not on its day).
    static func sampleRecords() throws -> (records: [OutgoingRecord], expected: Set<String>) {
        let article = Fixtures.enriched(figures: [Fixtures.figure()])
        let big = Fixtures.fdiDelta()
        let small = Fixtures.fdiDelta(from: 100e6, to: 102e6, percent: 2, ratio: 1.02, fromYear: 2020, toYear: 2021)
        let round = Fixtures.anniversary(
            ordinal: 30, year: 2022, onPublicationDay: true, baseDate: Day(year: 1992, month: 6, day: 29))
        let quiet = Fixtures.anniversary(
            ordinal: 31, year: 2023, subject: "diplomatic relations between Kazakhstan and Belgium")
        let records = [
            try enrichedRecord(article), try deltaRecord(small), try deltaRecord(big), try anniversaryRecord(round),
            try anniversaryRecord(quiet),
        ]
        let expected: Set<String> = [
            StableID.notification(rule: "new-figures", subjectID: article.article.id),
            StableID.notification(rule: "trade-delta", subjectID: big.id),
            AnniversaryMilestoneRule.notificationID(round),
        ]
        return (records, expected)
    }

    @Test(
        "records in, notifications out: file, webhook (with Idempotency-Key), notifications topic; poison dead-lettered; offsets committed"
    )
    func endToEnd() async throws {
        let broker = try brokerWithTopics()
        let (records, expected) = try ServiceTests.sampleRecords()
        let poison = [
            OutgoingRecord(topic: topics.deltas, key: "bad", value: Array("{not json".utf8)),
            try OutgoingRecord.json(
                topic: topics.anniversaries, key: "wrong", value: Fixtures.fdiDelta(), traceparent: nil),
            OutgoingRecord(topic: topics.enriched, key: "gone", value: nil),
        ]
        try await publish(records + poison, to: broker)
        let server = try await WebhookReceiver()
        let path = temporaryPath("notifications.jsonl")
        let lines = LockedLines()
        let sinks: [any NotificationSink] = [
            ConsoleSink(write: { lines.append($0) }), FileSink(path: path),
            WebhookSink(url: server.url, token: "secret-token", timeout: 5),
        ]
        let group = unique("notifier")
        let idle = try NotifierService(
            options: ServiceOptions(brokers: broker.bootstrapServers, groupID: group), sinks: [],
            logger: testLogger, metrics: Metrics(), health: Health())
        #expect(try await idle.backlog() == Int64(records.count + poison.count))
        let running = try RunningNotifier(broker: broker, group: group, sinks: sinks)
        try await running.waitReady()
        let delivered = try await running.waitDelivered(3)
        #expect(Set(delivered.map(\.id)) == expected)
        #expect(try await waitCommitted(group: group, topics: inputTopics(), broker: broker))
        #expect(try await running.service.backlog() == 0)

        // HTTP: health, readiness and metrics.
        let metricsText = try await httpGet("http://127.0.0.1:\(running.httpPort)/metrics")
        #expect(metricsText.contains("attache_notifier_delivered_total{receiver=\"file\",rule=\"trade-delta\"} 1"))
        #expect(
            metricsText.contains(
                "attache_notifier_delivery_seconds_count{receiver=\"webhook:127.0.0.1:\(server.port)\"} 3"))
        #expect(try await httpGet("http://127.0.0.1:\(running.httpPort)/readyz").hasPrefix("ready"))
        try await running.stop()

        // File: one line per notification.
        #expect(Set(try fileNotifications(path).map(\.id)) == expected)
        // Console: one line each.
        #expect(lines.all.count == 3)
        #expect(
            lines.all.contains {
                $0.contains("FDI inflow KZ←LU rose 109.6 % from 2022 to 2023 (202.5 M → 424.5 M USD)")
            })
        // Webhook: one accepted request per id, with the headers.
        #expect(server.acceptedCounts == Dictionary(uniqueKeysWithValues: expected.map { ($0, 1) }))
        for request in server.requests {
            #expect(request.headers["content-type"] == "application/json")
            #expect(request.headers["authorization"] == "Bearer secret-token")
            let body = try AttacheJSON.decode(Notification.self, from: Array(request.body))
            #expect(body.id == request.idempotencyKey)
        }
        // The audit topic: keyed by id, with the schema header.
        let audit = try await readAll(topics.notifications, broker: broker)
        #expect(Set(audit.compactMap(\.keyText)) == expected)
        #expect(audit.count == 3)
        for record in audit {
            #expect(record.header("schema")?.text == "attache.notification.v1")
            #expect(try AttacheJSON.decode(Notification.self, from: record.value ?? []).id == record.keyText)
        }
        #expect(
            audit.contains {
                TraceContext.traceID(of: $0.header("traceparent")?.text ?? "") == "0af7651916cd43dd8448eb211c80319c"
            })
        // Poison: dead-lettered with a reason, topic, partition and offset; tombstone skipped.
        let dead = try await readAll(topics.notificationsDead, broker: broker)
        #expect(dead.allSatisfy { $0.header("schema")?.text == InvalidRecord.schemaName })
        let invalid = try dead.map { try JSONDecoder.attache.decode(InvalidRecord.self, from: Data($0.value ?? [])) }
        #expect(Set(invalid.map(\.reason)) == ["invalid_record", "unknown_schema"])
        #expect(invalid.allSatisfy { $0.detail.contains("partition") && $0.detail.contains("offset") })
        #expect(invalid.contains { $0.topic == topics.deltas && $0.reason == "invalid_record" && $0.key == "bad" })
        #expect(zip(dead, invalid).allSatisfy { $0.keyText == "\($1.topic)/\($1.partition)/\($1.offset)" })
        #expect(running.metrics.value("attache_notifier_tombstones_total", labels: ["topic": topics.enriched]) == 1)
        #expect(try await readAll(topics.rejected, broker: broker).isEmpty)
        await server.stop()
    }

    @Test("a webhook that fails twice (500) then accepts: delivered once accepted, two retries counted")
    func retryThenAccept() async throws {
        let broker = try brokerWithTopics()
        let anniversary = Fixtures.anniversary(ordinal: 30, year: 2022)
        try await publish([try anniversaryRecord(anniversary)], to: broker)
        let server = try await WebhookReceiver(status: { _, seen in seen < 2 ? 500 : 200 })
        let sink = WebhookSink(url: server.url, timeout: 5, name: "flaky")
        let running = try RunningNotifier(broker: broker, group: unique("notifier"), sinks: [sink])
        try await running.waitReady()
        let delivered = try await running.waitDelivered(1)
        try await running.stop()
        let id = AnniversaryMilestoneRule.notificationID(anniversary)
        #expect(delivered.map(\.id) == [id])
        #expect(server.attemptCounts == [id: 3])
        #expect(server.acceptedCounts == [id: 1])
        #expect(running.metrics.value("attache_notifier_retries_total", labels: ["receiver": "flaky"]) == 2)
        #expect(
            running.metrics.value(
                "attache_notifier_delivered_total", labels: ["rule": "anniversary-milestone", "receiver": "flaky"]) == 1
        )
        #expect(try await readAll(topics.notificationsDead, broker: broker).isEmpty)
        #expect(try await readAll(topics.notifications, broker: broker).map(\.keyText) == [id])
    }

    @Test(
        "webhooks that always fail: dead-lettered after the retries (500) or at once (400), offsets committed, the service moves on"
    )
    func deadLetters() async throws {
        let broker = try brokerWithTopics()
        let first = Fixtures.anniversary(ordinal: 30, year: 2022)
        try await publish([try anniversaryRecord(first)], to: broker)
        let failing = try await WebhookReceiver(status: { _, _ in 500 })
        let refusing = try await WebhookReceiver(status: { _, _ in 400 })
        let path = temporaryPath("dead.jsonl")
        let group = unique("notifier")
        let running = try RunningNotifier(
            broker: broker, group: group,
            sinks: [
                WebhookSink(url: failing.url, timeout: 5, name: "failing"),
                WebhookSink(url: refusing.url, timeout: 5, name: "refusing"),
                FileSink(path: path),
            ])
        try await running.waitReady()
        try await running.waitDelivered(1)
        #expect(try await waitCommitted(group: group, topics: inputTopics(), broker: broker))
        // The service moves on: a later record is handled too.
        let second = Fixtures.anniversary(
            ordinal: 25, year: 2017, subject: "diplomatic relations between Kazakhstan and Belgium")
        try await publish([try anniversaryRecord(second)], to: broker)
        try await running.waitDelivered(2)
        #expect(try await waitCommitted(group: group, topics: inputTopics(), broker: broker))
        try await running.stop()

        let ids = [first, second].map(AnniversaryMilestoneRule.notificationID)
        #expect(failing.attemptCounts == [ids[0]: 3, ids[1]: 3])
        #expect(refusing.attemptCounts == [ids[0]: 1, ids[1]: 1])
        let letters = try await readAll(topics.notificationsDead, broker: broker).map { message in
            (message, try JSONDecoder.attache.decode(DeadLetter.self, from: Data(message.value ?? [])))
        }
        #expect(letters.count == 4)
        for (message, letter) in letters {
            #expect(message.keyText == letter.notification.id)
            #expect(message.header("schema")?.text == DeadLetter.schemaName)
            if letter.receiver == "failing" {
                #expect(letter.attempts == 3 && !letter.permanent && letter.error.contains("HTTP 500"))
            } else {
                #expect(letter.receiver == "refusing")
                #expect(letter.attempts == 1 && letter.permanent && letter.error.contains("HTTP 400"))
            }
        }
        #expect(
            running.metrics.value(
                "attache_notifier_dead_letters_total", labels: ["rule": "anniversary-milestone", "receiver": "failing"])
                == 2)
        #expect(running.metrics.value("attache_notifier_retries_total", labels: ["receiver": "failing"]) == 4)
        // The file sink accepted both: they are recorded as sent.
        #expect(Set(try fileNotifications(path).map(\.id)) == Set(ids))
        #expect(Set(try await readAll(topics.notifications, broker: broker).compactMap(\.keyText)) == Set(ids))
    }

    @Test(
        "no sink accepts: dead-lettered, not recorded as sent, offsets still committed (dead-letter topic not created beforehand)"
    )
    func nothingAccepted() async throws {
        // Only the topics of `Topics.all`: the embedded broker creates notifications.dead on first use.
        let broker = try EmbeddedBroker()
        try broker.createTopics(topics.all.map { NewTopic(name: $0.name, partitions: $0.partitions) })
        try await publish([try deltaRecord(Fixtures.fdiDelta())], to: broker)
        let failing = try await WebhookReceiver(status: { _, _ in 503 })
        let group = unique("notifier")
        let running = try RunningNotifier(
            broker: broker, group: group, sinks: [WebhookSink(url: failing.url, timeout: 5, name: "down")])
        try await running.waitReady()
        #expect(try await waitForRecords(topics.notificationsDead, count: 1, broker: broker))
        #expect(try await waitCommitted(group: group, topics: inputTopics(), broker: broker))
        try await running.stop()
        #expect(running.delivered.isEmpty)
        #expect(try await readAll(topics.notifications, broker: broker).isEmpty)
    }

    @Test("restart on the same group: nothing delivered is sent again; new records are")
    func restartSameGroup() async throws {
        let broker = try brokerWithTopics()
        let (records, expected) = try ServiceTests.sampleRecords()
        try await publish(records, to: broker)
        let server = try await WebhookReceiver()
        let path = temporaryPath("restart.jsonl")
        let group = unique("notifier")
        let first = try RunningNotifier(
            broker: broker, group: group, sinks: [WebhookSink(url: server.url, timeout: 5), FileSink(path: path)])
        try await first.waitReady()
        try await first.waitDelivered(3)
        #expect(try await waitCommitted(group: group, topics: inputTopics(), broker: broker))
        try await first.stop()

        let later = Fixtures.fdiDelta(
            from: 424.5e6, to: 520.5e6, percent: 22.6, ratio: 1.226, fromYear: 2023, toYear: 2024)
        let second = try RunningNotifier(
            broker: broker, group: group, sinks: [WebhookSink(url: server.url, timeout: 5), FileSink(path: path)])
        try await second.waitReady()
        try await publish([try deltaRecord(later)], to: broker)
        let delivered = try await second.waitDelivered(1)
        #expect(try await waitCommitted(group: group, topics: inputTopics(), broker: broker))
        try await second.stop()
        let laterID = StableID.notification(rule: "trade-delta", subjectID: later.id)
        #expect(delivered.map(\.id) == [laterID])
        #expect(server.acceptedCounts == Dictionary(uniqueKeysWithValues: expected.union([laterID]).map { ($0, 1) }))
        #expect(try fileNotifications(path).count == 4)
    }

    @Test("a second instance joining the group mid-stream: each notification delivered once")
    func twoInstances() async throws {
        let broker = try brokerWithTopics()
        let server = try await WebhookReceiver()
        let group = unique("notifier")
        let anniversaries = (0..<12).map {
            Fixtures.anniversary(ordinal: 30, year: 2022, subject: "relations number \($0)")
        }
        let a = try RunningNotifier(broker: broker, group: group, sinks: [WebhookSink(url: server.url, timeout: 5)])
        try await a.waitReady()
        try await publish(try anniversaries.prefix(4).map { try anniversaryRecord($0) }, to: broker)
        try await a.waitDelivered(1)
        // B joins: the partitions are split between them while records keep coming.
        let b = try RunningNotifier(broker: broker, group: group, sinks: [WebhookSink(url: server.url, timeout: 5)])
        try await publish(try anniversaries.dropFirst(4).prefix(4).map { try anniversaryRecord($0) }, to: broker)
        try await b.waitReady()
        try await publish(try anniversaries.dropFirst(8).map { try anniversaryRecord($0) }, to: broker)
        #expect(try await waitCommitted(group: group, topics: inputTopics(), broker: broker))
        async let stopA: Void = a.stop()
        try await b.stop()
        try await stopA
        let ids = anniversaries.map(AnniversaryMilestoneRule.notificationID)
        #expect(server.acceptedCounts == Dictionary(uniqueKeysWithValues: ids.map { ($0, 1) }))
        #expect(Set((a.delivered + b.delivered).map(\.id)) == Set(ids))
        #expect(a.delivered.count + b.delivered.count == ids.count)
    }

    @Test(
        "restart without committed offsets (a new group): everything is read again, nothing is sent again to the same receiver; a new receiver gets it"
    )
    func restartNewGroup() async throws {
        let broker = try brokerWithTopics()
        let (records, expected) = try ServiceTests.sampleRecords()
        try await publish(records, to: broker)
        let server = try await WebhookReceiver()
        let firstGroup = unique("notifier")
        let first = try RunningNotifier(
            broker: broker, group: firstGroup, sinks: [WebhookSink(url: server.url, timeout: 5)])
        try await first.waitReady()
        try await first.waitDelivered(3)
        try await first.stop()

        let secondGroup = unique("notifier-fresh")
        let recording = RecordingSink()
        let second = try RunningNotifier(
            broker: broker, group: secondGroup, sinks: [WebhookSink(url: server.url, timeout: 5), recording])
        try await second.waitReady()
        #expect(try await waitCommitted(group: secondGroup, topics: inputTopics(), broker: broker))
        try await second.stop()
        // Delivered pairs are per receiver: the webhook is skipped, the new receiver gets each once.
        #expect(Set(recording.received.map(\.id)) == expected)
        #expect(recording.received.count == 3)
        #expect(second.metrics.value("attache_notifier_restored_pairs_total") == 3)
        let webhook = WebhookSink.defaultName(for: server.url)
        let skipped = ["trade-delta", "anniversary-milestone", "new-figures"].map {
            second.metrics.value("attache_notifier_skipped_total", labels: ["receiver": webhook, "rule": $0])
        }
        #expect(skipped == [1, 1, 1])
        #expect(server.acceptedCounts == Dictionary(uniqueKeysWithValues: expected.map { ($0, 1) }))
        #expect(try await readAll(topics.notifications, broker: broker).count == 6)
        await server.stop()
    }
}

extension JSONDecoder {
    /// Attache's decoder (ISO 8601 instants with milliseconds).
    static var attache: JSONDecoder { AttacheJSON.decoder() }
}

/// GET a URL and return its body as text.
func httpGet(_ url: String) async throws -> String {
    try await withCheckedThrowingContinuation { continuation in
        URLSession.shared.dataTask(with: URL(string: url)!) { data, _, error in
            if let error {
                continuation.resume(throwing: error)
            } else {
                continuation.resume(returning: String(decoding: data ?? Data(), as: UTF8.self))
            }
        }.resume()
    }
}
