import AttacheKafka
import AttacheModels
import AttacheRuntime
import AttacheTesting
import Foundation
import Logging
import Notifier
import Testing

let testLogger = makeTestLogger(label: "notifier-test", levelVariable: "NOTIFIER_TEST_LOG")

/// Realistic records, as enrichment writes them for the seeds (docs/architecture.md §7).
enum Fixtures {
    static let enrichedAt = Date(timeIntervalSince1970: 1_750_000_000)
    static let recordTime = Date(timeIntervalSince1970: 1_760_000_000)

    static let fdi = Series(metric: .fdiInflow, reporter: "KZ", partner: "LU", currency: "USD")
    static let turnover = Series(metric: .tradeTurnover, reporter: "KZ", partner: "LU", currency: "USD")

    /// FDI inflow from Luxembourg 2022 → 2023: 202.5 M → 424.5 M (+109.6 %), seeds 000 and 002.
    static func fdiDelta(
        from: Double? = 202_500_000, to: Double? = 424_500_000, percent: Double? = 109.62962962962963,
        ratio: Double? = 2.0962962962962963, basis: DeltaBasis = .computed, consistent: Bool = true,
        fromYear: Int = 2022, toYear: Int = 2023, series: Series = fdi
    ) -> TradeDelta {
        TradeDelta(
            series: series, from: DeltaPoint(period: .year(fromYear), amount: from),
            to: DeltaPoint(period: .year(toYear), amount: to),
            absolute: from.flatMap { f in to.map { $0 - f } }, percent: percent, ratio: ratio, basis: basis,
            articles: ["0a1b2c3d4e5f6a7b", "8c9d0e1f2a3b4c5d"], consistent: consistent)
    }

    /// An anniversary of KZ–LU diplomatic relations.
    static func anniversary(
        ordinal: Int, year: Int, onPublicationDay: Bool = false, baseDate: Day? = nil,
        subject: String = "diplomatic relations between Kazakhstan and Luxembourg",
        kind: AnniversaryKind = .diplomaticRelations
    ) -> Anniversary {
        let nextOrdinal = (ordinal / 5 + 1) * 5
        let base = year - ordinal
        let next = Milestone(
            ordinal: nextOrdinal, year: base + nextOrdinal,
            date: baseDate.flatMap { Day(year: base + nextOrdinal, month: $0.month, day: $0.day) })
        return Anniversary(
            kind: kind, subject: subject, parties: ["KZ", "LU"], ordinal: ordinal, year: year, baseYear: base,
            baseDate: baseDate, onPublicationDay: onPublicationDay, next: next,
            span: TextSpan(start: 10, end: 40), text: "\(ordinal)th anniversary of \(subject)")
    }

    static func figure(
        _ metric: Metric = .fdiInflow, amount: Double = 202_500_000, year: Int = 2022, derived: Bool = false,
        qualifier: Qualifier? = nil
    ) -> Figure {
        Figure(
            metric: metric, reporter: "KZ", partner: "LU", direction: metric == .fdiInflow ? .inbound : nil,
            period: .year(year),
            amount: amount, currency: "USD", qualifier: qualifier, derived: derived, span: TextSpan(start: 0, end: 14),
            text: "$202.5 million")
    }

    static func enriched(
        id: String = "5e1f0c2d3b4a6978", title: String? = "Kazakhstan and Luxembourg discuss investment",
        figures: [Figure]
    ) -> EnrichedArticle {
        let summary = ArticleSummary(
            id: id, published: Day(year: 2023, month: 6, day: 30)!, title: title,
            dateline: Dateline(place: "ASTANA", agency: "KAZINFORM"), source: nil, countries: ["KZ", "LU"],
            receivedAt: enrichedAt, origin: "file:seeds/000.txt")
        return EnrichedArticle(
            article: summary, figures: figures, deltas: [], anniversaries: [], enrichedAt: enrichedAt)
    }
}

/// An embedded broker with every Attache topic and the dead-letter topic.
func brokerWithTopics(_ topics: Topics = Topics()) throws -> EmbeddedBroker {
    try AttacheTesting.brokerWithTopics(topics, extra: [NewTopic(name: topics.notificationsDead, partitions: 4)])
}

/// Publishes records the way enrichment does (Attache JSON, schema headers).
func publish(_ records: [OutgoingRecord], to broker: EmbeddedBroker) async throws {
    let producer = try KafkaProducer(config: broker.config, logger: testLogger)
    defer { producer.close() }
    for record in records { _ = try await producer.send(record) }
}

func enrichedRecord(_ value: EnrichedArticle, topics: Topics = Topics()) throws -> OutgoingRecord {
    try .json(topic: topics.enriched, key: value.article.id, value: value, traceparent: nil)
}

func deltaRecord(_ value: TradeDelta, topics: Topics = Topics()) throws -> OutgoingRecord {
    try .json(topic: topics.deltas, key: value.series.id, value: value, traceparent: nil)
}

func anniversaryRecord(_ value: Anniversary, topics: Topics = Topics()) throws -> OutgoingRecord {
    try .json(
        topic: topics.anniversaries, key: value.id, value: value,
        traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
}

/// Small, quick retries for tests.
let quickRetries = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(10), maxDelay: .milliseconds(40))

/// A running notifier service, with what it delivered.
final class RunningNotifier: @unchecked Sendable {
    let service: NotifierService
    let shutdown = ShutdownDeadline()
    let health = Health()
    let metrics = Metrics()
    let options: ServiceOptions
    let task: Task<Void, any Error>
    private let lock = NSLock()
    private var _delivered: [Notification] = []
    private var _httpPort = 0

    init(
        broker: EmbeddedBroker, group: String, sinks: [any NotificationSink], retry: RetryPolicy = quickRetries,
        topics: Topics = Topics(), router: Router? = nil, settings: NotifierSettings? = nil,
        kafka: [String: String] = [:]
    ) throws {
        var options = ServiceOptions(
            brokers: broker.bootstrapServers, topics: topics, httpPort: 0, httpHost: "127.0.0.1", groupID: group,
            instance: "test")
        options.kafkaProperties = kafka
        self.options = options
        service = try NotifierService(
            options: options, sinks: sinks, router: router, logger: testLogger, metrics: metrics, health: health,
            settings: settings ?? NotifierSettings(retry: retry))
        let service = service
        let shutdown = shutdown
        let box = WeakBox()
        task = Task {
            try await service.run(
                shutdown: shutdown, onHTTPStarted: { port in box.owner?.setPort(port) },
                onDelivered: { notification in box.owner?.record(notification) })
        }
        box.owner = self
    }

    private final class WeakBox: @unchecked Sendable {
        weak var owner: RunningNotifier?
    }

    private func record(_ notification: Notification) { lock.withLock { _delivered.append(notification) } }
    private func setPort(_ port: Int) { lock.withLock { _httpPort = port } }

    /// Notifications delivered by this run, in order.
    var delivered: [Notification] { lock.withLock { _delivered } }
    var httpPort: Int { lock.withLock { _httpPort } }

    /// Waits until the group is joined and the delivered ids are restored.
    func waitReady(timeout: Duration = .seconds(25)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !health.isReady, ContinuousClock.now < deadline, health.isAlive {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(health.isReady, "not ready: \(health.readiness)")
    }

    /// Waits until this run delivered at least `count` notifications.
    @discardableResult
    func waitDelivered(_ count: Int, timeout: Duration = .seconds(25)) async throws -> [Notification] {
        let deadline = ContinuousClock.now + timeout
        while delivered.count < count, ContinuousClock.now < deadline, health.isAlive {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(delivered.count >= count, "delivered \(delivered.count) of \(count)")
        return delivered
    }

    /// Graceful stop (as SIGTERM).
    func stop() async throws {
        shutdown.request()
        try await task.value
    }

    /// A stop as a crash: nothing more is recorded or committed.
    func halt() async throws {
        service.halt()
        try await task.value
    }
}

/// The input topics of the notifier.
func inputTopics(_ topics: Topics = Topics()) -> [String] { [topics.enriched, topics.deltas, topics.anniversaries] }

/// A temporary file path (not created).
func temporaryPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("notifier-tests-\(UUID().uuidString)")
        .appendingPathComponent(name).path
}

/// The notifications a JSON-lines file holds.
func fileNotifications(_ path: String) throws -> [Notification] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    return try text.split(separator: "\n").map { try AttacheJSON.decode(Notification.self, from: Array($0.utf8)) }
}

/// A sink that records what it was given (for tests).
final class RecordingSink: NotificationSink, @unchecked Sendable {
    let name: String
    private let lock = NSLock()
    private var _received: [Notification] = []

    init(name: String = "recording") { self.name = name }

    var received: [Notification] { lock.withLock { _received } }

    func deliver(_ notification: Notification) async throws {
        lock.withLock { _received.append(notification) }
    }
}

/// Runs a program to its end; its status and its standard output and error together.
@discardableResult
func runProcess(_ executable: String, arguments: [String], input: Data? = nil) throws -> (status: Int32, output: String)
{
    let (status, output, _) = try runProcessBlocking(executable, arguments, input: input, mergeErrors: true)
    return (status, String(decoding: output, as: UTF8.self))
}

/// Attache's notification record (not Foundation's `Notification`).
typealias Notification = AttacheModels.Notification
