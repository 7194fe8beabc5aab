import ArticleParsing
import AttacheKafka
import AttacheModels
import AttacheRuntime
import Foundation
import Logging

/// Reads `articles.raw` in the service's consumer group, parses each record (seed text or
/// JSON, detected from the bytes; origin `kafka:TOPIC/PARTITION/OFFSET`), publishes the
/// Article or the Rejection, and commits a record's offset only after its output was
/// delivered (at-least-once; the output is idempotent by key).
///
/// Records are taken in batches; a batch's outputs are produced concurrently and the
/// offsets committed once all are delivered, while the next batch is already being parsed
/// and published (offsets are committed in batch order). What happens when a delivery fails depends on
/// how librdkafka classifies the error (see `KafkaError.Kind`):
/// - **retriable** (broker down, timeouts): retried with backoff, for as long as it takes;
/// - **permanent** for this record (e.g. Kafka refuses its size or contents): the record is
///   rejected instead — an `undeliverable` Rejection with the error and the record's
///   position goes to `articles.rejected`, and the record is committed;
/// - **fatal** (the producer can no longer deliver anything): the service stops (see
///   `FatalStop`), committing only what was delivered; the rest is read again on restart.
/// When the service stops meanwhile, only the offsets before the undelivered record are
/// committed and the rest is read again on restart.
final class RawConsumer: Sendable {
    let consumer: KafkaConsumer
    let publisher: ArticlePublisher
    let parser: ArticleParser
    let metrics: Metrics
    let logger: Logger
    let topic: String
    /// Where a fatal Kafka error is reported; nil: it is thrown from `run` only.
    let fatal: FatalStop?

    init(
        options: ServiceOptions, publisher: ArticlePublisher, parser: ArticleParser, metrics: Metrics, logger: Logger,
        fatal: FatalStop? = nil, onAssigned: @escaping @Sendable ([TopicPartitionOffset]) -> Void
    ) throws {
        var consumerLogger = logger
        consumerLogger[metadataKey: "component"] = "raw-consumer"
        consumer = try KafkaConsumer(
            config: options.kafka, groupID: options.groupID, readCommitted: true,
            startAt: .earliest, logger: consumerLogger)
        self.publisher = publisher
        self.parser = parser
        self.metrics = metrics
        self.logger = logger
        self.topic = options.topics.raw
        self.fatal = fatal
        consumer.onRebalance { event in
            if case .assigned(let partitions) = event { onAssigned(partitions) }
        }
    }

    /// Consumes until `stop` is requested, then returns (the caller closes the consumer).
    ///
    /// Batching without a latency cost: while the outputs of one batch are being delivered,
    /// the next batch is polled, parsed and published; offsets are still committed in batch
    /// order, each batch's only once it and every earlier one are delivered.
    func run(until stop: ShutdownDeadline) async throws {
        try consumer.subscribe([topic])
        logger.info("consuming \(topic) in group \(consumer.groupID)")
        var inFlight: InFlight?
        while !stop.isRequested {
            // With a batch in flight, take only what is already fetched: waiting here would
            // hold back that batch's commit.
            let batch = try await consumer.poll(max: 256, timeoutMs: inFlight == nil ? 200 : 0)
            var next: InFlight?
            if !batch.isEmpty {
                metrics.increment(IngestMetrics.rawRecords, by: Double(batch.count))
                next = InFlight(batch: batch, outcomes: start(batch, stop: stop))
            }
            if let previous = inFlight {
                inFlight = nil
                guard try await finish(previous, before: next) else { return }
            }
            inFlight = next
        }
        if let last = inFlight { _ = try await finish(last, before: nil) }
    }

    /// A batch whose outputs are being parsed and published.
    struct InFlight {
        var batch: [KafkaMessage]
        var outcomes: Task<[Outcome], Never>
    }

    /// Starts parsing and publishing a batch. Parsing and encoding run on the ingest workers,
    /// off Swift's cooperative pool, so a flood of raw records cannot delay the health
    /// endpoints either.
    private func start(_ batch: [KafkaMessage], stop: ShutdownDeadline) -> Task<[Outcome], Never> {
        Task(executorPreference: WorkerThreads.shared) { await self.process(batch, stop: stop) }
    }

    /// Waits for a batch's outputs and commits the delivered prefix of each partition; true
    /// when every output was delivered. Otherwise the batch started after it (`later`) is
    /// not committed (its records are read again after restart; outputs are idempotent by
    /// key): it is waited for, so that nothing is left publishing, and a failure is thrown.
    private func finish(_ inFlight: InFlight, before later: InFlight?) async throws -> Bool {
        let outcomes = await inFlight.outcomes.value
        let offsets = RawConsumer.commitOffsets(inFlight.batch, delivered: outcomes.map { $0 == .delivered })
        do {
            try await consumer.commit(offsets)
        } catch {
            // E.g. the partitions were revoked meanwhile: their records are read again
            // by the next owner, and the outputs are idempotent by key.
            logger.warning("could not commit \(topic) offsets: \(error)")
        }
        let failure = fatal?.error ?? outcomes.lazy.compactMap(\.failure).first
        let complete = failure == nil && !outcomes.contains(.stopped)
        if !complete, let later { _ = await later.outcomes.value }
        if let failure { throw failure }
        return complete
    }

    /// What became of one record's output.
    enum Outcome: Equatable {
        /// The Article or Rejection (or an `undeliverable` Rejection) is on Kafka.
        case delivered
        /// Not delivered because the service is stopping: read again after a restart.
        case stopped
        /// Not delivered, and the service cannot go on (a fatal error, or a Rejection that
        /// Kafka refuses for good).
        case failed(KafkaError)

        var failure: KafkaError? {
            if case .failed(let error) = self { return error }
            return nil
        }

        static func == (a: Outcome, b: Outcome) -> Bool {
            switch (a, b) {
            case (.delivered, .delivered), (.stopped, .stopped): true
            case (.failed(let x), .failed(let y)): x.code == y.code && x.message == y.message
            default: false
            }
        }
    }

    /// Parses and publishes a batch; returns, per record, what became of its output.
    func process(_ batch: [KafkaMessage], stop: ShutdownDeadline) async -> [Outcome] {
        await withTaskGroup(of: (Int, Outcome).self) { group in
            for (index, message) in batch.enumerated() {
                group.addTask {
                    (index, await self.publishWithRetry(message, stop: stop))
                }
            }
            var outcomes = [Outcome](repeating: .stopped, count: batch.count)
            for await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes
        }
    }

    private func publishWithRetry(_ message: KafkaMessage, stop: ShutdownDeadline) async -> Outcome {
        let origin = "kafka:\(message.topic)/\(message.partition)/\(message.offset)"
        let result = parser.parse(raw: message.value ?? [], origin: origin, receivedAt: Date())
        if case .failure(let rejection) = result {
            logger.info("rejected \(origin): \(rejection.reason): \(rejection.detail)")
        }
        let traceparent = message.header(RecordHeaders.traceparent)?.text
        let reason: String
        switch await publish(result, of: origin, traceparent: traceparent, stop: stop) {
        case .done(let outcome): return outcome
        case .refused(let refusal): reason = refusal
        }
        logger.error("Kafka refused the output of \(origin) for good; rejecting the record: \(reason)")
        metrics.increment(IngestMetrics.undeliverable)
        let undeliverable = Rejection(
            reason: "undeliverable",
            detail: "Kafka refused the output of this record for good: \(reason).",
            origin: origin, payload: (message.value ?? []).prefix(Rejection.maxPayloadBytes), at: Date())
        let again: String
        switch await publish(.failure(undeliverable), of: origin, traceparent: traceparent, stop: stop) {
        case .done(let outcome): return outcome
        case .refused(let refusal): again = refusal
        }
        let error = KafkaError.local(
            "Kafka refused the undeliverable Rejection of \(origin) for good: \(again)",
            operation: "publish to articles.rejected",
            hint: "check that the rejected topic exists and that this client may write to it")
        logger.critical("\(error); stopping without committing \(origin)")
        return .failed(error)
    }

    /// What one publication came to, retries included.
    private enum PublishAttempt {
        case done(Outcome)
        /// Kafka refuses this record for good, with the reason.
        case refused(String)
    }

    /// Retriable failures (broker down, timeouts) are retried for as long as it takes, the
    /// wait growing to 10 s.
    static let publishRetries = RetryPolicy(maxAttempts: .max, baseDelay: .milliseconds(200), maxDelay: .seconds(10))

    /// Publishes `result`, retrying what `PublishFailure` calls retriable until the service stops.
    private func publish(
        _ result: Result<Article, Rejection>, of origin: String, traceparent: String?,
        stop: ShutdownDeadline
    ) async -> PublishAttempt {
        let publisher = publisher
        let logger = logger
        do {
            try await RawConsumer.publishRetries.run(
                {
                    _ = try await publisher.publish(result, traceparent: traceparent, channel: .kafka)
                }, retryable: { !stop.isRequested && PublishFailure.classify($0) == .retriable },
                onRetry: { error, _, wait in
                    logger.error(
                        "could not publish the output of \(origin), retrying in \(String(format: "%.0f", wait.seconds * 1000)) ms: \(error)"
                    )
                }, wait: { await RetryPolicy.pause($0, until: { stop.isRequested }) })
            return .done(.delivered)
        } catch {
            if stop.isRequested { return .done(.stopped) }
            switch PublishFailure.classify(error) {
            case .service(let fatalError):
                logger.critical("fatal Kafka error while publishing the output of \(origin); stopping: \(fatalError)")
                fatal?.check(fatalError)
                return .done(.failed(fatalError))
            case .record(let reason):
                return .refused(reason)
            case .retriable:
                // The wait was cut short (a stop, a cancelled task).
                return .done(.stopped)
            }
        }
    }

    /// The offsets to commit: per partition, one past the last record of the delivered
    /// prefix (in offset order). Partitions whose first record was not delivered are left out.
    static func commitOffsets(_ batch: [KafkaMessage], delivered: [Bool]) -> [TopicPartitionOffset] {
        var byPartition: [String: [(offset: Int64, ok: Bool, topic: String, partition: Int32)]] = [:]
        for (message, ok) in zip(batch, delivered) {
            byPartition["\(message.topic)\u{0}\(message.partition)", default: []]
                .append((message.offset, ok, message.topic, message.partition))
        }
        var offsets: [TopicPartitionOffset] = []
        for (_, records) in byPartition {
            var next: TopicPartitionOffset?
            for record in records.sorted(by: { $0.offset < $1.offset }) {
                guard record.ok else { break }
                next = TopicPartitionOffset(topic: record.topic, partition: record.partition, offset: record.offset + 1)
            }
            if let next { offsets.append(next) }
        }
        return offsets.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
    }

    func close() {
        consumer.close()
    }
}
