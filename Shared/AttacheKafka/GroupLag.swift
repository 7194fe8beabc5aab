import Logging

/// How far a consumer group is behind: for each partition of its topics, the high watermark
/// minus the group's committed offset (the whole partition where nothing is committed).
public enum GroupLag {
    /// The total lag of `group` over `topics`. Asks the group coordinator without joining.
    public static func total(config: KafkaConfig, group: String, topics: [String]) async throws(KafkaError) -> Int64 {
        var quiet = Logger(label: "attache.kafka.lag")
        quiet.logLevel = .error
        let consumer = try KafkaConsumer(config: config, groupID: group, logger: quiet)
        do {
            var lag: Int64 = 0
            for topic in topics {
                let count = try await consumer.partitions(of: topic)
                let partitions = (0..<Int32(count)).map {
                    TopicPartitionOffset(topic: topic, partition: $0, offset: KafkaOffset.invalid)
                }
                for committed in try await consumer.committed(partitions) {
                    let (low, high) = try await consumer.offsets(topic: topic, partition: committed.partition)
                    lag += high - max(committed.offset, low)
                }
            }
            await consumer.shutdown()
            return lag
        } catch {
            await consumer.shutdown()
            throw error
        }
    }
}
