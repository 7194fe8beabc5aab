import AttacheKafka
import AttacheModels
import AttacheRuntime
import Dispatch
import Foundation
import Logging

/// The notifier service (DESIGN.md §1, §4): reads `articles.enriched`, `trade.deltas` and
/// `anniversaries` in consumer group `options.groupID`, runs the rules
/// (`NotificationRules`) over each record and delivers every notification to every sink.
///
/// Delivery is at least once, with the notification id as idempotency key:
///
/// 1. Each sink gets the notification, retried with exponential backoff and full jitter
///    (`RetryPolicy`); after its last attempt (or at once on a permanent error) the
///    notification is dead-lettered for that sink on `notifications.dead` with the sink's
///    name and the error.
/// 2. Once every sink has accepted it or dead-lettered it, and at least one sink accepted
///    it, the notification is recorded on `notifications` (keyed by id): the audit of what
///    was sent.
/// 3. The offsets of the input records are committed only after all their notifications
///    went through 1 and 2.
///
/// A restart does not send again what was already delivered: when partitions are assigned
/// (at start and on every rebalance) the service reads `notifications` to its end and skips
/// the ids found there. A notification that no sink accepted is not recorded there, so a
/// later occurrence tries again.
///
/// Records that cannot be read go to `articles.rejected` (`invalid_record`,
/// `unknown_schema`) and the partition moves on; tombstones on the compacted topics are
/// skipped. Serves `/healthz`, `/readyz` and `/metrics` on `options.httpPort`.
public final class NotifierService: @unchecked Sendable {
    public let options: ServiceOptions
    public let settings: NotifierSettings
    public let sinks: [any NotificationSink]
    let logger: Logger
    let metrics: Metrics
    let health: Health
    let rules: NotificationRules
    let reader: InputReader
    let delivered = DeliveredLog()

    private let lock = NSLock()
    private var stopRequested = false
    private var events: [RebalanceEvent] = []
    private var queryConsumer: KafkaConsumer?

    /// Creates the service; nothing connects until `run`.
    public init(options: ServiceOptions, sinks: [any NotificationSink], logger: Logger, metrics: Metrics, health: Health,
                settings: NotifierSettings = NotifierSettings()) throws {
        guard !options.brokers.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw OptionsError("no Kafka brokers given for the notifier service")
        }
        guard !options.groupID.isEmpty else { throw OptionsError("the notifier service needs a consumer group id") }
        let names = sinks.map(\.name)
        guard Set(names).count == names.count else {
            throw OptionsError("notification sinks need distinct names (they label metrics and dead letters): \(names.joined(separator: ", "))")
        }
        self.options = options
        self.settings = settings
        self.sinks = sinks
        self.logger = logger
        self.metrics = metrics
        self.health = health
        self.rules = NotificationRules(settings: settings.rules)
        self.reader = InputReader(topics: options.topics)
        NotifierService.describeMetrics(metrics)
    }

    /// The sinks `ATTACHE_NOTIFY_*` configures (see `SinkConfiguration`).
    public static func sinks(fromEnvironment environment: [String: String] = ProcessInfo.processInfo.environment) throws -> [any NotificationSink] {
        try SinkConfiguration(environment: environment).makeSinks()
    }

    /// The topics read.
    public var inputTopics: [String] { [options.topics.enriched, options.topics.deltas, options.topics.anniversaries] }

    /// Where dead letters go.
    public var deadLetterTopic: String { settings.deadLetterTopic ?? options.topics.notificationsDead }

    /// The consumer's configuration: `max.poll.interval.ms` defaults to 15 minutes (unless
    /// configured), since a batch waits for every sink, retries included, before the next poll.
    var consumerConfig: KafkaConfig {
        var config = options.kafka
        if config.properties["max.poll.interval.ms"] == nil { config.properties["max.poll.interval.ms"] = "900000" }
        return config
    }

    /// Input records the group has not committed yet: over every partition of the input
    /// topics, the high watermark minus the committed offset (minus the low watermark where
    /// nothing is committed). 0 once everything published so far is notified (or
    /// dead-lettered) and committed — what `attache demo` waits for.
    public func backlog() async throws -> Int64 {
        let consumer = try backlogConsumer()
        var total: Int64 = 0
        for topic in inputTopics {
            let count = try await offCooperativePool { try consumer.partitionCount(of: topic) }
            guard count > 0 else { continue }
            let query = (0..<Int32(count)).map { TopicPartitionOffset(topic: topic, partition: $0, offset: KafkaOffset.invalid) }
            let committed = try await consumer.committed(query)
            let marks = try await offCooperativePool { try committed.map { try consumer.watermarks(topic: topic, partition: $0.partition) } }
            for (entry, (low, high)) in zip(committed, marks) {
                total += max(0, high - max(low, entry.offset))
            }
        }
        return total
    }

    /// A consumer of the service's group that never joins it: it only asks for committed
    /// offsets and watermarks.
    private func backlogConsumer() throws -> KafkaConsumer {
        try lock.withLock {
            if let queryConsumer { return queryConsumer }
            let consumer = try KafkaConsumer(config: options.kafka, groupID: options.groupID, logger: logger)
            queryConsumer = consumer
            return consumer
        }
    }

    /// Asks the service to stop after the notification in hand (as SIGTERM does).
    public func stop() {
        lock.withLock { stopRequested = true }
    }

    /// Runs until `shutdown` is requested (or `stop()`): finishes the notification in hand,
    /// commits what is done, leaves the group. A fatal Kafka error stops it with `/healthz`
    /// failing, and is thrown.
    ///
    /// - Parameters:
    ///   - onHTTPStarted: called with the bound HTTP port (useful with port 0).
    ///   - onDelivered: called once per notification after it was delivered (at least one
    ///     sink accepted it) and recorded on `notifications`; never for one skipped as
    ///     already delivered.
    public func run(shutdown: ShutdownSignal, onHTTPStarted: @escaping @Sendable (Int) async -> Void = { _ in },
                    onDelivered: (@Sendable (AttacheModels.Notification) -> Void)? = nil) async throws {
        logger.info("notifier starting: \(options.logDescription) instance=\(options.instance)")
        logger.info("notifier sinks: \(sinks.isEmpty ? "none (audit only)" : sinks.map(\.name).joined(separator: ", ")); up to \(settings.retry.maxAttempts) attempts per sink (backoff \(settings.retry.baseDelay) to \(settings.retry.maxDelay), full jitter); dead letters to \(deadLetterTopic); rules: \(settings.rules.enabled.sorted().joined(separator: ", "))")
        health.setReady(false, "starting: joining consumer group \(options.groupID)")
        metrics.set("attache_notifier_ready", 0)
        let server = ServiceHTTPServer(host: options.httpHost, port: options.httpPort, health: health, metrics: metrics, logger: logger)
        let logger = logger
        let http = Task {
            do {
                try await server.run(onStarted: onHTTPStarted)
            } catch where !Task.isCancelled {
                logger.error("the health and metrics server on \(server.host):\(server.port) stopped: \(error)")
            }
        }
        var consumer: KafkaConsumer?
        var producer: KafkaProducer?
        do {
            let c = try KafkaConsumer(config: consumerConfig, groupID: options.groupID, readCommitted: true, logger: logger)
            consumer = c
            let p = try KafkaProducer(config: options.kafka, logger: logger)
            producer = p
            c.onRebalance { [weak self] event in self?.lock.withLock { self?.events.append(event) } }
            try c.subscribe(inputTopics)
            logger.info("notifier consuming \(inputTopics.joined(separator: ", ")) as group \(options.groupID)")
            let deliverer = Deliverer(sinks: sinks, policy: settings.retry, metrics: metrics, logger: logger,
                                      stopping: { [weak self, shutdown] in shutdown.isRequested || (self?.stopFlag ?? true) })
            while !stopping(shutdown) {
                let batch = try await c.poll(max: settings.maxBatch, timeoutMs: 100)
                if try await applyRebalance(c, discarding: batch.count) { continue }
                guard !batch.isEmpty else { continue }
                try await process(batch, consumer: c, producer: p, deliverer: deliverer, shutdown: shutdown, onDelivered: onDelivered)
            }
        } catch {
            health.setFatal("\(error)")
            health.setReady(false, "stopped: \(error)")
            metrics.set("attache_notifier_ready", 0)
            logger.critical("notifier stopped: \(error)")
            await close(consumer, producer)
            http.cancel()
            _ = await http.result
            throw error
        }
        health.setReady(false, "stopped")
        metrics.set("attache_notifier_ready", 0)
        await close(consumer, producer)
        http.cancel()
        _ = await http.result
        logger.info("notifier stopped")
    }

    private var stopFlag: Bool { lock.withLock { stopRequested } }

    private func stopping(_ shutdown: ShutdownSignal) -> Bool { stopFlag || shutdown.isRequested }

    /// Leaves the group and frees the clients, off the cooperative pool.
    private func close(_ consumer: KafkaConsumer?, _ producer: KafkaProducer?) async {
        let query = lock.withLock {
            defer { queryConsumer = nil }
            return queryConsumer
        }
        _ = try? await offCooperativePool {
            consumer?.close()
            producer?.close()
            query?.close()
        }
    }

    // MARK: Rebalance

    /// Applies the rebalance events the last poll saw; true when there were some (the batch
    /// polled with them, `discarding` records, is then dropped and the consumer rewound to its
    /// committed offsets).
    private func applyRebalance(_ consumer: KafkaConsumer, discarding: Int) async throws -> Bool {
        let pending = lock.withLock {
            defer { events.removeAll() }
            return events
        }
        guard !pending.isEmpty else { return false }
        for event in pending {
            switch event {
            case .assigned(let partitions):
                health.setReady(false, "restoring delivered notification ids from \(options.topics.notifications)")
                metrics.set("attache_notifier_ready", 0)
                let started = ContinuousClock.now
                let restorer = DeliveredRestorer(config: options.kafka, topic: options.topics.notifications,
                                                 groupID: options.groupID + "-restore", logger: logger)
                let ids = try await restorer.restore()
                delivered.insert(contentsOf: ids)
                let seconds = started.duration(to: .now).seconds
                metrics.set("attache_notifier_restored_ids", Double(ids.count))
                metrics.set("attache_notifier_delivered_ids", Double(delivered.count))
                metrics.observe("attache_notifier_restore_duration_seconds", seconds)
                logger.info("notifier assigned \(describe(partitions)); \(ids.count) delivered ids restored from \(options.topics.notifications) in \(String(format: "%.3f", seconds)) s")
                health.setReady(true, "assigned and delivered ids restored")
                metrics.set("attache_notifier_ready", 1)
            case .revoked(let partitions), .lost(let partitions):
                // Nothing is in flight during a poll: every batch is delivered and committed first.
                logger.info("notifier gave up \(describe(partitions))")
            }
        }
        // Records polled with the rebalance are dropped: read them again from the committed
        // offsets (where nothing is committed, from the beginning, as `auto.offset.reset`).
        let assigned = consumer.assignment()
        if discarding > 0, !assigned.isEmpty {
            let started = ContinuousClock.now
            let query = assigned.map { TopicPartitionOffset(topic: $0.topic, partition: $0.partition, offset: KafkaOffset.invalid) }
            var targets = try await consumer.committed(query)
            for index in targets.indices where targets[index].offset < 0 { targets[index].offset = KafkaOffset.beginning }
            try await consumer.seek(targets)
            logger.debug("dropped \(discarding) records polled with a rebalance; rewound to the committed offsets in \(started.duration(to: .now))")
        }
        return true
    }

    private func describe(_ partitions: [TopicPartitionOffset]) -> String {
        partitions.isEmpty ? "no partitions" : partitions.map { "\($0.topic)[\($0.partition)]" }.sorted().joined(separator: ", ")
    }

    // MARK: Processing

    private struct PartitionKey: Hashable {
        var topic: String
        var partition: Int32
    }

    /// Delivers the notifications of a batch in order, then commits the offsets of the
    /// records fully handled (all of them, unless a shutdown interrupted a delivery).
    private func process(_ batch: [KafkaMessage], consumer: KafkaConsumer, producer: KafkaProducer, deliverer: Deliverer,
                         shutdown: ShutdownSignal, onDelivered: (@Sendable (Notification) -> Void)?) async throws {
        var done: [PartitionKey: Int64] = [:]
        var order: [PartitionKey] = []
        records: for message in batch {
            // On shutdown, stop between records: what is done is committed below.
            if stopping(shutdown) { break }
            metrics.increment("attache_notifier_records_in_total", labels: ["topic": message.topic])
            switch reader.read(message) {
            case .tombstone:
                metrics.increment("attache_notifier_tombstones_total", labels: ["topic": message.topic])
            case .rejected(let rejection):
                logger.warning("rejected \(reader.where_(message)): \(rejection.detail)")
                metrics.increment("attache_notifier_rejected_total", labels: ["topic": message.topic, "reason": rejection.reason])
                let record = try OutgoingRecord.json(topic: options.topics.rejected, key: rejection.key, value: rejection,
                                                     traceparent: TraceContext.child(of: message))
                try await sendReliably(record, producer: producer, what: "rejection of \(reader.where_(message))", shutdown: shutdown)
            case .input(let input):
                for notification in rules.notifications(for: input) {
                    metrics.increment("attache_notifier_notifications_total", labels: ["rule": notification.rule])
                    guard !delivered.contains(notification.id) else {
                        metrics.increment("attache_notifier_skipped_total", labels: ["rule": notification.rule])
                        logger.debug("notification \(notification.id) was already delivered; skipped")
                        continue
                    }
                    let handled = try await handle(notification, cause: message, producer: producer, deliverer: deliverer,
                                                   shutdown: shutdown, onDelivered: onDelivered)
                    if !handled { break records }
                }
            }
            let key = PartitionKey(topic: message.topic, partition: message.partition)
            if done[key] == nil { order.append(key) }
            done[key] = message.offset + 1
        }
        let offsets = order.map { TopicPartitionOffset(topic: $0.topic, partition: $0.partition, offset: done[$0]!) }
        await commit(offsets, consumer: consumer)
    }

    /// Delivers one notification to every sink, dead-letters it where a sink failed, and
    /// records it on `notifications` when a sink accepted it. False when a shutdown
    /// interrupted the delivery (nothing is recorded; it is delivered again after restart).
    private func handle(_ notification: Notification, cause: KafkaMessage, producer: KafkaProducer, deliverer: Deliverer,
                        shutdown: ShutdownSignal, onDelivered: (@Sendable (Notification) -> Void)?) async throws -> Bool {
        let outcomes = await deliverer.deliver(notification)
        var accepted = 0
        var deadLetters: [OutgoingRecord] = []
        for (sink, outcome) in zip(sinks, outcomes) {
            switch outcome {
            case .accepted:
                accepted += 1
            case .interrupted:
                logger.notice("delivery of notification \(notification.id) to \(sink.name) interrupted by shutdown; it will be delivered after restart")
                return false
            case .failed(let attempts, let error, let permanent):
                metrics.increment("attache_notifier_dead_letters_total", labels: ["sink": sink.name, "rule": notification.rule])
                let letter = DeadLetter(notification: notification, sink: sink.name, error: error, attempts: attempts,
                                        permanent: permanent, at: Date())
                deadLetters.append(try deadLetterRecord(letter, cause: cause))
            }
        }
        for record in deadLetters {
            try await sendReliably(record, producer: producer, what: "dead letter of notification \(notification.id)", shutdown: shutdown)
        }
        guard accepted > 0 || sinks.isEmpty else {
            logger.error("notification \(notification.id) was accepted by no sink; dead-lettered on \(deadLetterTopic)")
            return true
        }
        let audit = try OutgoingRecord.json(topic: options.topics.notifications, key: notification.id, value: notification,
                                            traceparent: TraceContext.child(of: cause))
        try await sendReliably(audit, producer: producer, what: "audit of notification \(notification.id)", shutdown: shutdown)
        delivered.insert(notification.id)
        metrics.increment("attache_notifier_delivered_total", labels: ["rule": notification.rule])
        metrics.set("attache_notifier_delivered_ids", Double(delivered.count))
        logger.info("delivered notification \(notification.id) (\(notification.rule)) to \(accepted) of \(sinks.count) sink(s)")
        onDelivered?(notification)
        return true
    }

    private func deadLetterRecord(_ letter: DeadLetter, cause: KafkaMessage) throws -> OutgoingRecord {
        var headers = [KafkaHeader(RecordHeaders.contentType, RecordHeaders.json), KafkaHeader(RecordHeaders.schema, DeadLetter.schemaName)]
        headers.append(KafkaHeader(RecordHeaders.traceparent, TraceContext.child(of: cause)))
        return OutgoingRecord(topic: deadLetterTopic, key: Array(letter.notification.id.utf8), value: try AttacheJSON.encode(letter),
                              headers: headers)
    }

    /// Sends a record and waits for its delivery report, retrying failures that are not
    /// fatal a few times; throws when it cannot be delivered (the service stops rather than
    /// commit input whose output is missing).
    private func sendReliably(_ record: OutgoingRecord, producer: KafkaProducer, what: String, shutdown: ShutdownSignal) async throws {
        var attempt = 0
        while true {
            attempt += 1
            do {
                _ = try await producer.send(record)
                return
            } catch let error as KafkaError where error.kind != .fatal && attempt < 5 && !stopping(shutdown) {
                logger.warning("could not deliver the \(what) to \(record.topic) (attempt \(attempt)), retrying: \(error)")
                try? await Task.sleep(for: .milliseconds(200 * attempt))
            }
        }
    }

    /// Commits offsets, retrying retriable errors; a failed commit only means the records
    /// are read again, and their notifications are skipped as delivered.
    private func commit(_ offsets: [TopicPartitionOffset], consumer: KafkaConsumer) async {
        guard !offsets.isEmpty else { return }
        var attempt = 0
        while true {
            do {
                try await consumer.commit(offsets)
                metrics.increment("attache_notifier_commits_total")
                return
            } catch where error.kind == .retriable && attempt < 5 {
                attempt += 1
                try? await Task.sleep(for: .milliseconds(100 * attempt))
            } catch {
                logger.warning("committing offsets failed; the records may be read again (their notifications are skipped as delivered): \(error)")
                return
            }
        }
    }

    static func describeMetrics(_ metrics: Metrics) {
        metrics.describe("attache_notifier_records_in_total", type: "counter", help: "Records consumed, by topic.")
        metrics.describe("attache_notifier_notifications_total", type: "counter", help: "Notifications the rules produced, by rule (delivered or skipped).")
        metrics.describe("attache_notifier_sent_total", type: "counter", help: "Notifications a sink accepted, by sink and rule.")
        metrics.describe("attache_notifier_delivered_total", type: "counter", help: "Notifications delivered and recorded on notifications, by rule.")
        metrics.describe("attache_notifier_skipped_total", type: "counter", help: "Notifications skipped as already delivered, by rule.")
        metrics.describe("attache_notifier_retries_total", type: "counter", help: "Delivery retries, by sink.")
        metrics.describe("attache_notifier_dead_letters_total", type: "counter", help: "Notifications dead-lettered, by sink and rule.")
        metrics.describe("attache_notifier_delivery_seconds", type: "histogram", help: "Time from the first attempt to acceptance, by sink, in seconds.")
        metrics.describe("attache_notifier_rejected_total", type: "counter", help: "Input records sent to articles.rejected, by topic and reason.")
        metrics.describe("attache_notifier_tombstones_total", type: "counter", help: "Tombstones read on the compacted input topics.")
        metrics.describe("attache_notifier_commits_total", type: "counter", help: "Offset commits after delivery.")
        metrics.describe("attache_notifier_restored_ids", type: "gauge", help: "Delivered notification ids read by the last restore.")
        metrics.describe("attache_notifier_delivered_ids", type: "gauge", help: "Delivered notification ids known to this instance.")
        metrics.describe("attache_notifier_restore_duration_seconds", type: "histogram", help: "Durations of delivered-id restores, in seconds.")
        metrics.describe("attache_notifier_ready", type: "gauge", help: "1 when assigned and delivered ids are restored.")
    }
}
