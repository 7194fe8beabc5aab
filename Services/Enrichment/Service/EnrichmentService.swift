import AttacheKafka
import AttacheModels
import AttacheRuntime
import Dispatch
import Foundation
import Logging

/// The enrichment service (DESIGN.md §1, §3, §4): two consume–transform–produce stages.
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
        self.options = options
        self.exactlyOnce = exactlyOnce
        self.logger = logger
        self.metrics = metrics
        self.health = health
        EnrichmentService.describeMetrics(metrics)
    }

    /// Serves `/healthz`, `/readyz` and `/metrics` on `options.httpPort` and runs both stages
    /// until `shutdown` is requested; returns once the batch in hand is committed (or, after
    /// a fatal error such as a fenced producer, throws it, with `/healthz` failing).
    public func run(shutdown: ShutdownSignal, onHTTPStarted: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        logger.info("enrichment starting: \(options.logDescription) instance=\(options.instance)")
        if exactlyOnce {
            logger.info("delivery: exactly once — each batch is a Kafka transaction holding its output and its input offsets (read_committed); outputs are also idempotent by key")
        } else {
            logger.notice("delivery: AT LEAST ONCE — transactions are off; input offsets are committed plainly after the output is delivered. Records may be produced again after a restart or rebalance, with the same keys and values (idempotent by key, DESIGN.md §4). Use --exactly-once against a real Kafka cluster.")
        }
        health.setReady(false, "starting: joining the consumer groups")
        let server = ServiceHTTPServer(host: options.httpHost, port: options.httpPort, health: health, metrics: metrics, logger: logger)
        let http = Task { try await server.run(onStarted: onHTTPStarted) }
        defer { http.cancel() }
        do {
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
                logger.error("enrichment did not stop within the shutdown deadline (is the cluster reachable?); stopping anyway. \(held.isEmpty ? "No input was held uncommitted." : "Left uncommitted, read again after restart: \(held)")")
            }
        } catch {
            health.setFatal("\(error)")
            health.setReady(false, "stopped: \(error)")
            logger.critical("enrichment stopped: \(error)")
            http.cancel()
            _ = await http.result
            throw error
        }
        health.setReady(false, "stopped")
        http.cancel()
        _ = await http.result
        logger.info("enrichment stopped")
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

    private func makeStages(shutdown: ShutdownSignal) throws -> [StageRunner] {
        let control = control
        let kafka = options.kafka
        let topics = options.topics
        var articleLogger = logger
        articleLogger[metadataKey: "stage"] = "articles"
        var seriesLogger = logger
        seriesLogger[metadataKey: "stage"] = "series"

        let articleConsumer = try KafkaConsumer(config: kafka, groupID: options.groupID, readCommitted: true, logger: articleLogger)
        let articles = StageRunner(
            name: "articles", topic: topics.parsed, consumer: articleConsumer,
            sink: try makeSink(stage: "articles", logger: articleLogger),
            logic: ArticleLogic(home: options.homeCountry, topics: topics, metrics: metrics, logger: articleLogger),
            control: control, shutdown: shutdown, metrics: metrics, logger: articleLogger, rejectedTopic: topics.rejected,
            onReady: { [weak self] ready in self?.setReady(articles: ready) })

        let seriesConsumer = try KafkaConsumer(config: kafka, groupID: seriesGroupID, readCommitted: true, logger: seriesLogger)
        var restorer = LedgerRestorer(config: kafka, topic: topics.ledger, groupID: seriesGroupID + "-restore",
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
            return .transactional(try TransactionalProducer(config: options.kafka, transactionalID: transactionalID(stage: stage), logger: logger))
        }
        return .atLeastOnce(try KafkaProducer(config: options.kafka, logger: logger))
    }

    private func runStage(_ stage: StageRunner, shutdown: ShutdownSignal) async throws {
        do {
            if stage.name == "series" {
                // The cluster may not answer yet: that is no reason to stop, only a mismatch is.
                while true {
                    do {
                        try await checkCoPartitioning(stage.consumer)
                        break
                    } catch let error as KafkaError where error.kind == .retriable {
                        if shutdown.isRequested || control.stopRequested {
                            await close(stage, shutdown: shutdown)
                            return
                        }
                        logger.warning("series stage: cannot check the partitions of the ledger yet, retrying in 1 s: \(error)")
                        try? await Task.sleep(for: .seconds(1))
                    }
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
    private func close(_ stage: StageRunner, shutdown: ShutdownSignal) async {
        await stage.quiesce()
        let consumer = stage.consumer
        let producer = stage.sink.producer
        // Half of what is left (less a margin for the HTTP server) each, within the clients' own bound.
        let budget = min(options.kafka.closeTimeoutMs, shutdown.remainingMs(margin: .milliseconds(2_000)) / 2)
        _ = try? await offCooperativePool {
            consumer.close(timeoutMs: max(100, budget))
            producer.close(timeoutMs: max(100, budget))
        }
    }

    /// `attache.ledger` must have as many partitions as `trade.observations`: the ledger of
    /// observation partition P is ledger partition P.
    private func checkCoPartitioning(_ consumer: KafkaConsumer) async throws {
        let topics = options.topics
        let (observations, ledger) = try await offCooperativePool {
            (try consumer.partitionCount(of: topics.observations), try consumer.partitionCount(of: topics.ledger))
        }
        guard observations == ledger, observations > 0 else {
            throw StageFatalError(stage: "series", underlying: OptionsError(
                "\(topics.ledger) has \(ledger) partitions and \(topics.observations) has \(observations): they must be equal (the ledger of observation partition P is ledger partition P); create \(topics.ledger) with \(observations) partitions"))
        }
    }

    private func setReady(articles: Bool? = nil, series: Bool? = nil) {
        let (ready, reason): (Bool, String) = lock.withLock {
            if let articles { articlesReady = articles }
            if let series { seriesReady = series }
            let ready = articlesReady && seriesReady
            let reason = ready ? "assigned and ledger restored"
                : "waiting for \([articlesReady ? nil : "the article stage's assignment", seriesReady ? nil : "the series stage's assignment and ledger restore"].compactMap { $0 }.joined(separator: " and "))"
            return (ready, reason)
        }
        health.setReady(ready, reason)
        metrics.set("attache_enrichment_ready", ready ? 1 : 0)
    }

    static func describeMetrics(_ metrics: Metrics) {
        metrics.describe("attache_enrichment_records_in_total", type: "counter", help: "Records consumed, by topic.")
        metrics.describe("attache_enrichment_records_out_total", type: "counter", help: "Records produced (delivered or committed), by topic.")
        metrics.describe("attache_enrichment_rejected_total", type: "counter", help: "Input records sent to articles.rejected, by topic and reason.")
        metrics.describe("attache_enrichment_transactions_total", type: "counter", help: "Kafka transactions, by stage and outcome (committed, aborted).")
        metrics.describe("attache_enrichment_commits_total", type: "counter", help: "Plain offset commits after delivery (at-least-once mode), by stage.")
        metrics.describe("attache_enrichment_restore_seconds", type: "gauge", help: "Duration of the last series-ledger restore, in seconds.")
        metrics.describe("attache_enrichment_restore_duration_seconds", type: "histogram", help: "Durations of series-ledger restores, in seconds.")
        metrics.describe("attache_enrichment_restored_entries", type: "gauge", help: "Ledger entries read by the last restore.")
        metrics.describe("attache_enrichment_lag", type: "gauge", help: "High watermark minus position, by topic and partition.")
        metrics.describe("attache_enrichment_ready", type: "gauge", help: "1 when both stages are assigned and the ledger is restored.")
        metrics.describe("attache_enrichment_observations_skipped_total", type: "counter", help: "Observations already in the ledger with the same value (replays).")
        metrics.describe("attache_enrichment_stage_errors_total", type: "counter", help: "Transient stage failures after which the state was restored and the consumer rewound, by stage.")
        metrics.describe("attache_enrichment_tombstones_total", type: "counter", help: "Tombstones read on the input (nothing to enrich).")
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
