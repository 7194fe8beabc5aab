import ArgumentParser
import AttacheKafka
import AttacheModels
import AttacheRuntime
import Foundation
import Logging

/// `attache broker`: the embedded broker alone, in the foreground.
struct BrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker",
        abstract: "Run the embedded Kafka broker (librdkafka's mock cluster) with Attache's topics.",
        discussion: "Prints the bootstrap servers and writes them to .attache/bootstrap; stops on SIGINT/SIGTERM."
    )

    @Option(help: "Number of brokers in the cluster.")
    var brokers = 1

    @Option(help: "Partitions of each topic.")
    var partitions = 4

    @Option(help: "Prefix of every topic name (ATTACHE_TOPIC_PREFIX).")
    var topicPrefix = ProcessInfo.processInfo.environment["ATTACHE_TOPIC_PREFIX"] ?? ""

    @Option(help: "Port of /healthz and /metrics (ATTACHE_HTTP_PORT; default: a free port, printed).")
    var httpPort: Int?

    func run() async throws {
        LogSetup.bootstrap()
        let shutdown = ShutdownDeadline(timeout: try settingsOrValidationError { try ShutdownDeadline.timeout() })
        let topics = Topics(prefix: topicPrefix)
        let broker = try EmbeddedCluster.start(brokers: brokers, partitions: partitions, topics: topics)
        let metrics = Metrics()
        let watcher = EmbeddedCluster.watchEvictions(of: broker, topics: topics, metrics: metrics)
        defer { watcher.stop() }
        let port = httpPort ?? ProcessInfo.processInfo.environment["ATTACHE_HTTP_PORT"].flatMap(Int.init) ?? 0
        let server = ServiceHTTPServer(
            host: "127.0.0.1", port: port, health: Health(), metrics: metrics,
            logger: Logger(label: "attache.broker"))
        let http = server.service(onStarted: { port in Console.out("metrics: http://127.0.0.1:\(port)/metrics") })
        Console.out("embedded broker: \(broker.bootstrapServers)")
        Console.out("topics: \(topics.all.map(\.name).joined(separator: ", "))")
        Console.out("try: kcat -L -b \(broker.bootstrapServers)")
        Console.out(
            "limit: about 5 MiB kept per partition; older records are dropped (evictions of unread records are logged as errors)"
        )
        // The broker runs until SIGTERM/SIGINT; then the HTTP server stops after it.
        let running = AttacheService("broker", shutdown: shutdown) { await $0.wait() }
        try await ServiceRuntime.run([http, running], shutdown: shutdown, logger: Logger(label: "attache.broker"))
        BootstrapFile.remove(ifItNames: broker.bootstrapServers)
        Console.out("embedded broker stopped")
    }
}

/// Starting the embedded broker the way every command that needs one does.
enum EmbeddedCluster {
    /// Starts the mock cluster, creates Attache's topics and writes `.attache/bootstrap`.
    static func start(brokers: Int = 1, partitions: Int = 4, topics: Topics = Topics(), writeBootstrap: Bool = true)
        throws -> EmbeddedBroker
    {
        let broker = try EmbeddedBroker(brokers: brokers)
        try broker.createTopics(topics.all.map { NewTopic(name: $0.name, partitions: partitions) })
        if writeBootstrap { try BootstrapFile.write(broker.bootstrapServers) }
        return broker
    }

    /// The metric counting records the embedded broker dropped before they were read.
    static let evictedMetric = "attache_embedded_broker_evicted_records_total"

    /// Watches every partition of Attache's topics: records evicted before the consumer
    /// group of the service that reads them did (or from a topic restored from its
    /// beginning) are logged as errors and counted in `evictedMetric`.
    static func watchEvictions(of broker: EmbeddedBroker, topics: Topics, metrics: Metrics) -> EvictionWatcher {
        metrics.describe(
            evictedMetric, type: "counter",
            help:
                "Records the embedded broker dropped (about 5 MiB kept per partition) before a consumer group read them, by topic, partition and group."
        )
        // Registered at zero, so that the metric is there before anything is lost.
        metrics.increment(
            evictedMetric, by: 0, labels: ["topic": topics.raw, "partition": "0", "group": "attache-ingest"])
        let watcher = broker.evictionWatcher(
            readers: [
                topics.raw: ["attache-ingest"],
                topics.parsed: ["attache-enrichment"],
                topics.observations: ["attache-enrichment-series"],
                topics.enriched: ["attache-notifier"],
                topics.deltas: ["attache-notifier"],
                topics.anniversaries: ["attache-notifier"],
            ],
            restored: [topics.ledger, topics.notifications],
            logger: Logger(label: "attache.broker"))
        watcher.start { eviction in
            metrics.increment(
                evictedMetric, by: Double(eviction.count),
                labels: ["topic": eviction.topic, "partition": String(eviction.partition), "group": eviction.reader])
        }
        return watcher
    }
}
