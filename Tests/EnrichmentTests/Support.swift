import ArticleParsing
import AttacheKafka
import AttacheModels
import AttacheRuntime
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

    static var directory: URL {
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("seeds")
    }

    /// The five seeds, in file order (000…004).
    static func articles() throws -> [Article] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".txt") }.sorted()
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

let testLogger: Logger = {
    var logger = Logger(label: "enrichment-test")
    logger.logLevel = ProcessInfo.processInfo.environment["ENRICHMENT_TEST_LOG"].flatMap { Logger.Level(rawValue: $0) } ?? .warning
    return logger
}()

func unique(_ base: String) -> String { "\(base)-\(UUID().uuidString.prefix(8))" }

/// An embedded broker with every Attache topic (4 partitions each, as `Topics.all` says).
func brokerWithTopics(_ topics: Topics = Topics()) throws -> EmbeddedBroker {
    let broker = try EmbeddedBroker()
    try broker.createTopics(topics.all.map { NewTopic(name: $0.name, partitions: $0.partitions) })
    return broker
}

/// Publishes articles to `articles.parsed`, keyed by id, one at a time in the given order.
func publish(_ articles: [Article], to broker: EmbeddedBroker, topics: Topics = Topics()) async throws {
    let producer = try KafkaProducer(config: broker.config, logger: testLogger)
    defer { producer.close() }
    for article in articles {
        _ = try await producer.send(try .json(topic: topics.parsed, key: article.id, value: article,
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
    let shutdown = ShutdownSignal()
    let health = Health()
    let metrics = Metrics()
    var options: ServiceOptions
    let task: Task<Void, any Error>
    private let portBox = PortBox()

    init(broker: EmbeddedBroker, group: String, instance: String = "test", exactlyOnce: Bool = false, topics: Topics = Topics()) throws {
        options = ServiceOptions(brokers: broker.bootstrapServers, topics: topics, httpPort: 0, httpHost: "127.0.0.1",
                                 groupID: group, instance: instance)
        // The mock delays a rebalance of a non-empty group by the session timeout minus 1 s
        // (9 s with the default 10 s); a shorter session keeps the rebalance tests short.
        options.kafkaProperties = ["session.timeout.ms": "4000"]
        service = try EnrichmentService(options: options, exactlyOnce: exactlyOnce, logger: testLogger, metrics: metrics, health: health)
        let service = service
        let shutdown = shutdown
        let portBox = portBox
        task = Task { try await service.run(shutdown: shutdown, onHTTPStarted: { portBox.set($0) }) }
    }

    /// GETs a path of the service's HTTP server: status and body.
    func get(_ path: String) async throws -> (Int, String) {
        let deadline = ContinuousClock.now + .seconds(10)
        while portBox.port == nil, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        let port = try #require(portBox.port)
        let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// Waits until both stages are assigned and restored.
    func waitReady(timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !health.isReady, ContinuousClock.now < deadline, health.isAlive { try await Task.sleep(for: .milliseconds(50)) }
        #expect(health.isReady, "not ready: \(health.readiness)")
    }

    /// Graceful stop (as SIGTERM): finishes the batch in hand.
    func stop() async throws {
        shutdown.request()
        try await task.value
    }

    /// Stops without committing the batch in hand.
    func crash() async throws {
        service.simulateCrash()
        try await task.value
    }
}

/// Every record of a topic, from the beginning to the current end of each partition.
func readAll(_ topic: String, broker: EmbeddedBroker) async throws -> [KafkaMessage] {
    let read = try await TopicSnapshot.read(config: broker.config, topic: topic)
    #expect(read.complete, "\(topic) not read to its end")
    return read.records
}

/// The distinct (key, value) pairs of a topic.
func distinctPairs(_ topic: String, broker: EmbeddedBroker) async throws -> Set<String> {
    Set(try await readAll(topic, broker: broker).map { "\($0.keyText ?? "")\t\(String(decoding: $0.value ?? [], as: UTF8.self))" })
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

/// Waits until `group` has committed every partition of `topic` up to its end.
func waitCommitted(group: String, topic: String, broker: EmbeddedBroker, timeout: Duration = .seconds(25)) async throws -> Bool {
    let consumer = try KafkaConsumer(config: broker.config, groupID: group, logger: testLogger)
    defer { consumer.close() }
    let count = try consumer.partitionCount(of: topic)
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        var done = true
        let partitions = (0..<Int32(count)).map { TopicPartitionOffset(topic: topic, partition: $0, offset: KafkaOffset.invalid) }
        let committed = try await consumer.committed(partitions)
        for entry in committed {
            let (low, high) = try consumer.watermarks(topic: topic, partition: entry.partition)
            if high > low && entry.offset < high { done = false }
        }
        if done { return true }
        try await Task.sleep(for: .milliseconds(100))
    }
    return false
}

/// Waits until the service's groups (articles, then series) have committed all their input.
func waitDrained(group: String, broker: EmbeddedBroker, topics: Topics = Topics()) async throws {
    let articles = try await waitCommitted(group: group, topic: topics.parsed, broker: broker)
    #expect(articles, "the article stage did not commit all of \(topics.parsed)")
    let series = try await waitCommitted(group: group + "-series", topic: topics.observations, broker: broker)
    #expect(series, "the series stage did not commit all of \(topics.observations)")
}

/// Waits until a topic holds at least `count` records.
func waitForRecords(_ topic: String, count: Int, broker: EmbeddedBroker, timeout: Duration = .seconds(25)) async throws -> Bool {
    let consumer = try KafkaConsumer(config: broker.config, groupID: unique("counter"), readCommitted: false, logger: testLogger)
    defer { consumer.close() }
    let partitions = try consumer.partitionCount(of: topic)
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        var total: Int64 = 0
        for partition in 0..<Int32(partitions) {
            let (low, high) = try consumer.watermarks(topic: topic, partition: partition)
            total += high - low
        }
        if total >= count { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return false
}

/// The distinct (key, value) pairs of every output topic.
func outputs(broker: EmbeddedBroker, topics: Topics = Topics()) async throws -> [String: Set<String>] {
    var result: [String: Set<String>] = [:]
    for topic in [topics.enriched, topics.anniversaries, topics.observations, topics.deltas, topics.ledger, topics.rejected] {
        result[topic] = try await distinctPairs(topic, broker: broker)
    }
    return result
}

/// Compares two runs' outputs topic by topic, naming what differs.
func expectSameOutputs(_ got: [String: Set<String>], _ expected: [String: Set<String>], sourceLocation: SourceLocation = #_sourceLocation) {
    for (topic, pairs) in expected.sorted(by: { $0.key < $1.key }) {
        let other = got[topic] ?? []
        #expect(other == pairs, "\(topic): \(other.subtracting(pairs).count) extra, \(pairs.subtracting(other).count) missing: extra \(other.subtracting(pairs).prefix(2)) missing \(pairs.subtracting(other).prefix(2))",
                sourceLocation: sourceLocation)
    }
}

final class PortBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int?
    func set(_ port: Int) { lock.withLock { value = port } }
    var port: Int? { lock.withLock { value } }
}
