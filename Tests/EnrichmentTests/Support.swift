import ArticleParsing
import AttacheKafka
import AttacheModels
import AttacheRuntime
import AttacheTesting
import Enrichment
import Foundation
import Logging
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The repository's seeds, parsed into articles (as ingest would publish them).
enum Seeds {
    static let received = Date(timeIntervalSince1970: 1_750_000_000)

    static var directory: URL { RepositorySeeds.directory }

    /// The five seeds, in file order (000…004).
    static func articles() throws -> [Article] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".txt") }
            .sorted()
        #expect(names.count == 5)
        return try names.map { name in
            let bytes = Array(try Data(contentsOf: directory.appendingPathComponent(name)))
            switch ArticleParser().parse(raw: bytes, origin: "file:seeds/\(name)", receivedAt: received) {
            case .success(let article): return article
            case .failure(let rejection): throw rejection
            }
        }
    }
}

let testLogger = makeTestLogger(label: "enrichment-test", levelVariable: "ENRICHMENT_TEST_LOG")

/// Publishes articles to `articles.parsed`, keyed by id, one at a time in the given order.
func publish(_ articles: [Article], to broker: EmbeddedBroker, topics: Topics = Topics()) async throws {
    let producer = try KafkaProducer(config: broker.config, logger: testLogger)
    defer { producer.close() }
    for article in articles {
        _ = try await producer.send(
            try .json(
                topic: topics.parsed, key: article.id, value: article,
                traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"))
    }
}

/// Publishes raw bytes to a topic.
func publishRaw(_ value: [UInt8], key: String, topic: String, broker: EmbeddedBroker) async throws {
    let producer = try KafkaProducer(config: broker.config, logger: testLogger)
    defer { producer.close() }
    _ = try await producer.send(OutgoingRecord(topic: topic, key: key, value: value))
}

/// A running enrichment service.
final class RunningService: @unchecked Sendable {
    let service: EnrichmentService
    let run: ServiceRun
    var shutdown: ShutdownDeadline { run.shutdown }
    var task: Task<Void, any Error> { run.task }
    let health = Health()
    let metrics = Metrics()
    var options: ServiceOptions

    init(
        broker: EmbeddedBroker, group: String, instance: String = "test", exactlyOnce: Bool = false,
        topics: Topics = Topics()
    ) throws {
        options = ServiceOptions(
            brokers: broker.bootstrapServers, topics: topics, httpPort: 0, httpHost: "127.0.0.1",
            groupID: group, instance: instance)
        // The mock delays a rebalance of a non-empty group by the session timeout minus 1 s
        // (9 s with the default 10 s); a shorter session keeps the rebalance tests short.
        options.kafkaProperties = ["session.timeout.ms": "4000"]
        service = try EnrichmentService(
            options: options, exactlyOnce: exactlyOnce, logger: testLogger, metrics: metrics, health: health)
        let service = service
        run = ServiceRun { shutdown, started in try await service.run(shutdown: shutdown, onHTTPStarted: started) }
    }

    /// GETs a path of the service's HTTP server: status and body.
    func get(_ path: String) async throws -> (Int, String) {
        let port = try await run.port()
        let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// Waits until both stages are assigned and restored.
    func waitReady(timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !health.isReady, ContinuousClock.now < deadline, health.isAlive {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(health.isReady, "not ready: \(health.readiness)")
    }

    /// Graceful stop (as SIGTERM): finishes the batch in hand.
    func stop() async throws {
        try await run.stop()
    }

    /// Stops without committing the batch in hand.
    func crash() async throws {
        service.simulateCrash()
        try await task.value
    }
}

/// The distinct (key, value) pairs of a topic.
func distinctPairs(_ topic: String, broker: EmbeddedBroker) async throws -> Set<String> {
    Set(
        try await readAll(topic, broker: broker).map {
            "\($0.keyText ?? "")\t\(String(decoding: $0.value ?? [], as: UTF8.self))"
        })
}

/// Decoded values of a topic.
func values<T: SchemaRecord>(_ type: T.Type, _ topic: String, broker: EmbeddedBroker) async throws -> [T] {
    try await readAll(topic, broker: broker).compactMap { $0.value }.map { try AttacheJSON.decode(T.self, from: $0) }
}

/// The last value of each delta id on `trade.deltas`, keyed by (series key, delta id).
func finalDeltas(broker: EmbeddedBroker, topics: Topics = Topics()) async throws -> [String: TradeDelta] {
    var result: [String: TradeDelta] = [:]
    for message in try await readAll(topics.deltas, broker: broker) {
        guard let value = message.value else { continue }
        let delta = try AttacheJSON.decode(TradeDelta.self, from: value)
        result["\(message.keyText ?? "")|\(delta.id)"] = delta
    }
    return result
}

/// Waits until the service's groups (articles, then series) have committed all their input.
func waitDrained(group: String, broker: EmbeddedBroker, topics: Topics = Topics()) async throws {
    let articles = try await waitCommitted(group: group, topic: topics.parsed, broker: broker)
    #expect(articles, "the article stage did not commit all of \(topics.parsed)")
    let series = try await waitCommitted(group: group + "-series", topic: topics.observations, broker: broker)
    #expect(series, "the series stage did not commit all of \(topics.observations)")
}

/// The distinct (key, value) pairs of every output topic.
func outputs(broker: EmbeddedBroker, topics: Topics = Topics()) async throws -> [String: Set<String>] {
    var result: [String: Set<String>] = [:]
    for topic in [
        topics.enriched, topics.anniversaries, topics.observations, topics.deltas, topics.ledger, topics.rejected,
    ] {
        result[topic] = try await distinctPairs(topic, broker: broker)
    }
    return result
}

/// Compares two runs' outputs topic by topic, naming what differs.
func expectSameOutputs(
    _ got: [String: Set<String>], _ expected: [String: Set<String>], sourceLocation: SourceLocation = #_sourceLocation
) {
    for (topic, pairs) in expected.sorted(by: { $0.key < $1.key }) {
        let other = got[topic] ?? []
        #expect(
            other == pairs,
            "\(topic): \(other.subtracting(pairs).count) extra, \(pairs.subtracting(other).count) missing: extra \(other.subtracting(pairs).prefix(2)) missing \(pairs.subtracting(other).prefix(2))",
            sourceLocation: sourceLocation)
    }
}
