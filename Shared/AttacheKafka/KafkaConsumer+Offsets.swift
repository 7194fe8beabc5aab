import CRdKafka
import Foundation

/// Offsets of a consumer: commits, committed offsets, seeks, watermarks and lag.
extension KafkaConsumer {
    /// Commits offsets (each the next offset to read) synchronously.
    public func commit(_ offsets: [TopicPartitionOffset]) async throws(KafkaError) {
        try await onConsumerThread { () throws(KafkaError) in try self.commitNow(offsets) }
    }

    /// Commits the position after `message`.
    public func commit(after message: KafkaMessage) async throws(KafkaError) {
        try await commit([
            TopicPartitionOffset(topic: message.topic, partition: message.partition, offset: message.nextOffset)
        ])
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
    public func committed(_ partitions: [TopicPartitionOffset], timeoutMs: Int = 10_000) async throws(KafkaError)
        -> [TopicPartitionOffset]
    {
        try await onConsumerThread { () throws(KafkaError) in try self.committedNow(partitions, timeoutMs: timeoutMs) }
    }

    func committedNow(_ partitions: [TopicPartitionOffset], timeoutMs: Int) throws(KafkaError) -> [TopicPartitionOffset]
    {
        guard !isDestroyed else { throw KafkaConsumer.closedError }
        let list = partitions.makeList()
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_committed(handle, list, Int32(timeoutMs))
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(err, operation: "read committed offsets of group \(groupID)")
        }
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
        let assigned = assignment().map {
            TopicPartitionOffset(topic: $0.topic, partition: $0.partition, offset: KafkaOffset.invalid)
        }
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
    public func offsets(topic: String, partition: Int32, timeoutMs: Int = 10_000) async throws(KafkaError) -> (
        low: Int64, high: Int64
    ) {
        try await onConsumerThread { () throws(KafkaError) in
            let (low, high) = try self.watermarks(topic: topic, partition: partition, timeoutMs: timeoutMs)
            return OffsetRange(low: low, high: high)
        }.pair
    }

    /// The lag (high watermark − position) of every assigned partition with a position,
    /// taken on the consumer's own thread, so that it never overlaps `close`. The high
    /// watermark is the one the last fetch response brought (librdkafka's cache, as its own
    /// `consumer_lag` statistic): no request to the broker, so a sample never holds the
    /// consumer's thread behind a fetch. Partitions with no watermark yet are asked for it
    /// (up to `timeoutMs`); `stop` is asked between them.
    public func lags(timeoutMs: Int = 500, stop: @escaping @Sendable () -> Bool = { false }) async -> [(
        partition: TopicPartitionOffset, lag: Int64
    )] {
        let result: [PartitionLag]? = try? await onConsumerThread { () throws(KafkaError) in
            var lags: [PartitionLag] = []
            for partition in self.assignment() where partition.offset >= 0 {
                if stop() || self.isDestroyed { break }
                var low: Int64 = 0
                var high: Int64 = 0
                if rd_kafka_get_watermark_offsets(self.handle, partition.topic, partition.partition, &low, &high)
                    != RD_KAFKA_RESP_ERR_NO_ERROR
                    || high < 0
                {
                    guard
                        let (_, queried) = try? self.watermarks(
                            topic: partition.topic, partition: partition.partition, timeoutMs: timeoutMs)
                    else { continue }
                    high = queried
                }
                lags.append(PartitionLag(partition: partition, lag: max(0, high - partition.offset)))
            }
            return lags
        }
        return (result ?? []).map { ($0.partition, $0.lag) }
    }

    /// The number of partitions of `topic`, from cluster metadata fetched on the consumer's
    /// thread (the async form of `partitionCount(of:)`).
    public func partitions(of topic: String, timeoutMs: Int = 10_000) async throws(KafkaError) -> Int {
        try await onConsumerThread { () throws(KafkaError) in try self.partitionCount(of: topic, timeoutMs: timeoutMs) }
    }

    /// The low and high watermarks of a partition, asked of the broker. Blocks: from async
    /// code use `offsets(topic:partition:)`.
    public func watermarks(topic: String, partition: Int32, timeoutMs: Int = 10_000) throws(KafkaError) -> (
        low: Int64, high: Int64
    ) {
        guard !isDestroyed else { throw KafkaConsumer.closedError }
        var low: Int64 = 0
        var high: Int64 = 0
        let err = rd_kafka_query_watermark_offsets(handle, topic, partition, &low, &high, Int32(timeoutMs))
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(
                err, operation: "query offsets of \(topic)[\(partition)]",
                hint: err == RD_KAFKA_RESP_ERR__TIMED_OUT ? context.unreachableHint : nil)
        }
        return (low, high)
    }

    /// The partition count of a topic, from cluster metadata. Blocks: from async code use
    /// `partitions(of:)`.
    public func partitionCount(of topic: String, timeoutMs: Int = 10_000) throws(KafkaError) -> Int {
        guard !isDestroyed else { throw KafkaConsumer.closedError }
        return try Metadata.partitionCount(
            handle: handle, topic: topic, timeoutMs: timeoutMs, hint: context.unreachableHint)
    }
}
