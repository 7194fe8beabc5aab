import AttacheKafka
import AttacheModels
import AttacheRuntime
import Dispatch
import Foundation
import Logging

/// The enrichment service (docs/architecture.md §1, §3, §4): two consume–transform–produce stages.
///
/// 1. Articles: `articles.parsed` → `articles.enriched`, `anniversaries`, and the internal
///    `trade.observations` re-keyed by series id (consumer group `groupID`).
/// 2. Series: `trade.observations` → `trade.deltas`, with each series' ledger kept in memory
///    and backed by the compacted `attache.ledger` changelog, co-partitioned with
///    `trade.observations` and restored when partitions are assigned (group `groupID-series`).
///
/// Unreadable input goes to `articles.rejected` (`invalid_record`, `unknown_schema`).
///
/// Exactly once (`exactlyOnce: true`, for real clusters): each polled batch is one Kafka
/// transaction holding its output and its input offsets; consumers read committed.
/// At least once (`exactlyOnce: false`, for the embedded broker, which does not store
/// transactional offset commits): the output of a batch is delivered, then its offsets are
/// committed plainly. Either way every output is idempotent by key and value: a replay
/// produces the same records, never new distinct ones.
public final class EnrichmentService: @unchecked Sendable {
    public let options: ServiceOptions
    public let exactlyOnce: Bool
    let logger: Logger
    let metrics: Metrics
    let health: Health
    let control = StageControl()

    private let lock = NSLock()
    private var articlesReady = false
    private var seriesReady = false

    /// The consumer group of the series stage.
    public var seriesGroupID: String { options.groupID + "-series" }

    public init(options: ServiceOptions, exactlyOnce: Bool, logger: Logger, metrics: Metrics, health: Health) throws {
        guard !options.brokers.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw OptionsError("no Kafka brokers given for the enrichment service")
        }
        guard !options.groupID.isEmpty else { throw OptionsError("the enrichment service needs a consumer group id") }
        var options = options
        // librdkafka's statistics become gauges on /metrics: lag, round trips, producer queue.
        if options.statistics == nil, options.statisticsIntervalMs > 0 {
            options.statistics = KafkaStatisticsReceiver(
                intervalMs: options.statisticsIntervalMs, handler: KafkaStatisticsGauges.handler(metrics))
        }
        self.options = options
        self.exactlyOnce = exactlyOnce
        self.logger = logger
        self.metrics = metrics
        self.health = health
        EnrichmentMetrics.describe(
            metrics, stages: ["articles", "series"], inputs: [options.topics.parsed, options.topics.observations])
    }

    /// Serves `/healthz`, `/readyz` and `/metrics` on `options.httpPort` and runs both stages
    /// until `shutdown` is requested; returns once the batch in hand is committed (or, after
    /// a fatal error such as a fenced producer, throws it, with `/healthz` failing).
    public func run(shutdown: ShutdownDeadline, onHTTPStarted: @escaping @Sendable (Int) async -> Void = { _ in })
        async throws
    {
        logger.info("enrichment starting: \(options.logDescription) instance=\(options.instance)")
        if exactlyOnce {
            logger.info(
                "delivery: exactly once — each batch is a Kafka transaction holding its output and its input offsets (read_committed); outputs are also idempotent by key"
            )
        } else {
            logger.notice(
                "delivery: AT LEAST ONCE — transactions are off; input offsets are committed plainly after the output is delivered. Records may be produced again after a restart or rebalance, with the same keys and values (idempotent by key, docs/architecture.md §4). Use --exactly-once against a real Kafka cluster."
            )
        }
        health.setReady(false, "starting: joining the consumer groups")
        let host = ServiceHost(name: "enrichment", options: options, health: health, metrics: metrics, logger: logger)
        try await host.run(onHTTPStarted: onHTTPStarted) {
            let stages = try makeStages(shutdown: shutdown)
            let control = control
            let running = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for stage in stages {
                        group.addTask { try await self.runStage(stage, shutdown: shutdown) }
                    }
                    var failure: (any Error)?
                    while let result = await group.nextResult() {
                        if case .failure(let error) = result, failure == nil {
                            failure = error
                            control.requestStop()
                        }
                    }
                    if let failure { throw failure }
                }
            }
            // After SIGTERM the stages get until shortly before the shutdown deadline; a stage
            // blocked on an unreachable cluster is left behind, and what it held is logged.
            if try await !shutdown.bounded(running) {
                let held = UncommittedWork.shared.describe()
                logger.error(
                    "enrichment did not stop within the shutdown deadline (is the cluster reachable?); stopping anyway. \(held.isEmpty ? "No input was held uncommitted." : "Left uncommitted, read again after restart: \(held)")"
                )
            }
        }
    }

    /// For tests: stops both stages as a crash would — the batch in hand is neither
    /// committed nor aborted (its output may already be on the topics), and no offsets are
    /// committed — then closes the clients.
    public func simulateCrash() {
        control.requestCrash()
    }

    /// For tests: the next time `stage` (`articles` or `series`) has delivered the output of
    /// a batch, the service stops as a crash would, before committing that batch.
    public func simulateCrash(afterNextDeliveryOf stage: String) {
        control.requestCrash(afterNextDeliveryOf: stage)
    }

    /// Asks both stages to stop after the batch in hand (as a SIGTERM does).
    public func stop() {
        control.requestStop()
    }

    // MARK: Stages

    private func makeStages(shutdown: ShutdownDeadline) throws -> [any RunnableStage] {
        let control = control
        let kafka = options.kafka
        let topics = options.topics
        var articleLogger = logger
        articleLogger[metadataKey: "stage"] = "articles"
        var seriesLogger = logger
        seriesLogger[metadataKey: "stage"] = "series"

        let articleConsumer = try KafkaConsumer(
            config: kafka, groupID: options.groupID, readCommitted: true, logger: articleLogger)
        let articles = StageRunner(
            name: "articles", topic: topics.parsed, consumer: articleConsumer,
            sink: try makeSink(stage: "articles", logger: articleLogger),
            logic: ArticleLogic(home: options.homeCountry, topics: topics, metrics: metrics, logger: articleLogger),
            control: control, shutdown: shutdown, metrics: metrics, logger: articleLogger,
            rejectedTopic: topics.rejected,
            onReady: { [weak self] ready in self?.setReady(articles: ready) })

        let seriesConsumer = try KafkaConsumer(
            config: kafka, groupID: seriesGroupID, readCommitted: true, logger: seriesLogger)
        var restorer = LedgerRestorer(
            config: kafka, topic: topics.ledger, groupID: seriesGroupID + "-restore",
            metrics: metrics, logger: seriesLogger)
        restorer.stop = { control.stopRequested || shutdown.isRequested }
        let series = StageRunner(
            name: "series", topic: topics.observations, consumer: seriesConsumer,
            sink: try makeSink(stage: "series", logger: seriesLogger),
            logic: SeriesLogic(topics: topics, restorer: restorer, metrics: metrics, logger: seriesLogger),
            control: control, shutdown: shutdown, metrics: metrics, logger: seriesLogger, maxBatch: 500,
            rejectedTopic: topics.rejected, onReady: { [weak self] ready in self?.setReady(series: ready) })
        return [articles, series]
    }

    /// The transactional id of a stage: stable per group, stage and instance, so that a
    /// restarted instance fences its predecessor (zombie).
    public func transactionalID(stage: String) -> String {
        "\(options.groupID)-\(stage)-\(options.instance)"
    }

    private func makeSink(stage: String, logger: Logger) throws -> StageSink {
        if exactlyOnce {
            return .transactional(
                try TransactionalProducer(
                    config: options.kafka, transactionalID: transactionalID(stage: stage), logger: logger))
        }
        return .atLeastOnce(try KafkaProducer(config: options.kafka, logger: logger))
    }

    private func runStage(_ stage: any RunnableStage, shutdown: ShutdownDeadline) async throws {
        do {
            if stage.name == "series" {
                // The cluster may not answer yet: that is no reason to stop, only a mismatch is.
                let control = control
                let logger = logger
                let stopping: @Sendable () -> Bool = { shutdown.isRequested || control.stopRequested }
                do {
                    try await EnrichmentService.clusterRetries.run(
                        { try await checkCoPartitioning(stage.consumer) },
                        retryable: { ($0 as? KafkaError)?.kind == .retriable && !stopping() },
                        onRetry: { error, _, wait in
                            logger.warning(
                                "series stage: cannot check the partitions of the ledger yet, retrying in \(String(format: "%.0f", wait.seconds * 1000)) ms: \(error)"
                            )
                        }, wait: { await RetryPolicy.pause($0, until: stopping) })
                } catch let error as KafkaError where error.kind == .retriable && stopping() {
                    await close(stage, shutdown: shutdown)
                    return
                }
            }
            try await stage.run()
        } catch {
            await close(stage, shutdown: shutdown)
            // Cancelled near the shutdown deadline: a stop, not a failure.
            if error is CancellationError, shutdown.isRequested { return }
            if let error = error as? StageFatalError { throw error }
            throw StageFatalError(stage: stage.name, underlying: error)
        }
        await close(stage, shutdown: shutdown)
    }

    /// Leaves the group (the rebalance hook runs; nothing is open by then) and frees the
    /// clients, off the cooperative pool, within what is left of the shutdown deadline.
    private func close(_ stage: any RunnableStage, shutdown: ShutdownDeadline) async {
        await stage.quiesce()
        let consumer = stage.consumer
        let producer = stage.sink.producer
        // Half of what is left (less a margin for the HTTP server) each, within the clients' own bound.
        let budget = min(options.kafka.closeTimeoutMs, shutdown.remainingMs(margin: .milliseconds(2_000)) / 2)
        await offCooperativePool {
            consumer.close(timeoutMs: max(100, budget))
            producer.close(timeoutMs: max(100, budget))
        }
    }

    /// Questions to the cluster at start are asked again until it answers or the service stops.
    static let clusterRetries = RetryPolicy(maxAttempts: .max, baseDelay: .milliseconds(500), maxDelay: .seconds(2))

    /// `attache.ledger` must have as many partitions as `trade.observations`: the ledger of
    /// observation partition P is ledger partition P.
    private func checkCoPartitioning(_ consumer: KafkaConsumer) async throws {
        let topics = options.topics
        let (observations, ledger) = try await offCooperativePool {
            (try consumer.partitionCount(of: topics.observations), try consumer.partitionCount(of: topics.ledger))
        }
        guard observations == ledger, observations > 0 else {
            throw StageFatalError(
                stage: "series",
                underlying: OptionsError(
                    "\(topics.ledger) has \(ledger) partitions and \(topics.observations) has \(observations): they must be equal (the ledger of observation partition P is ledger partition P); create \(topics.ledger) with \(observations) partitions"
                ))
        }
    }

    private func setReady(articles: Bool? = nil, series: Bool? = nil) {
        let (ready, reason): (Bool, String) = lock.withLock {
            if let articles { articlesReady = articles }
            if let series { seriesReady = series }
            let ready = articlesReady && seriesReady
            let reason =
                ready
                ? "assigned and ledger restored"
                : "waiting for \([articlesReady ? nil : "the article stage's assignment", seriesReady ? nil : "the series stage's assignment and ledger restore"].compactMap { $0 }.joined(separator: " and "))"
            return (ready, reason)
        }
        health.setReady(ready, reason)
        metrics.set(EnrichmentMetrics.ready, ready ? 1 : 0)
    }
}
