import CRdKafka
import Foundation
import Logging

/// A change of a consumer's partitions, handed to the rebalance hook.
public enum RebalanceEvent: Sendable, Hashable {
    /// These partitions are about to be consumed (positions from committed offsets).
    case assigned([TopicPartitionOffset])
    /// These partitions are about to be taken away: commit (or a transactional loop:
    /// commit or abort its transaction) now, before another member reads them.
    case revoked([TopicPartitionOffset])
    /// These partitions were lost (session timed out): another member may already own them,
    /// so a transactional loop must abort, not commit.
    case lost([TopicPartitionOffset])
}

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
    private let queue: DispatchQueue
    private let lock = NSLock()
    private var hook: (@Sendable (RebalanceEvent) -> Void)?
    private var closed = false
    /// Set once the client is freed (a box, so that a close started in `deinit` can set it).
    private let destroyed = DestroyedFlag()
    private var generation = 0

    /// Creates a consumer of group `groupID`. With `readCommitted` it sees only committed
    /// transactional records. `startAt` applies where the group has no committed offset:
    /// `earliest` or `latest`.
    public init(config: KafkaConfig, groupID: String, readCommitted: Bool = true, startAt: String = "earliest",
                logger: Logger = Logger(label: "attache.kafka.consumer")) throws(KafkaError) {
        self.config = config
        self.groupID = groupID
        self.context = ClientContext(logger: logger, bootstrapServers: config.bootstrapServers)
        self.queue = DispatchQueue(label: "attache.kafka.consumer.\(groupID)")
        let conf = try config.makeConf(defaults: [
            ("group.id", groupID),
            ("enable.auto.commit", "false"),
            ("enable.auto.offset.store", "false"),
            ("auto.offset.reset", startAt),
            ("isolation.level", readCommitted ? "read_committed" : "read_uncommitted"),
            ("enable.partition.eof", "false"),
            ("session.timeout.ms", "10000"),
            ("heartbeat.interval.ms", "1000"),
        ])
        context.install(on: conf)
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
        let error = KafkaError(err, operation: "consume", hint: err == RD_KAFKA_RESP_ERR__TRANSPORT ? context.unreachableHint : nil)
        if error.kind == .fatal || err == RD_KAFKA_RESP_ERR__FATAL { throw error }
        context.logger.warning("\(error)")
        return nil
    }

    /// Records as an asynchronous sequence; it ends when the consumer is closed or the
    /// task is cancelled.
    public var messages: Messages { Messages(consumer: self) }

    /// Commits offsets (each the next offset to read) synchronously.
    public func commit(_ offsets: [TopicPartitionOffset]) async throws(KafkaError) {
        try await onConsumerThread { () throws(KafkaError) in try self.commitNow(offsets) }
    }

    /// Commits the position after `message`.
    public func commit(after message: KafkaMessage) async throws(KafkaError) {
        try await commit([TopicPartitionOffset(topic: message.topic, partition: message.partition, offset: message.nextOffset)])
    }

    /// `commit` on the calling thread (for the rebalance hook).
    public func commitNow(_ offsets: [TopicPartitionOffset]) throws(KafkaError) {
        guard !isDestroyed else { throw KafkaConsumer.closedError }
        guard !offsets.isEmpty else { return }
        let list = offsets.makeList()
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_commit(handle, list, 0)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET {
            throw KafkaError(err, operation: "commit offsets of group \(groupID)")
        }
    }

    /// The group's committed offsets for `partitions` (`KafkaOffset.invalid` where none).
    public func committed(_ partitions: [TopicPartitionOffset], timeoutMs: Int = 10_000) async throws(KafkaError) -> [TopicPartitionOffset] {
        try await onConsumerThread { () throws(KafkaError) in try self.committedNow(partitions, timeoutMs: timeoutMs) }
    }

    func committedNow(_ partitions: [TopicPartitionOffset], timeoutMs: Int) throws(KafkaError) -> [TopicPartitionOffset] {
        guard !isDestroyed else { throw KafkaConsumer.closedError }
        let list = partitions.makeList()
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_committed(handle, list, Int32(timeoutMs))
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err, operation: "read committed offsets of group \(groupID)") }
        return [TopicPartitionOffset](list: list)
    }

    /// Moves the given partitions to the given offsets.
    public func seek(_ offsets: [TopicPartitionOffset]) async throws(KafkaError) {
        try await onConsumerThread { () throws(KafkaError) in try self.seekNow(offsets) }
    }

    func seekNow(_ offsets: [TopicPartitionOffset]) throws(KafkaError) {
        guard !isDestroyed else { throw KafkaConsumer.closedError }
        guard !offsets.isEmpty else { return }
        let list = offsets.makeList()
        defer { rd_kafka_topic_partition_list_destroy(list) }
        if let error = rd_kafka_seek_partitions(handle, list, 10_000) {
            throw KafkaError(consuming: error, operation: "seek")
        }
    }

    /// Moves every assigned partition back to its committed offset (or to where
    /// `startAt` says, where nothing is committed): after an aborted transaction, the
    /// records since the last commit are read again.
    public func rewindToCommitted() async throws(KafkaError) {
        try await onConsumerThread { () throws(KafkaError) in try self.rewindToCommittedNow() }
    }

    /// `rewindToCommitted` on the calling thread.
    public func rewindToCommittedNow() throws(KafkaError) {
        let assigned = assignment().map { TopicPartitionOffset(topic: $0.topic, partition: $0.partition, offset: KafkaOffset.invalid) }
        guard !assigned.isEmpty else { return }
        var targets = try committedNow(assigned, timeoutMs: 10_000)
        for index in targets.indices where targets[index].offset < 0 {
            let (low, _) = try watermarks(topic: targets[index].topic, partition: targets[index].partition)
            targets[index].offset = low
        }
        try seekNow(targets)
    }

    /// The low and high watermarks of a partition, asked of the broker from the consumer's
    /// thread (the async form of `watermarks`).
    public func offsets(topic: String, partition: Int32, timeoutMs: Int = 10_000) async throws(KafkaError) -> (low: Int64, high: Int64) {
        try await onConsumerThread { () throws(KafkaError) in
            let (low, high) = try self.watermarks(topic: topic, partition: partition, timeoutMs: timeoutMs)
            return OffsetRange(low: low, high: high)
        }.pair
    }

    /// The lag (high watermark − position) of every assigned partition with a position,
    /// taken on the consumer's own thread, so that it never overlaps `close`. The high
    /// watermarks are those the last fetch responses carried (`rd_kafka_get_watermark_offsets`),
    /// never asked of the broker: a blocking query here held every commit and poll queued
    /// behind it on the consumer's thread, 0.4–2 s per batch on the embedded broker (issue 12).
    /// Partitions not fetched yet are left out; `stop` is asked between partitions.
    public func lags(timeoutMs: Int = 500, stop: @escaping @Sendable () -> Bool = { false }) async -> [(partition: TopicPartitionOffset, lag: Int64)] {
        let result: [PartitionLag]? = try? await onConsumerThread { () throws(KafkaError) in
            var lags: [PartitionLag] = []
            for partition in self.assignment() where partition.offset >= 0 {
                if stop() || self.isDestroyed { break }
                guard let high = self.fetchedHighWatermark(topic: partition.topic, partition: partition.partition)
                else { continue }
                lags.append(PartitionLag(partition: partition, lag: max(0, high - partition.offset)))
            }
            return lags
        }
        return (result ?? []).map { ($0.partition, $0.lag) }
    }

    /// The high watermark of a partition as the last fetch response carried it (no request),
    /// nil when the partition was not fetched yet.
    func fetchedHighWatermark(topic: String, partition: Int32) -> Int64? {
        guard !isDestroyed else { return nil }
        var low: Int64 = 0
        var high: Int64 = 0
        guard rd_kafka_get_watermark_offsets(handle, topic, partition, &low, &high) == RD_KAFKA_RESP_ERR_NO_ERROR,
              high >= 0 else { return nil }
        return high
    }

    /// The number of partitions of `topic`, from cluster metadata fetched on the consumer's
    /// thread (the async form of `partitionCount(of:)`).
    public func partitions(of topic: String, timeoutMs: Int = 10_000) async throws(KafkaError) -> Int {
        try await onConsumerThread { () throws(KafkaError) in try self.partitionCount(of: topic, timeoutMs: timeoutMs) }
    }

    /// The low and high watermarks of a partition, asked of the broker. Blocks: from async
    /// code use `offsets(topic:partition:)`.
    public func watermarks(topic: String, partition: Int32, timeoutMs: Int = 10_000) throws(KafkaError) -> (low: Int64, high: Int64) {
        guard !isDestroyed else { throw KafkaConsumer.closedError }
        var low: Int64 = 0
        var high: Int64 = 0
        let err = rd_kafka_query_watermark_offsets(handle, topic, partition, &low, &high, Int32(timeoutMs))
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(err, operation: "query offsets of \(topic)[\(partition)]",
                             hint: err == RD_KAFKA_RESP_ERR__TIMED_OUT ? context.unreachableHint : nil)
        }
        return (low, high)
    }

    /// The partition count of a topic, from cluster metadata. Blocks: from async code use
    /// `partitions(of:)`.
    public func partitionCount(of topic: String, timeoutMs: Int = 10_000) throws(KafkaError) -> Int {
        guard !isDestroyed else { throw KafkaConsumer.closedError }
        return try Metadata.partitionCount(handle: handle, topic: topic, timeoutMs: timeoutMs, hint: context.unreachableHint)
    }

    /// The group metadata a transactional producer sends with the consumed offsets.
    func groupMetadata() -> OpaquePointer? { rd_kafka_consumer_group_metadata(handle) }

    var isClosed: Bool { lock.withLock { closed } }

    /// Whether the client is freed: no librdkafka call may use the handle any more (the
    /// rebalance hook still may while `close` leaves the group).
    var isDestroyed: Bool { destroyed.isSet }

    /// What a call on a closed consumer fails with (its client may already be freed).
    static let closedError = KafkaError(RD_KAFKA_RESP_ERR__DESTROY, operation: "use a closed consumer", kind: .retriable)

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
            context.logger.warning("the consumer of group \(groupID) did not close within \(timeoutMs) ms (is the cluster reachable?); leaving it behind: offsets it did not commit are read again after restart")
        }
    }

    private func onConsumerThread<T: Sendable>(_ work: @escaping @Sendable () throws(KafkaError) -> T) async throws(KafkaError) -> T {
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

/// Logical offsets librdkafka understands.
public enum KafkaOffset {
    public static let beginning = Int64(RD_KAFKA_OFFSET_BEGINNING)
    public static let end = Int64(RD_KAFKA_OFFSET_END)
    public static let stored = Int64(RD_KAFKA_OFFSET_STORED)
    public static let invalid = Int64(RD_KAFKA_OFFSET_INVALID)
}
