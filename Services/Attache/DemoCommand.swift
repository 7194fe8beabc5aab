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
        abstract: "Start the embedded broker and the three services, ingest DIR, print each notification as it is delivered.",
        discussion: "Exits 0 once every article is enriched and notified (the notifier has read everything enrichment wrote)."
    )

    @Argument(help: "Directory (or files) of articles.")
    var dir = "seeds"

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
        let shutdown = ShutdownSignal(timeout: try settingsOrValidationError { try ShutdownSignal.timeout() })
        let services = stack.start(shutdown: shutdown) { notification in
            delivered.add()
            _ = notification
        }

        let summary = try await FileIngest.run(paths: [dir], options: stack.options(for: "ingest"), logger: Logger(label: "attache.ingest"))
        Console.out(summary.description)
        let expected = Set(summary.ids)

        let deadline = clock.now + .seconds(timeout)
        var progress = PipelineProgress()
        while clock.now < deadline, !shutdown.isRequested {
            progress = try await stack.progress(expecting: expected)
            if progress.isComplete { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        await services.stop()
        if services.failed {
            Console.err("demo: a service stopped with an error (see above)")
            throw ExitCode(1)
        }
        let evicted = stack.ingestMetrics.total(EmbeddedCluster.evictedMetric)
        if evicted > 0 {
            Console.err("demo: the embedded broker dropped \(Int(evicted)) records before they were read (see the errors above)")
            throw ExitCode(1)
        }
        guard progress.isComplete else {
            Console.err("demo: gave up after \(timeout) s: \(progress.description)")
            throw ExitCode(1)
        }
        let results = try await stack.results()
        Console.out("""
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
        discussion: "Writes the bootstrap servers to .attache/bootstrap; enrichment and notifier serve health and metrics on 8081 and 8082."
    )

    @Option(help: "Port of ingest's HTTP API; enrichment and notifier use the next two.")
    var httpPort = 8080

    func run() async throws {
        LogSetup.bootstrap()
        let shutdown = ShutdownSignal(timeout: try settingsOrValidationError { try ShutdownSignal.timeout() })
        shutdown.install()
        let broker = try EmbeddedCluster.start()
        let stack = try LocalStack(broker: broker, ports: (httpPort, httpPort + 1, httpPort + 2))
        // Evictions are counted on ingest's /metrics.
        let watcher = EmbeddedCluster.watchEvictions(of: broker, topics: Topics(), metrics: stack.ingestMetrics)
        defer { watcher.stop() }
        let services = stack.start(shutdown: shutdown) { _ in }
        let fatal = FatalFlag()
        KafkaFatalErrors.observe { error in
            Console.err("fatal Kafka error, stopping: \(error)")
            fatal.set()
            shutdown.request()
        }
        Console.out("embedded broker: \(broker.bootstrapServers) (written to \(BootstrapFile.path))")
        Console.out("ingest:     POST http://127.0.0.1:\(httpPort)/v1/articles  (also /healthz /readyz /metrics)")
        Console.out("enrichment: http://127.0.0.1:\(httpPort + 1)/metrics   notifier: http://127.0.0.1:\(httpPort + 2)/metrics")
        Console.out("try: curl -H 'Content-Type: text/plain' --data-binary @seeds/000_e275cd8cb7a6535f.txt http://127.0.0.1:\(httpPort)/v1/articles")
        Console.out("limit: the embedded broker keeps about 5 MiB per partition; records dropped unread are logged and counted (\(EmbeddedCluster.evictedMetric))")
        await shutdown.wait()
        // The services share the signal's deadline; past it the process exits anyway.
        await services.stop()
        BootstrapFile.remove(ifItNames: broker.bootstrapServers)
        if fatal.isSet || services.failed { throw ExitCode(1) }
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
        ServiceOptions(brokers: broker.bootstrapServers, httpPort: port, httpHost: "127.0.0.1",
                       homeCountry: ProcessInfo.processInfo.environment["ATTACHE_HOME_COUNTRY"] ?? "KZ",
                       kafkaProperties: EmbeddedBroker.clientProperties, groupID: "attache-\(service)", instance: "local")
    }

    /// Starts the services; each runs until `stop()`.
    func start(shutdown: ShutdownSignal, onDelivered: @escaping @Sendable (AttacheModels.Notification) -> Void) -> RunningServices {
        let ingestOptions = options(for: "ingest", port: ports?.ingest ?? 0)
        let enrichmentOptions = options(for: "enrichment", port: ports?.enrichment ?? 0)
        let notifierOptions = options(for: "notifier", port: ports?.notifier ?? 0)
        let tasks = [
            Task {
                try await IngestService(options: ingestOptions, settings: try IngestSettings.fromEnvironment(),
                                        logger: Logger(label: "attache.ingest"), metrics: ingestMetrics, health: Health())
                    .run(shutdown: shutdown)
            },
            Task {
                // The embedded broker does not store transactional offset commits (DESIGN.md §4).
                try await EnrichmentService(options: enrichmentOptions, exactlyOnce: false,
                                            logger: Logger(label: "attache.enrichment"), metrics: Metrics(), health: Health())
                    .run(shutdown: shutdown)
            },
            Task {
                try await NotifierService(options: notifierOptions, sinks: try NotifierService.sinks(fromEnvironment: ProcessInfo.processInfo.environment),
                                          logger: Logger(label: "attache.notifier"), metrics: Metrics(), health: Health())
                    .run(shutdown: shutdown, onDelivered: onDelivered)
            },
        ]
        for (name, task) in zip(["ingest", "enrichment", "notifier"], tasks) {
            Task {
                // One service failing stops the others: the process ends non-zero.
                if case .failure(let error) = await task.result {
                    Console.err("\(name) stopped: \(error)")
                    shutdown.request()
                }
            }
        }
        return RunningServices(shutdown: shutdown, tasks: tasks)
    }

    /// How far the pipeline is, for the articles `expected`.
    func progress(expecting expected: Set<String>) async throws -> PipelineProgress {
        let topics = Topics()
        let config = broker.config
        let enriched = try await TopicSnapshot.keys(config: config, topic: topics.enriched)
        return PipelineProgress(
            expected: expected.count,
            enriched: expected.intersection(enriched).count,
            enrichmentLag: try await GroupLag.total(config: config, group: "attache-enrichment", topics: [topics.parsed])
                + GroupLag.total(config: config, group: "attache-enrichment-series", topics: [topics.observations]),
            notifierLag: try await GroupLag.total(config: config, group: "attache-notifier",
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
        let figures = latest.values.reduce(0) { $0 + ((try? AttacheJSON.decode(EnrichedArticle.self, from: $1))?.figures.count ?? 0) }
        // Deltas are keyed by series: count distinct delta ids.
        let deltas = try await TopicSnapshot.records(config: broker.config, topic: topics.deltas)
            .compactMap { try? AttacheJSON.decode(TradeDelta.self, from: $0.value!).id }
        let anniversaries = try await TopicSnapshot.keys(config: broker.config, topic: topics.anniversaries)
        return (figures, Set(deltas).count, anniversaries.count)
    }
}

/// The services started by `LocalStack.start`.
struct RunningServices {
    let shutdown: ShutdownSignal
    let tasks: [Task<Void, any Error>]
    private let failure = FatalFlag()

    init(shutdown: ShutdownSignal, tasks: [Task<Void, any Error>]) {
        self.shutdown = shutdown
        self.tasks = tasks
    }

    /// Asks every service to stop and waits until they have.
    func stop() async {
        shutdown.request()
        for task in tasks {
            if case .failure = await task.result { failure.set() }
        }
    }

    /// Whether a service stopped with an error (known after `stop`).
    var failed: Bool { failure.isSet }
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
