import ArticleParsing
import AttacheKafka
import AttacheModels
import AttacheRuntime
import Foundation
import Hummingbird
import Logging

/// The ingest service (`attache serve ingest`): the article API on HTTP and a consumer of
/// `articles.raw`, both publishing `Article`s to `articles.parsed` and `Rejection`s to
/// `articles.rejected` through one idempotent producer (`acks=all`).
///
/// - HTTP on `options.httpHost:options.httpPort`: `POST /v1/articles` (see `ArticleAPI`),
///   `GET /healthz`, `/readyz`, `/metrics`.
/// - `articles.raw` in group `options.groupID` (see `RawConsumer`): offsets committed only
///   after the output is delivered.
/// - Ready (`/readyz` 200) once a metadata request reached the cluster and the raw consumer
///   received its first partition assignment; it stays ready through later rebalances.
/// - A rejection never stops the service; a fatal Kafka error does, from either path
///   (`/healthz` answers 503 at once, `run` throws the error, the process exits non-zero;
///   see `FatalStop` and `PublishFailure`).
public final class IngestService: Sendable {
    /// Brokers, topics, HTTP address and consumer group.
    public let options: ServiceOptions
    /// Size limit, token, duplicate memory.
    public let settings: IngestSettings
    /// The service log.
    public let logger: Logger
    /// The Prometheus registry served at `/metrics` (see `IngestMetrics`).
    public let metrics: Metrics
    /// What `/healthz` and `/readyz` answer.
    public let health: Health
    /// The ids published recently by this service, for `duplicate` answers.
    public let recent: RecentIDs
    let producer: KafkaProducer
    private let publisher: ArticlePublisher
    private let readiness = Readiness()
    /// For the metadata request that tells whether the cluster can be reached.
    private let admin: KafkaAdmin

    /// A service with the settings of `IngestSettings.fromEnvironment()`
    /// (`ATTACHE_INGEST_MAX_BYTES`, `ATTACHE_INGEST_TOKEN`).
    public convenience init(options: ServiceOptions, logger: Logger, metrics: Metrics, health: Health) throws {
        try self.init(options: options, settings: try IngestSettings.fromEnvironment(), logger: logger, metrics: metrics, health: health)
    }

    /// A service with explicit settings. Creates the producer (which connects lazily).
    public init(options: ServiceOptions, settings: IngestSettings, logger: Logger, metrics: Metrics, health: Health) throws {
        self.options = options
        self.settings = settings
        self.logger = logger
        self.metrics = metrics
        self.health = health
        self.recent = RecentIDs(capacity: settings.recentCapacity)
        var producerLogger = logger
        producerLogger[metadataKey: "component"] = "producer"
        producer = try KafkaProducer(config: options.kafka, logger: producerLogger)
        publisher = ArticlePublisher(producer: producer, topics: options.topics, recent: recent, metrics: metrics)
        var adminLogger = logger
        adminLogger[metadataKey: "component"] = "admin"
        admin = try KafkaAdmin(config: options.kafka, logger: adminLogger)
        health.setReady(false, "starting: connecting to Kafka at \(options.brokers)")
    }

    /// Runs until `shutdown` is requested (or the task is cancelled, or a part fails), then
    /// stops taking requests, finishes the raw batch in hand (deliver, commit), flushes the
    /// producer and returns. `onHTTPStarted` receives the bound HTTP port (useful with port 0).
    /// Call it once: the producer is closed when it returns. Throws what stopped it early
    /// (e.g. the HTTP port in use, a fatal Kafka error), after the same clean-up.
    public func run(shutdown: ShutdownSignal, onHTTPStarted: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        logger.info("ingest starting: \(options.logDescription) maxBytes=\(settings.maxBytes) token=\(settings.token == nil ? "none" : "required")")
        let stop = ShutdownSignal()
        let fatal = FatalStop(health: health, stop: stop)
        let parser = ArticleParser(maxBytes: settings.maxBytes)
        let readiness = readiness
        let health = health
        let raw = try RawConsumer(options: options, publisher: publisher, parser: parser, metrics: metrics, logger: logger,
                                  fatal: fatal) { partitions in
            readiness.update(health) { $0.assigned = partitions.count }
        }
        let consumerTask = Task {
            do {
                try await raw.run(until: stop)
            } catch {
                await offCooperativePool { raw.close() }
                throw error
            }
            await offCooperativePool { raw.close() }
        }
        let api = ArticleAPI(publisher: publisher, settings: settings, metrics: metrics, logger: logger, fatal: fatal)
        let httpServer = IngestHTTP.server(settings)
        let server = ServiceHTTPServer(host: options.httpHost, port: options.httpPort, health: health, metrics: metrics, logger: logger)
        let logger = logger
        // Shortly before the shutdown deadline, sends still waiting for a delivery report
        // (the cluster is gone) fail, so that their requests answer and the HTTP server stops.
        let releaser = Task { [producer] in
            await shutdown.wait()
            try? await Task.sleep(for: shutdown.remaining(margin: .milliseconds(2_500)))
            if !Task.isCancelled { await producer.shutdown(timeoutMs: 0) }
        }
        defer { releaser.cancel() }
        var failure: (any Error)?
        do {
            try await withThrowingTaskGroup(of: Part.self) { group in
                group.addTask {
                    try await server.run(routes: { api.register(on: $0) }, server: httpServer, onStarted: { port in
                        logger.info("ingest HTTP listening on \(server.host):\(port) (POST \(ArticleAPI.path))")
                        await onHTTPStarted(port)
                    })
                    return .http
                }
                group.addTask {
                    // Polls rather than waits, so that cancelling the group ends it.
                    while !shutdown.isRequested && !Task.isCancelled { try? await Task.sleep(for: .milliseconds(50)) }
                    return .shutdown
                }
                group.addTask { try await consumerTask.value; return .consumer }
                group.addTask { await self.checkCluster(until: stop); return .clusterCheck }
                // The first part to finish ends the run (shutdown, or a part that stopped
                // or failed), except the cluster check, which finishes once it succeeded.
                defer {
                    stop.request()
                    group.cancelAll()
                }
                while let part = try await group.next() {
                    if part != .clusterCheck { break }
                }
            }
        } catch {
            failure = error
        }
        stop.request()
        health.setReady(false, "shutting down")
        do {
            try await consumerTask.value
        } catch {
            failure = failure ?? error
        }
        if let error = fatal.error { failure = error }
        await offCooperativePool { [producer] in producer.close() }
        if let failure {
            if !(failure is CancellationError) {
                logger.error("ingest stopped: \(failure)")
                health.setFatal(String(describing: failure))
            }
            throw failure
        }
        logger.info("ingest stopped")
    }

    /// Asks the cluster for metadata until it answers (the producer can then reach it), and
    /// warns about output topics that do not exist.
    private func checkCluster(until stop: ShutdownSignal) async {
        var attempt = 0
        while !stop.isRequested && !Task.isCancelled {
            do {
                let topics = try await admin.topics(timeoutMs: 5_000)
                for name in [options.topics.raw, options.topics.parsed, options.topics.rejected] where topics[name] == nil {
                    logger.warning("topic \(name) does not exist on the cluster; create it (see deploy/) or enable auto-creation")
                }
                readiness.update(health) {
                    $0.clusterReached = true
                }
                return
            } catch {
                attempt += 1
                if attempt == 1 || attempt % 10 == 0 { logger.warning("Kafka not reachable yet: \(error)") }
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}

/// The parts of a running service.
enum Part: Sendable {
    case http, shutdown, consumer, clusterCheck
}

/// What readiness waits for.
final class Readiness: @unchecked Sendable {
    struct State {
        var clusterReached = false
        /// Partitions of the latest assignment; nil before the first.
        var assigned: Int?
    }

    private let lock = NSLock()
    private var state = State()

    /// Changes the state and tells `health`.
    func update(_ health: Health, _ change: (inout State) -> Void) {
        let now = lock.withLock {
            change(&state)
            return state
        }
        switch (now.clusterReached, now.assigned) {
        case (true, .some(let partitions)):
            health.setReady(true, "connected; consuming articles.raw (\(partitions) partitions assigned)")
        case (false, _):
            health.setReady(false, "waiting for the Kafka cluster")
        case (true, nil):
            health.setReady(false, "connected; waiting for the articles.raw partition assignment")
        }
    }
}
