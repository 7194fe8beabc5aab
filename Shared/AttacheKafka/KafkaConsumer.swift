import CRdKafka
import Foundation
import Logging

/// A Kafka consumer in a consumer group: subscription, records as an `AsyncSequence`,
/// manual offset commits (nothing is committed behind the application's back), seeking
/// and rewinding to committed offsets, and a rebalance hook that runs before partitions
/// are revoked.
///
/// Every blocking librdkafka call runs on the consumer's own serial thread, which is also
/// where the rebalance hook runs; the hook is synchronous and may call the `...Now`
/// methods of this consumer and of a `TransactionalProducer`.
public final class KafkaConsumer: @unchecked Sendable {
    let handle: OpaquePointer
    let context: ClientContext
    public let config: KafkaConfig
    public let groupID: String
    let queue: DispatchQueue
    let lock = NSLock()
    private var hook: (@Sendable (RebalanceEvent) -> Void)?
    private var closed = false
    /// Set once the client is freed (a box, so that a close started in `deinit` can set it).
    private let destroyed = DestroyedFlag()
    private var generation = 0

    /// Creates a consumer of group `groupID`. With `readCommitted` it sees only committed
    /// transactional records. `startAt` applies where the group has no committed offset:
    /// `earliest` or `latest`.
    public convenience init(
        config: KafkaConfig, groupID: String, readCommitted: Bool = true, startAt: AutoOffsetReset = .earliest,
        logger: Logger = Logger(label: "attache.kafka.consumer")
    ) throws(KafkaError) {
        try self.init(
            config: config, groupID: groupID,
            options: KafkaConsumerOptions(
                autoOffsetReset: startAt, isolation: readCommitted ? .readCommitted : .readUncommitted),
            logger: logger)
    }

    /// Creates a consumer of group `groupID` with typed `options`.
    public init(
        config: KafkaConfig, groupID: String, options: KafkaConsumerOptions,
        logger: Logger = Logger(label: "attache.kafka.consumer")
    ) throws(KafkaError) {
        self.config = config
        self.groupID = groupID
        self.context = ClientContext(logger: logger, bootstrapServers: config.bootstrapServers)
        self.queue = DispatchQueue(label: "attache.kafka.consumer.\(groupID)")
        let conf = try config.makeConf(
            defaults: [
                ("group.id", groupID),
                ("enable.auto.commit", "false"),
                ("enable.auto.offset.store", "false"),
                ("enable.partition.eof", "false"),
            ] + options.properties, consumer: true)
        context.install(on: conf, statistics: config.statistics)
        rd_kafka_conf_set_rebalance_cb(conf) { rk, err, partitions, opaque in
            guard let rk, let partitions, let context = ClientContext.from(opaque) else { return }
            let consumer = context.owner as? KafkaConsumer
            let list = [TopicPartitionOffset](list: partitions)
            if err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS {
                consumer?.runHook(.assigned(list))
                rd_kafka_assign(rk, partitions)
            } else {
                let event: RebalanceEvent = rd_kafka_assignment_lost(rk) != 0 ? .lost(list) : .revoked(list)
                consumer?.runHook(event)
                rd_kafka_assign(rk, nil)
            }
        }
        var errstr = errorBuffer()
        guard let handle = rd_kafka_new(RD_KAFKA_CONSUMER, conf, &errstr, errstr.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError.local(text(ofBuffer: errstr), operation: "create Kafka consumer")
        }
        self.handle = handle
        rd_kafka_poll_set_consumer(handle)
        context.owner = self
    }

    deinit {
        close()
    }

    /// Sets the hook called on the consumer's thread before partitions are assigned,
    /// revoked or lost. Set it before `subscribe`.
    public func onRebalance(_ hook: @escaping @Sendable (RebalanceEvent) -> Void) {
        lock.withLock { self.hook = hook }
    }

    private func runHook(_ event: RebalanceEvent) {
        context.logger.info("rebalance: \(event)")
        let hook = lock.withLock {
            generation += 1
            return self.hook
        }
        hook?(event)
    }

    /// Counts rebalances, so that records fetched before one are not handed out after it.
    var rebalanceGeneration: Int { lock.withLock { generation } }

    /// Joins the group and subscribes to `topics`.
    public func subscribe(_ topics: [String]) throws(KafkaError) {
        guard !isDestroyed else { throw KafkaConsumer.closedError }
        let list = rd_kafka_topic_partition_list_new(Int32(topics.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for topic in topics { rd_kafka_topic_partition_list_add(list, topic, RD_KAFKA_PARTITION_UA) }
        let err = rd_kafka_subscribe(handle, list)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(err, operation: "subscribe to \(topics.joined(separator: ", "))")
        }
    }

    /// Reads the given partitions from the given offsets without group management (for
    /// tools and state restoration). `KafkaOffset.beginning`/`.end` are accepted.
    public func assign(_ partitions: [TopicPartitionOffset]) throws(KafkaError) {
        guard !isDestroyed else { throw KafkaConsumer.closedError }
        let list = partitions.makeList()
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_assign(handle, list)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err, operation: "assign partitions") }
    }

    /// Stops fetching the given partitions (polling goes on, so the member stays in the
    /// group); records already fetched for them are dropped and fetched again on `resume`.
    public func pause(_ partitions: [TopicPartitionOffset]) throws(KafkaError) {
        guard !partitions.isEmpty else { return }
        let list = partitions.makeList()
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_pause_partitions(handle, list)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err, operation: "pause partitions") }
    }

    /// Fetches paused partitions again, from the position of the next record not yet handed out.
    public func resume(_ partitions: [TopicPartitionOffset]) throws(KafkaError) {
        guard !partitions.isEmpty else { return }
        let list = partitions.makeList()
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_resume_partitions(handle, list)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err, operation: "resume partitions") }
    }

    /// The partitions currently assigned, with their current positions.
    public func assignment() -> [TopicPartitionOffset] {
        guard !isDestroyed else { return [] }
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        guard rd_kafka_assignment(handle, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return [] }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        _ = rd_kafka_position(handle, list)
        return [TopicPartitionOffset](list: list)
    }

    /// The next record, waiting up to `timeoutMs`; nil when none arrived. Errors that
    /// librdkafka reports through the consumer are thrown when fatal, logged otherwise.
    public func poll(timeoutMs: Int = 100) async throws(KafkaError) -> KafkaMessage? {
        try await onConsumerThread { () throws(KafkaError) in try self.pollNow(timeoutMs: timeoutMs) }
    }

    /// Up to `max` records: waits up to `timeoutMs` for the first, then takes what is
    /// already fetched.
    public func poll(max: Int, timeout: Duration) async throws(KafkaError) -> [KafkaMessage] {
        try await poll(max: max, timeoutMs: timeout.milliseconds)
    }

    /// Up to `max` records, waiting at most `timeoutMs` for the first.
    public func poll(max: Int, timeoutMs: Int = 100) async throws(KafkaError) -> [KafkaMessage] {
        try await onConsumerThread { () throws(KafkaError) in
            var batch: [KafkaMessage] = []
            guard let first = try self.pollNow(timeoutMs: timeoutMs) else { return batch }
            batch.append(first)
            while batch.count < max, let next = try self.pollNow(timeoutMs: 0) { batch.append(next) }
            return batch
        }
    }

    /// `poll` on the calling thread: for the rebalance hook and the consumer's own thread.
    public func pollNow(timeoutMs: Int) throws(KafkaError) -> KafkaMessage? {
        guard !isClosed, let message = rd_kafka_consumer_poll(handle, Int32(timeoutMs)) else { return nil }
        defer { rd_kafka_message_destroy(message) }
        let err = message.pointee.err
        if err == RD_KAFKA_RESP_ERR_NO_ERROR { return KafkaMessage(copying: message) }
        let error = KafkaError(
            err, operation: "consume", hint: err == RD_KAFKA_RESP_ERR__TRANSPORT ? context.unreachableHint : nil)
        if error.kind == .fatal || err == RD_KAFKA_RESP_ERR__FATAL { throw error }
        context.logger.warning("\(error)")
        return nil
    }

    /// Records as an asynchronous sequence; it ends when the consumer is closed or the
    /// task is cancelled.
    public var messages: Messages { Messages(consumer: self) }

    /// The group metadata a transactional producer sends with the consumed offsets.
    func groupMetadata() -> OpaquePointer? { rd_kafka_consumer_group_metadata(handle) }

    var isClosed: Bool { lock.withLock { closed } }

    /// Whether the client is freed: no librdkafka call may use the handle any more (the
    /// rebalance hook still may while `close` leaves the group).
    var isDestroyed: Bool { destroyed.isSet }

    /// What a call on a closed consumer fails with (its client may already be freed).
    static let closedError = KafkaError(
        RD_KAFKA_RESP_ERR__DESTROY, operation: "use a closed consumer", kind: .retriable)

    /// `close` on a thread of its own, for async code: leaving a group can take a while.
    public func shutdown() async {
        guard !isClosed else { return }
        await offCooperativePool { self.close() }
    }

    /// Leaves the group (revoking partitions through the hook) and frees the client. Blocks
    /// until done, or at most `config.closeTimeoutMs`: from async code use `shutdown()`.
    public func close() {
        close(timeoutMs: config.closeTimeoutMs)
    }

    /// `close`, waiting at most `timeoutMs`. With the cluster unreachable, leaving the group
    /// can block far longer; the close then goes on in the background and this returns
    /// (offsets not committed are read again by the group's next owner).
    public func close(timeoutMs: Int) {
        let first = lock.withLock {
            defer { closed = true }
            return !closed
        }
        guard first else { return }
        let handle = KafkaHandle(raw: handle)
        // The callbacks of the closing client reach the context; keep it alive until done.
        let context = context
        let done = DispatchSemaphore(value: 0)
        let destroyed = destroyed
        queue.async {
            rd_kafka_consumer_close(handle.raw)
            destroyed.set()
            rd_kafka_destroy(handle.raw)
            withExtendedLifetime(context) {}
            done.signal()
        }
        if done.wait(timeout: .now() + .milliseconds(max(0, timeoutMs))) == .timedOut {
            context.logger.warning(
                "the consumer of group \(groupID) did not close within \(timeoutMs) ms (is the cluster reachable?); leaving it behind: offsets it did not commit are read again after restart"
            )
        }
    }

    func onConsumerThread<T: Sendable>(_ work: @escaping @Sendable () throws(KafkaError) -> T) async throws(KafkaError)
        -> T
    {
        try await BlockingExecutor.run(on: queue, work)
    }

    /// The records of a consumer as an `AsyncSequence`.
    public struct Messages: AsyncSequence, Sendable {
        public typealias Element = KafkaMessage
        let consumer: KafkaConsumer

        public func makeAsyncIterator() -> Iterator { Iterator(consumer: consumer) }

        public struct Iterator: AsyncIteratorProtocol {
            let consumer: KafkaConsumer
            var buffer: [KafkaMessage] = []
            var generation = 0

            public mutating func next() async throws -> KafkaMessage? {
                // Records fetched before a rebalance belong to the old assignment: after
                // an eager rebalance the positions restart from the committed offsets.
                if consumer.rebalanceGeneration != generation { buffer.removeAll() }
                while buffer.isEmpty {
                    if Task.isCancelled || consumer.isClosed { return nil }
                    buffer = try await consumer.poll(max: 100, timeoutMs: 100).reversed()
                    generation = consumer.rebalanceGeneration
                }
                return buffer.popLast()
            }
        }
    }
}

/// A flag set once, read from any thread.
final class DestroyedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}

/// One partition's lag.
struct PartitionLag: Sendable {
    var partition: TopicPartitionOffset
    var lag: Int64
}

/// The low and high watermarks of a partition.
struct OffsetRange: Sendable {
    var low: Int64
    var high: Int64
    var pair: (low: Int64, high: Int64) { (low, high) }
}
