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
        try self.init(
            options: options, settings: try IngestSettings.fromEnvironment(), logger: logger, metrics: metrics,
            health: health)
    }

    /// A service with explicit settings. Creates the producer (which connects lazily).
    public init(options: ServiceOptions, settings: IngestSettings, logger: Logger, metrics: Metrics, health: Health)
        throws
    {
        var options = options
        // librdkafka's statistics become gauges on /metrics: lag, round trips, producer queue.
        if options.statistics == nil, options.statisticsIntervalMs > 0 {
            options.statistics = KafkaStatisticsReceiver(
                intervalMs: options.statisticsIntervalMs, handler: KafkaStatisticsGauges.handler(metrics))
        }
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
    public func run(shutdown: ShutdownDeadline, onHTTPStarted: @escaping @Sendable (Int) async -> Void = { _ in })
        async throws
    {
        logger.info(
            "ingest starting: \(options.logDescription) maxBytes=\(settings.maxBytes) token=\(settings.token == nil ? "none" : "required")"
        )
        // Requested on shutdown, by a fatal Kafka error, or when a part stops.
        let stop = ShutdownDeadline()
        let fatal = FatalStop(health: health, stop: stop)
        let api = ArticleAPI(publisher: publisher, settings: settings, metrics: metrics, logger: logger, fatal: fatal)
        let host = ServiceHost(name: "ingest", options: options, health: health, metrics: metrics, logger: logger)
        let releaser = releaseSends(before: shutdown)
        defer { releaser.cancel() }
        let logger = logger
        let server = host.server
        do {
            try await host.run(
                routes: { api.register(on: $0) }, builder: IngestHTTP.server(settings), role: .input(stop: stop),
                onHTTPStarted: { port in
                    logger.info("ingest HTTP listening on \(server.host):\(port) (POST \(ArticleAPI.path))")
                    await onHTTPStarted(port)
                },
                work: { try await consume(until: shutdown, stop: stop, fatal: fatal) }
            )
        } catch {
            await offCooperativePool { [producer] in producer.close() }
            throw error
        }
        await offCooperativePool { [producer] in producer.close() }
    }

    /// The work beside the HTTP API: the raw consumer and the cluster check, until
    /// `shutdown` (or `stop`) is requested or the consumer stops; then stops, finishes the
    /// raw batch in hand and closes the consumer. Throws the first fatal Kafka error (from
    /// either path), else what stopped the consumer.
    private func consume(until shutdown: ShutdownDeadline, stop: ShutdownDeadline, fatal: FatalStop) async throws {
        let parser = ArticleParser(maxBytes: settings.maxBytes)
        let readiness = readiness
        let health = health
        let raw = try RawConsumer(
            options: options, publisher: publisher, parser: parser, metrics: metrics, logger: logger,
            fatal: fatal
        ) { partitions in
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
        var failure: (any Error)?
        do {
            try await withThrowingTaskGroup(of: Part.self) { group in
                group.addTask {
                    // The wait ends on a shutdown request, or when the group is cancelled.
                    await shutdown.wait()
                    return .shutdown
                }
                group.addTask {
                    // A stop from elsewhere (a fatal error, the HTTP server gone).
                    await stop.wait()
                    return .stop
                }
                group.addTask {
                    try await consumerTask.value; return .consumer
                }
                group.addTask {
                    await self.checkCluster(until: stop); return .clusterCheck
                }
                // The first part to finish ends the run (shutdown, a stop, or the consumer
                // that stopped or failed), except the cluster check, which finishes once it
                // succeeded.
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
        if let error = fatal.error { throw error }
        if let failure { throw failure }
    }

    /// Shortly before the shutdown deadline, sends still waiting for a delivery report (the
    /// cluster is gone) fail, so that their requests answer and the HTTP server stops.
    private func releaseSends(before shutdown: ShutdownDeadline) -> Task<Void, Never> {
        Task { [producer] in
            await shutdown.wait()
            try? await Task.sleep(for: shutdown.remaining(margin: .milliseconds(2_500)))
            if !Task.isCancelled { await producer.shutdown(timeoutMs: 0) }
        }
    }

    /// Asks the cluster for metadata until it answers (the producer can then reach it), and
    /// warns about output topics that do not exist.
    private func checkCluster(until stop: ShutdownDeadline) async {
        let admin = admin
        let logger = logger
        guard
            let topics = try? await IngestService.clusterRetries.run(
                { () throws(KafkaError) in try await admin.topics(timeoutMs: 5_000) },
                retryable: { _ in !stop.isRequested },
                onRetry: { error, retry, _ in
                    if retry == 1 || retry % 10 == 0 { logger.warning("Kafka not reachable yet: \(error)") }
                }, wait: { await RetryPolicy.pause($0, until: { stop.isRequested }) })
        else { return }
        for name in [options.topics.raw, options.topics.parsed, options.topics.rejected] where topics[name] == nil {
            logger.warning(
                "topic \(name) does not exist on the cluster; create it (see deploy/) or enable auto-creation")
        }
        readiness.update(health) {
            $0.clusterReached = true
        }
    }

    /// The metadata request is asked again until the cluster answers or the service stops.
    static let clusterRetries = RetryPolicy(maxAttempts: .max, baseDelay: .milliseconds(500), maxDelay: .seconds(2))
}

/// The parts of a running service.
enum Part: Sendable {
    case shutdown, stop, consumer, clusterCheck
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
