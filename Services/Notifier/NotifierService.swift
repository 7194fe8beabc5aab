import AttacheKafka
import AttacheModels
import AttacheRuntime
import Dispatch
import Foundation
import Logging

/// The notifier service (docs/architecture.md, docs/notifier.md): reads
/// `articles.enriched`, `trade.deltas` and `anniversaries` in consumer group
/// `options.groupID`, runs the rules (`NotificationRules`) over each record, routes each
/// notification to its receivers (`Router`) and delivers it.
///
/// Delivery is at least once to every receiver, with the notification id as idempotency key:
///
/// 1. Deliveries run off the poll loop (`Dispatcher`), at most `maxInFlight` per receiver,
///    each retried with exponential backoff and full jitter (`RetryPolicy`). After its last
///    attempt (or at once on a permanent error) the notification is dead-lettered for that
///    receiver on `notifications.dead`.
/// 2. Each (notification id, receiver) pair a receiver accepted is recorded on the compacted
///    `notifications.delivered`; once every receiver of a notification has accepted it or
///    dead-lettered it, and one accepted it, it is recorded on `notifications` (the audit).
/// 3. The offset of an input record is committed only once all its notifications went
///    through 1 and 2 (records finish out of order; `OffsetTracker` commits in order).
/// 4. While a receiver backs off, the partitions whose records wait on it are paused, as
///    are partitions with `maxPendingPerPartition` records not done; polling goes on, so a
///    slow receiver never costs the group membership.
///
/// A restart does not send again what a receiver accepted: when partitions are assigned,
/// the service reads `notifications.delivered` up to the high watermarks taken then, and
/// is not ready (and reads nothing) until it has; it never goes on with part of that state.
///
/// Input records that cannot be used (not JSON, another schema, values out of range) are
/// dead-lettered on `notifications.dead` as `InvalidRecord` (reason, topic, partition,
/// offset) and their offsets committed; tombstones on the compacted topics are skipped.
/// Serves `/healthz`, `/readyz` and `/metrics` on `options.httpPort`.
public final class NotifierService: @unchecked Sendable {
    public let options: ServiceOptions
    public let settings: NotifierSettings
    public let sinks: [any NotificationSink]
    public let router: Router
    let logger: Logger
    let metrics: Metrics
    let health: Health
    let rules: NotificationRules
    let reader: InputReader
    let delivered = DeliveredLog()

    let lock = NSLock()
    private var stopRequested = false
    private var haltRequested = false
    /// The consumer of `backlog()`, made at its first call.
    var queryConsumer: KafkaConsumer?

    /// Creates the service; nothing connects until `run`. `router` defaults to every
    /// notification to every sink.
    public init(
        options: ServiceOptions, sinks: [any NotificationSink], router: Router? = nil, logger: Logger, metrics: Metrics,
        health: Health, settings: NotifierSettings = NotifierSettings()
    ) throws {
        guard !options.brokers.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw OptionsError("no Kafka brokers given for the notifier service")
        }
        guard !options.groupID.isEmpty else { throw OptionsError("the notifier service needs a consumer group id") }
        let names = sinks.map(\.name)
        guard Set(names).count == names.count else {
            throw OptionsError(
                "notification receivers need distinct names (they label metrics, dead letters and delivered pairs): \(names.joined(separator: ", "))"
            )
        }
        let router = router ?? Router.everything(to: names)
        for route in router.routes {
            for name in route.receivers where !names.contains(name) {
                throw OptionsError(
                    "a route names receiver '\(name)', which is not configured (receivers: \(names.joined(separator: ", ")))"
                )
            }
        }
        var options = options
        // librdkafka's statistics become gauges on /metrics: lag, round trips, producer queue.
        if options.statistics == nil, options.statisticsIntervalMs > 0 {
            options.statistics = KafkaStatisticsReceiver(
                intervalMs: options.statisticsIntervalMs, handler: KafkaStatisticsGauges.handler(metrics))
        }
        self.options = options
        self.settings = settings
        self.sinks = sinks
        self.router = router
        self.logger = logger
        self.metrics = metrics
        self.health = health
        self.rules = NotificationRules(settings: settings.rules)
        self.reader = InputReader(topics: options.topics)
        NotifierMetrics.describe(metrics)
        for topic in [options.topics.enriched, options.topics.deltas, options.topics.anniversaries] {
            metrics.register(NotifierMetrics.recordsInTotal, labels: ["topic": topic])
        }
    }

    /// The service with the receivers and routes of `configuration`.
    public convenience init(
        options: ServiceOptions, configuration: NotifierConfiguration, logger: Logger, metrics: Metrics,
        health: Health, settings: NotifierSettings = NotifierSettings()
    ) throws {
        try self.init(
            options: options, sinks: configuration.makeSinks(), router: configuration.router, logger: logger,
            metrics: metrics, health: health, settings: settings)
    }

    /// The sinks `ATTACHE_NOTIFY_*` configures (see `SinkConfiguration`).
    public static func sinks(fromEnvironment environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> [any NotificationSink]
    {
        try SinkConfiguration(environment: environment).makeSinks()
    }

    /// The topics read.
    public var inputTopics: [String] { [options.topics.enriched, options.topics.deltas, options.topics.anniversaries] }

    /// Where dead letters go.
    public var deadLetterTopic: String { settings.deadLetterTopic ?? options.topics.notificationsDead }

    /// Asks the service to stop gracefully (as SIGTERM does): no new records, deliveries in
    /// flight get `shutdownGrace` to finish, what is done is committed.
    public func stop() {
        lock.withLock { stopRequested = true }
    }

    /// Stops at once as a crash would (for tests of restarts): nothing more is delivered,
    /// recorded or committed; the consumer leaves without committing.
    public func halt() {
        lock.withLock {
            haltRequested = true
            stopRequested = true
        }
    }

    var stopFlag: Bool { lock.withLock { stopRequested } }
    var haltFlag: Bool { lock.withLock { haltRequested } }
    func stopping(_ shutdown: ShutdownDeadline) -> Bool { stopFlag || shutdown.isRequested }

    /// Runs until `shutdown` is requested (or `stop()`/`halt()`). A fatal Kafka error, or
    /// output that cannot be written, stops it with `/healthz` failing, and is thrown.
    ///
    /// - Parameters:
    ///   - onHTTPStarted: called with the bound HTTP port (useful with port 0).
    ///   - onDelivered: called once per notification after every receiver accepted or
    ///     dead-lettered it, one accepted it, and it was recorded on `notifications`.
    public func run(
        shutdown: ShutdownDeadline, onHTTPStarted: @escaping @Sendable (Int) async -> Void = { _ in },
        onDelivered: (@Sendable (AttacheModels.Notification) -> Void)? = nil
    ) async throws {
        logger.info("notifier starting: \(options.logDescription) instance=\(options.instance)")
        logger.info(
            "notifier receivers: \(sinks.isEmpty ? "none" : sinks.map(\.name).joined(separator: ", ")); \(router.routes.count) route(s); up to \(settings.retry.maxAttempts) attempts per receiver (backoff \(settings.retry.baseDelay) to \(settings.retry.maxDelay), full jitter), \(settings.maxInFlight) in flight per receiver; dead letters to \(deadLetterTopic); delivered pairs on \(options.topics.notificationsDelivered); rules: \(settings.rules.enabled.sorted().joined(separator: ", "))"
        )
        health.setReady(false, "starting: joining consumer group \(options.groupID)")
        metrics.set(NotifierMetrics.ready, 0)
        let host = ServiceHost(name: "notifier", options: options, health: health, metrics: metrics, logger: logger)
        try await host.run(onHTTPStarted: onHTTPStarted) {
            defer { metrics.set(NotifierMetrics.ready, 0) }
            let consumer = try KafkaConsumer(
                config: options.kafka, groupID: options.groupID, readCommitted: true, logger: logger)
            let producer: KafkaProducer
            do {
                producer = try KafkaProducer(config: options.kafka, logger: logger)
            } catch {
                await close(consumer, nil)
                throw error
            }
            try await consume(consumer, producer, shutdown: shutdown, onDelivered: onDelivered)
        }
    }

    /// The service's work on its clients: subscribe, run the poll loop until a stop, then
    /// (unless halted) let the deliveries in flight finish and commit what is done; close
    /// the clients (the rebalance hook runs a last time then).
    private func consume(
        _ consumer: KafkaConsumer, _ producer: KafkaProducer, shutdown: ShutdownDeadline,
        onDelivered: (@Sendable (AttacheModels.Notification) -> Void)?
    ) async throws {
        let isStopping: @Sendable () -> Bool = { [weak self, shutdown] in
            shutdown.isRequested || (self?.stopFlag ?? true)
        }
        let isHalted: @Sendable () -> Bool = { [weak self] in self?.haltFlag ?? true }
        let output = NotifierOutput(
            producer: producer, topics: options.topics, deadLetterTopic: deadLetterTopic, logger: logger,
            stopping: isStopping)
        let lanes = sinks.map {
            ReceiverLane(
                sink: $0, policy: settings.retry, maxInFlight: settings.maxInFlight, metrics: metrics, logger: logger)
        }
        let dispatcher = Dispatcher(
            lanes: lanes, output: output, delivered: delivered, metrics: metrics, logger: logger,
            stopping: isStopping, halted: isHalted, onDelivered: onDelivered)
        let sync = RebalanceSync(
            consumer: consumer, name: "notifier", logger: logger, stopping: isStopping,
            onReady: { [weak self] in self?.progress($0) })
        sync.install { [weak self, weak sync] event in
            guard let self, let sync else { return }
            self.beforeRebalance(event, sync: sync, dispatcher: dispatcher)
        }
        do {
            try consumer.subscribe(inputTopics)
            logger.info("notifier consuming \(inputTopics.joined(separator: ", ")) as group \(options.groupID)")
            try await loop(consumer: consumer, sync: sync, dispatcher: dispatcher, output: output, shutdown: shutdown)
            if !haltFlag {
                // Graceful: deliveries in flight get the grace period, then what is done is committed.
                let idle = await dispatcher.waitIdle(until: .now + settings.shutdownGrace)
                if !idle {
                    logger.notice(
                        "stopping with \(dispatcher.activeJobs) notification(s) still in flight; their records are read again after restart"
                    )
                }
                await commit(dispatcher.uncommitted(), consumer: consumer, dispatcher: dispatcher)
            }
        } catch {
            // `/healthz` fails at once, not only once the clients are closed.
            if !(error is CancellationError) { health.setFatal("\(error)") }
            await close(consumer, producer)
            withExtendedLifetime(sync) {}
            throw error
        }
        await close(consumer, producer)
        // The hook holds `sync` weakly; it runs during the close.
        withExtendedLifetime(sync) {}
    }

    /// The poll loop: restore on assignment and rewind (`sync`), read records, hand them to
    /// the dispatcher, pause and resume partitions, commit what is done. Output that cannot
    /// be written and fatal Kafka errors stop it; other errors (the cluster briefly gone, a
    /// restore that timed out) are followed by a resync, as in the enrichment stages.
    private func loop(
        consumer: KafkaConsumer, sync: RebalanceSync, dispatcher: Dispatcher, output: NotifierOutput,
        shutdown: ShutdownDeadline
    ) async throws {
        let owner = DeliveredPairsOwner(service: self)
        var paused: Set<PartitionKey> = []
        while !stopping(shutdown) {
            if let error = dispatcher.fatalError { throw error }
            do {
                try await sync.resyncIfNeeded(owner)
                let batch = try await consumer.poll(max: settings.maxBatch, timeoutMs: 100)
                if try await sync.afterPoll(owner) {
                    // The batch polled with the rebalance is read again from the committed
                    // offsets; newly assigned partitions are not paused.
                    if !batch.isEmpty {
                        logger.debug(
                            "dropped \(batch.count) records polled with a rebalance; rewound to the committed offsets")
                    }
                    paused = []
                    metrics.set(NotifierMetrics.pausedPartitions, 0)
                    continue
                }
                for message in batch {
                    if stopping(shutdown) { break }
                    try await handle(message, dispatcher: dispatcher, output: output)
                }
                paused = try await adjustPauses(consumer, dispatcher: dispatcher, paused: paused)
                await commit(dispatcher.uncommitted(), consumer: consumer, dispatcher: dispatcher)
            } catch let error as NotifierOutputError {
                throw error
            } catch let error as KafkaError where error.kind == .fatal {
                throw error
            } catch  where stopping(shutdown) {
                break
            } catch {
                metrics.increment(NotifierMetrics.loopErrorsTotal)
                await sync.failed(error)
            }
        }
    }

    /// Leaves the group and frees the clients, off the cooperative pool.
    private func close(_ consumer: KafkaConsumer?, _ producer: KafkaProducer?) async {
        let query = lock.withLock {
            defer { queryConsumer = nil }
            return queryConsumer
        }
        await offCooperativePool {
            consumer?.close()
            producer?.close()
            query?.close()
        }
    }
}
