import ArgumentParser
import AttacheKafka
import AttacheRuntime
import Enrichment
import Foundation
import Ingest
import Logging
import Notifier

/// `attache serve ingest|enrichment|notifier`: one service against a Kafka cluster.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run one service against a Kafka cluster until SIGINT/SIGTERM.",
        discussion: """
            Each service serves GET /healthz, /readyz and /metrics on --http-port (ATTACHE_HTTP_PORT, default 8080); \
            ingest also serves POST /v1/articles there.
            """
    )

    enum Service: String, ExpressibleByArgument, CaseIterable {
        case ingest, enrichment, notifier
    }

    @Argument(help: "The service: ingest, enrichment or notifier.")
    var service: Service

    @Option(help: "Port of the HTTP endpoints (ATTACHE_HTTP_PORT, default 8080).")
    var httpPort: Int?

    @Flag(
        inversion: .prefixedNo,
        help:
            "Enrichment: consume–transform–produce in Kafka transactions (ATTACHE_EXACTLY_ONCE, default on). Off: at-least-once, idempotent by key."
    )
    var exactlyOnce: Bool?

    @Option(
        help: "Notifier: the YAML file of receivers and routes (ATTACHE_NOTIFY_CONFIG); a bad file exits with code 2.")
    var config: String?

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        LogSetup.bootstrap()
        var options = try connection.resolve(service: service.rawValue, httpPort: httpPort)
        options.statisticsIntervalMs = try settingsOrValidationError {
            try ServiceOptions.statisticsInterval(default: 5_000)
        }
        let logger = Logger(label: "attache.\(service.rawValue)")
        logger.info("starting \(service.rawValue): \(options.logDescription)")
        let shutdown = ShutdownDeadline(timeout: options.shutdownTimeout)
        let metrics = Metrics()
        MetricsBootstrap.bootstrap(metrics)
        let health = Health()
        // Fatal means stop: whatever client raised it, /healthz fails and the process ends non-zero.
        KafkaFatalErrors.observe { error in
            health.setFatal("fatal Kafka error: \(error)")
            shutdown.request()
        }
        defer { if let reason = health.fatalReason { logger.critical("\(service.rawValue) stopped: \(reason)") } }
        let member: AttacheService
        switch service {
        case .ingest:
            let settings = try settingsOrValidationError { try IngestSettings.fromEnvironment() }
            let ingest = try IngestService(
                options: options, settings: settings, logger: logger, metrics: metrics, health: health)
            member = AttacheService("ingest", shutdown: shutdown) { try await ingest.run(shutdown: $0) }
        case .enrichment:
            let eos = try await exactlyOnceSetting(options: options)
            let enrichment = try EnrichmentService(
                options: options, exactlyOnce: eos, logger: logger, metrics: metrics, health: health)
            member = AttacheService("enrichment", shutdown: shutdown) { try await enrichment.run(shutdown: $0) }
        case .notifier:
            let receivers = try NotifierConfigurationLoader.load(config)
            let settings = try settingsOrValidationError { try NotifierSettings.fromEnvironment() }
            let notifier = try NotifierService(
                options: options, configuration: receivers, logger: logger, metrics: metrics,
                health: health, settings: settings)
            member = AttacheService("notifier", shutdown: shutdown) { try await notifier.run(shutdown: $0) }
        }
        try await ServiceRuntime.run([member], shutdown: shutdown, logger: logger)
        if health.fatalReason != nil { throw ExitCode(1) }
        logger.info("\(service.rawValue) stopped")
    }

    /// `--[no-]exactly-once`, else `ATTACHE_EXACTLY_ONCE`, else on — except on the embedded
    /// broker, which does not store transactional offset commits (docs/architecture.md §4).
    private func exactlyOnceSetting(options: ServiceOptions) async throws -> Bool {
        if let exactlyOnce { return exactlyOnce }
        if ProcessInfo.processInfo.environment["ATTACHE_EXACTLY_ONCE"] != nil {
            return try environmentFlag("ATTACHE_EXACTLY_ONCE", default: true)
        }
        return try await !EmbeddedBroker.isEmbedded(options.kafka)
    }
}

/// Reads a boolean environment variable (`true/false`, `1/0`, `yes/no`, `on/off`).
func environmentFlag(_ name: String, default value: Bool) throws -> Bool {
    guard let text = ProcessInfo.processInfo.environment[name]?.lowercased(), !text.isEmpty else { return value }
    switch text {
    case "1", "true", "yes", "on": return true
    case "0", "false", "no", "off": return false
    default: throw ValidationError("\(name)=\(text) is not a boolean (true/false, 1/0, yes/no, on/off)")
    }
}

/// Turns a configuration error into a command-line validation error.
func settingsOrValidationError<T>(_ read: () throws -> T) throws -> T {
    do {
        return try read()
    } catch let error as OptionsError {
        throw ValidationError(error.description)
    }
}
