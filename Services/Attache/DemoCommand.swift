import ArgumentParser
import AttacheKafka
import AttacheModels
import AttacheRuntime
import Enrichment
import Foundation
import Ingest
import Logging
import Notifier

/// `attache demo [DIR]`: everything in one process over a directory of articles.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract:
            "Start the embedded broker and the three services, ingest DIR, print each notification as it is delivered.",
        discussion:
            "Exits 0 once every article is enriched and notified (the notifier has read everything enrichment wrote)."
    )

    @Argument(help: "Directory (or files) of articles.")
    var dir = "seeds"

    @Option(
        help: "The notifier's YAML file of receivers and routes (ATTACHE_NOTIFY_CONFIG); a bad file exits with code 2.")
    var config: String?

    @Option(help: "Seconds to wait for the pipeline before giving up.")
    var timeout = 120

    func run() async throws {
        LogSetup.bootstrap(defaultLevel: .warning)
        let clock = ContinuousClock()
        let started = clock.now
        let broker = try EmbeddedCluster.start(writeBootstrap: false)
        Console.out("embedded broker: \(broker.bootstrapServers)")
        let stack = try LocalStack(broker: broker, ports: nil)
        let watcher = EmbeddedCluster.watchEvictions(of: broker, topics: Topics(), metrics: stack.ingestMetrics)
        defer { watcher.stop() }
        let delivered = Counter()
        let shutdown = ShutdownDeadline(timeout: try settingsOrValidationError { try ShutdownDeadline.timeout() })
        let services = try stack.services(shutdown: shutdown, receivers: try NotifierConfigurationLoader.load(config)) {
            notification in
            delivered.add()
            _ = notification
        }
        // The driver ingests DIR and waits for the pipeline; when it returns, the group stops
        // the services (gracefully, within the shutdown deadline).
        let outcome = DemoOutcome()
        let dir = dir
        let timeout = timeout
        let driver = AttacheService("demo", shutdown: shutdown) { shutdown in
            let summary = try await FileIngest.run(
                paths: [dir], options: stack.options(for: "ingest"), logger: Logger(label: "attache.ingest"))
            Console.out(summary.description)
            let expected = Set(summary.ids)
            let deadline = clock.now + .seconds(timeout)
            var progress = PipelineProgress()
            while clock.now < deadline, !shutdown.isRequested {
                progress = try await stack.progress(expecting: expected)
                if progress.isComplete { break }
                try await Task.sleep(for: .milliseconds(250))
            }
            outcome.set(summary: summary, expected: expected, progress: progress)
        }
        do {
            try await ServiceRuntime.run(services + [driver], shutdown: shutdown, logger: Logger(label: "attache.demo"))
        } catch {
            Console.err("demo: stopped with an error: \(error)")
            throw ExitCode(1)
        }
        guard let (summary, expected, progress) = outcome.value else { throw ExitCode(1) }
        let evicted = stack.ingestMetrics.total(EmbeddedCluster.evictedMetric)
        if evicted > 0 {
            Console.err(
                "demo: the embedded broker dropped \(Int(evicted)) records before they were read (see the errors above)"
            )
            throw ExitCode(1)
        }
        guard progress.isComplete else {
            Console.err("demo: gave up after \(timeout) s: \(progress.description)")
            throw ExitCode(1)
        }
        let results = try await stack.results()
        Console.out(
            """
            summary: \(expected.count) article\(expected.count == 1 ? "" : "s") enriched, \(results.figures) figures, \
            \(results.deltas) trade deltas, \(results.anniversaries) anniversaries, \(delivered.value) notifications delivered, \
            \(summary.rejected) rejected, in \(String(format: "%.1f", (clock.now - started).seconds)) s
            """)
    }
}

/// `attache dev`: the demo's stack, long-running, with fixed ports.
struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Run the embedded broker and the three services until SIGINT/SIGTERM, HTTP ingest on 127.0.0.1:8080.",
        discussion:
            "Writes the bootstrap servers to .attache/bootstrap; enrichment and notifier serve health and metrics on 8081 and 8082."
    )

    @Option(help: "Port of ingest's HTTP API; enrichment and notifier use the next two.")
    var httpPort = 8080

    @Option(
        help: "The notifier's YAML file of receivers and routes (ATTACHE_NOTIFY_CONFIG); a bad file exits with code 2.")
    var config: String?

    func run() async throws {
        LogSetup.bootstrap()
        let shutdown = ShutdownDeadline(timeout: try settingsOrValidationError { try ShutdownDeadline.timeout() })
        let broker = try EmbeddedCluster.start()
        let stack = try LocalStack(broker: broker, ports: (httpPort, httpPort + 1, httpPort + 2))
        MetricsBootstrap.bootstrap(stack.ingestMetrics)
        // Evictions are counted on ingest's /metrics.
        let watcher = EmbeddedCluster.watchEvictions(of: broker, topics: Topics(), metrics: stack.ingestMetrics)
        defer { watcher.stop() }
        let services = try stack.services(shutdown: shutdown, receivers: try NotifierConfigurationLoader.load(config)) {
            _ in
        }
        let fatal = FatalFlag()
        KafkaFatalErrors.observe { error in
            Console.err("fatal Kafka error, stopping: \(error)")
            fatal.set()
            shutdown.request()
        }
        Console.out("embedded broker: \(broker.bootstrapServers) (written to \(BootstrapFile.path))")
        Console.out("ingest:     POST http://127.0.0.1:\(httpPort)/v1/articles  (also /healthz /readyz /metrics)")
        Console.out(
            "enrichment: http://127.0.0.1:\(httpPort + 1)/metrics   notifier: http://127.0.0.1:\(httpPort + 2)/metrics")
        Console.out(
            "try: curl -H 'Content-Type: text/plain' --data-binary @seeds/000_e275cd8cb7a6535f.txt http://127.0.0.1:\(httpPort)/v1/articles"
        )
        Console.out(
            "limit: the embedded broker keeps about 5 MiB per partition; records dropped unread are logged and counted (\(EmbeddedCluster.evictedMetric))"
        )
        // The three services in one group, until SIGTERM/SIGINT; they share its deadline.
        var failed = false
        do {
            try await ServiceRuntime.run(services, shutdown: shutdown, logger: Logger(label: "attache.dev"))
        } catch {
            Console.err("dev: a service stopped: \(error)")
            failed = true
        }
        BootstrapFile.remove(ifItNames: broker.bootstrapServers)
        if fatal.isSet || failed { throw ExitCode(1) }
    }
}

/// The three services in one process against the embedded broker.
struct LocalStack {
    let broker: EmbeddedBroker
    /// HTTP ports of ingest, enrichment and notifier; nil for ephemeral ports on loopback.
    let ports: (ingest: Int, enrichment: Int, notifier: Int)?
    /// Ingest's metrics (also where the embedded broker's evictions are counted).
    let ingestMetrics = Metrics()

    init(broker: EmbeddedBroker, ports: (ingest: Int, enrichment: Int, notifier: Int)?) throws {
        self.broker = broker
        self.ports = ports
    }

    func options(for service: String, port: Int = 0) -> ServiceOptions {
        var options = ServiceOptions(
            brokers: broker.bootstrapServers, httpPort: port, httpHost: "127.0.0.1",
            homeCountry: ProcessInfo.processInfo.environment["ATTACHE_HOME_COUNTRY"] ?? "KZ",
            kafkaProperties: EmbeddedBroker.clientProperties, groupID: "attache-\(service)", instance: "local")
        // `attache dev` serves /metrics to a scraper: librdkafka's statistics on (5 s).
        if ports != nil {
            options.statisticsIntervalMs = (try? ServiceOptions.statisticsInterval(default: 5_000)) ?? 5_000
        }
        return options
    }

    /// The three services as members of one `ServiceGroup` (`ServiceRuntime`); a failing one
    /// stops the others, and the group throws its error.
    func services(
        shutdown: ShutdownDeadline, receivers: NotifierConfiguration,
        onDelivered: @escaping @Sendable (AttacheModels.Notification) -> Void
    ) throws -> [AttacheService] {
        let ingest = try IngestService(
            options: options(for: "ingest", port: ports?.ingest ?? 0), settings: try IngestSettings.fromEnvironment(),
            logger: Logger(label: "attache.ingest"), metrics: ingestMetrics, health: Health())
        // The embedded broker does not store transactional offset commits (docs/architecture.md §4).
        let enrichment = try EnrichmentService(
            options: options(for: "enrichment", port: ports?.enrichment ?? 0), exactlyOnce: false,
            logger: Logger(label: "attache.enrichment"), metrics: Metrics(), health: Health())
        let notifier = try NotifierService(
            options: options(for: "notifier", port: ports?.notifier ?? 0),
            configuration: receivers, logger: Logger(label: "attache.notifier"),
            metrics: Metrics(), health: Health())
        return [
            AttacheService("ingest", shutdown: shutdown) { try await ingest.run(shutdown: $0) },
            AttacheService("enrichment", shutdown: shutdown) { try await enrichment.run(shutdown: $0) },
            AttacheService("notifier", shutdown: shutdown) {
                try await notifier.run(shutdown: $0, onDelivered: onDelivered)
            },
        ]
    }

    /// How far the pipeline is, for the articles `expected`.
    func progress(expecting expected: Set<String>) async throws -> PipelineProgress {
        let topics = Topics()
        let config = broker.config
        let enriched = try await TopicSnapshot.keys(config: config, topic: topics.enriched)
        return PipelineProgress(
            expected: expected.count,
            enriched: expected.intersection(enriched).count,
            enrichmentLag: try await GroupLag.total(
                config: config, group: "attache-enrichment", topics: [topics.parsed])
                + GroupLag.total(config: config, group: "attache-enrichment-series", topics: [topics.observations]),
            notifierLag: try await GroupLag.total(
                config: config, group: "attache-notifier",
                topics: [topics.enriched, topics.deltas, topics.anniversaries]))
    }

    /// Distinct results on the output topics.
    func results() async throws -> (figures: Int, deltas: Int, anniversaries: Int) {
        let topics = Topics()
        // The latest enriched value per article (the topic is compacted on real clusters).
        var latest: [String: [UInt8]] = [:]
        for record in try await TopicSnapshot.records(config: broker.config, topic: topics.enriched) {
            latest[record.keyText!] = record.value
        }
        let figures = latest.values.reduce(0) {
            $0 + ((try? AttacheJSON.decode(EnrichedArticle.self, from: $1))?.figures.count ?? 0)
        }
        // Deltas are keyed by series: count distinct delta ids.
        let deltas = try await TopicSnapshot.records(config: broker.config, topic: topics.deltas)
            .compactMap { try? AttacheJSON.decode(TradeDelta.self, from: $0.value!).id }
        let anniversaries = try await TopicSnapshot.keys(config: broker.config, topic: topics.anniversaries)
        return (figures, Set(deltas).count, anniversaries.count)
    }
}

/// What the demo's driver found, for the summary after the services stopped.
final class DemoOutcome: @unchecked Sendable {
    private let lock = NSLock()
    private var found: (IngestSummary, Set<String>, PipelineProgress)?

    func set(summary: IngestSummary, expected: Set<String>, progress: PipelineProgress) {
        lock.withLock { found = (summary, expected, progress) }
    }

    var value: (IngestSummary, Set<String>, PipelineProgress)? { lock.withLock { found } }
}

/// A flag set once, from any thread.
final class FatalFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}

/// Where the demo's pipeline stands.
struct PipelineProgress: CustomStringConvertible {
    var expected = 0
    var enriched = 0
    var enrichmentLag: Int64 = -1
    var notifierLag: Int64 = -1

    /// Every article enriched, and enrichment and the notifier have read everything.
    var isComplete: Bool { enriched == expected && enrichmentLag == 0 && notifierLag == 0 }

    var description: String {
        "\(enriched) of \(expected) articles enriched; enrichment lag \(enrichmentLag) records, notifier lag \(notifierLag) records"
    }
}

/// A thread-safe counter.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

extension TopicSnapshot {
    /// The records of a topic that have a key and a value.
    static func records(config: KafkaConfig, topic: String) async throws -> [KafkaMessage] {
        try await read(config: config, topic: topic).records.filter { $0.key != nil && $0.value != nil }
    }

    /// Every key of a topic.
    static func keys(config: KafkaConfig, topic: String) async throws -> Set<String> {
        Set(try await records(config: config, topic: topic).compactMap(\.keyText))
    }
}
