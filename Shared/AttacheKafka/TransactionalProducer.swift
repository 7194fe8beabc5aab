import CRdKafka
import Logging

/// A transactional producer for consume–transform–produce loops: records and the consumed
/// offsets commit together or not at all (read by `read_committed` consumers).
///
/// Errors carry librdkafka's class: `.retriable` — call again; `.abortable` — call
/// `abortTransaction`, rewind the consumer to its committed offsets and redo the work;
/// `.fatal` — the producer is fenced or broken: stop and create a new one.
public final class TransactionalProducer: @unchecked Sendable {
    /// The producer inside, for `send`.
    public let producer: KafkaProducer
    public let transactionalID: String

    /// Creates a producer with `transactional.id` = `transactionalID` (stable per input
    /// partition or instance, so that a restarted instance fences its zombie).
    public init(
        config: KafkaConfig, transactionalID: String,
        logger: Logger = Logger(label: "attache.kafka.transactions")
    ) throws(KafkaError) {
        self.transactionalID = transactionalID
        self.producer = try KafkaProducer(config: config, transactionalID: transactionalID, logger: logger)
    }

    private var handle: KafkaHandle { KafkaHandle(raw: producer.handle) }

    /// Registers the transactional id with the cluster, fencing older instances.
    public func initTransactions(timeoutMs: Int = 30_000) async throws(KafkaError) {
        let handle = handle
        let hint = producer.context.unreachableHint
        try await BlockingExecutor.run { () throws(KafkaError) in
            if let error = rd_kafka_init_transactions(handle.raw, Int32(timeoutMs)) {
                throw KafkaError(consuming: error, operation: "initialise transactions", hint: hint)
            }
        }
    }

    /// Starts a transaction (local, does not block).
    public func beginTransaction() throws(KafkaError) {
        if let error = rd_kafka_begin_transaction(handle.raw) {
            throw KafkaError(consuming: error, operation: "begin transaction")
        }
    }

    /// Produces a record in the current transaction and waits for its delivery report.
    ///
    /// A record that fails delivery inside a transaction fails the transaction: such an
    /// error is reported as `.abortable` (or `.fatal` when the producer itself is broken).
    public func send(_ record: OutgoingRecord) async throws -> DeliveryReport {
        do {
            return try await producer.send(record)
        } catch var error as KafkaError {
            if let fatal = producer.context.fatalError { throw fatal }
            if error.kind != .fatal {
                error.kind = .abortable
                error.hint = "the transaction must be aborted and its input read again"
            }
            throw error
        }
    }

    /// Adds the consumer's offsets (each the next offset to read) to the transaction.
    public func sendOffsets(
        _ offsets: [TopicPartitionOffset], of consumer: KafkaConsumer,
        timeoutMs: Int = 30_000
    ) async throws(KafkaError) {
        let handle = handle
        let request = SendOffsetsRequest(consumer: consumer, offsets: offsets)
        try await BlockingExecutor.run { () throws(KafkaError) in
            try TransactionalProducer.sendOffsets(handle: handle, request, timeoutMs: timeoutMs)
        }
    }

    /// `sendOffsets` on the calling thread (for a rebalance hook).
    public func sendOffsetsNow(_ offsets: [TopicPartitionOffset], of consumer: KafkaConsumer, timeoutMs: Int = 30_000)
        throws(KafkaError)
    {
        try TransactionalProducer.sendOffsets(
            handle: handle, SendOffsetsRequest(consumer: consumer, offsets: offsets),
            timeoutMs: timeoutMs)
    }

    /// Commits the transaction (flushing its records first).
    public func commitTransaction(timeoutMs: Int = 30_000) async throws(KafkaError) {
        let handle = handle
        try await BlockingExecutor.run { () throws(KafkaError) in
            try TransactionalProducer.commit(handle: handle, timeoutMs: timeoutMs)
        }
    }

    /// `commitTransaction` on the calling thread (for a rebalance hook).
    public func commitTransactionNow(timeoutMs: Int = 30_000) throws(KafkaError) {
        try TransactionalProducer.commit(handle: handle, timeoutMs: timeoutMs)
    }

    /// Aborts the transaction: its records are never seen by `read_committed` consumers.
    public func abortTransaction(timeoutMs: Int = 30_000) async throws(KafkaError) {
        let handle = handle
        try await BlockingExecutor.run { () throws(KafkaError) in
            try TransactionalProducer.abort(handle: handle, timeoutMs: timeoutMs)
        }
    }

    /// `abortTransaction` on the calling thread (for a rebalance hook).
    public func abortTransactionNow(timeoutMs: Int = 30_000) throws(KafkaError) {
        try TransactionalProducer.abort(handle: handle, timeoutMs: timeoutMs)
    }

    /// Frees the producer. Blocks: from async code use `shutdown()`.
    public func close() { producer.close() }

    /// `close` on a blocking-call thread, for async code.
    public func shutdown() async { await producer.shutdown() }

    private struct SendOffsetsRequest: @unchecked Sendable {
        let consumer: KafkaConsumer
        let offsets: [TopicPartitionOffset]
    }

    private static func sendOffsets(handle: KafkaHandle, _ request: SendOffsetsRequest, timeoutMs: Int)
        throws(KafkaError)
    {
        guard !request.offsets.isEmpty else { return }
        guard let metadata = request.consumer.groupMetadata() else {
            throw KafkaError.local("the consumer has no group metadata", operation: "send offsets to transaction")
        }
        defer { rd_kafka_consumer_group_metadata_destroy(metadata) }
        let list = request.offsets.makeList()
        defer { rd_kafka_topic_partition_list_destroy(list) }
        if let error = rd_kafka_send_offsets_to_transaction(handle.raw, list, metadata, Int32(timeoutMs)) {
            throw KafkaError(consuming: error, operation: "send offsets to transaction")
        }
    }

    private static func commit(handle: KafkaHandle, timeoutMs: Int) throws(KafkaError) {
        if let error = rd_kafka_commit_transaction(handle.raw, Int32(timeoutMs)) {
            throw KafkaError(consuming: error, operation: "commit transaction")
        }
    }

    private static func abort(handle: KafkaHandle, timeoutMs: Int) throws(KafkaError) {
        if let error = rd_kafka_abort_transaction(handle.raw, Int32(timeoutMs)) {
            throw KafkaError(consuming: error, operation: "abort transaction")
        }
    }
}
