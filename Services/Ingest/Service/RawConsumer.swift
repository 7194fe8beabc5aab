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
/// offsets committed once all are delivered. A delivery that fails is retried with backoff;
/// when the service stops meanwhile, only the offsets before the undelivered record are
/// committed and the rest is read again on restart.
final class RawConsumer: Sendable {
    let consumer: KafkaConsumer
    let publisher: ArticlePublisher
    let parser: ArticleParser
    let metrics: Metrics
    let logger: Logger
    let topic: String

    init(options: ServiceOptions, publisher: ArticlePublisher, parser: ArticleParser, metrics: Metrics, logger: Logger,
         onAssigned: @escaping @Sendable ([TopicPartitionOffset]) -> Void) throws {
        var consumerLogger = logger
        consumerLogger[metadataKey: "component"] = "raw-consumer"
        consumer = try KafkaConsumer(config: options.kafka, groupID: options.groupID, readCommitted: true,
                                     startAt: "earliest", logger: consumerLogger)
        self.publisher = publisher
        self.parser = parser
        self.metrics = metrics
        self.logger = logger
        self.topic = options.topics.raw
        consumer.onRebalance { event in
            if case .assigned(let partitions) = event { onAssigned(partitions) }
        }
    }

    /// Consumes until `stop` is requested, then returns (the caller closes the consumer).
    func run(until stop: ShutdownSignal) async throws {
        try consumer.subscribe([topic])
        logger.info("consuming \(topic) in group \(consumer.groupID)")
        while !stop.isRequested {
            let batch = try await consumer.poll(max: 256, timeoutMs: 200)
            if batch.isEmpty { continue }
            metrics.increment(IngestMetrics.rawRecords, by: Double(batch.count))
            let delivered = await process(batch, stop: stop)
            let offsets = RawConsumer.commitOffsets(batch, delivered: delivered)
            do {
                try await consumer.commit(offsets)
            } catch {
                // E.g. the partitions were revoked meanwhile: their records are read again
                // by the next owner, and the outputs are idempotent by key.
                logger.warning("could not commit \(topic) offsets: \(error)")
            }
        }
    }

    /// Parses and publishes a batch; returns, per record, whether its output was delivered.
    func process(_ batch: [KafkaMessage], stop: ShutdownSignal) async -> [Bool] {
        await withTaskGroup(of: (Int, Bool).self) { group in
            for (index, message) in batch.enumerated() {
                group.addTask {
                    (index, await self.publishWithRetry(message, stop: stop))
                }
            }
            var delivered = [Bool](repeating: false, count: batch.count)
            for await (index, ok) in group { delivered[index] = ok }
            return delivered
        }
    }

    private func publishWithRetry(_ message: KafkaMessage, stop: ShutdownSignal) async -> Bool {
        let origin = "kafka:\(message.topic)/\(message.partition)/\(message.offset)"
        let result = parser.parse(raw: message.value ?? [], origin: origin, receivedAt: Date())
        if case .failure(let rejection) = result {
            logger.info("rejected \(origin): \(rejection.reason): \(rejection.detail)")
        }
        let traceparent = message.header(RecordHeaders.traceparent)?.text
        var backoff = Duration.milliseconds(200)
        while true {
            do {
                _ = try await publisher.publish(result, traceparent: traceparent, channel: .kafka)
                return true
            } catch {
                if stop.isRequested { return false }
                logger.error("could not publish the output of \(origin), retrying in \(backoff): \(error)")
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(10))
                if stop.isRequested { return false }
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
