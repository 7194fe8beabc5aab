import Foundation
import Logging

/// A topic read from its beginning to its end as it is when the read starts, without
/// joining a group: for tools (`attache demo`'s summary) and tests.
public enum TopicSnapshot {
    /// What a read found.
    public struct Read: Sendable {
        /// The records, by partition, then offset.
        public var records: [KafkaMessage]
        /// Whether every partition was read to its end before the timeout.
        public var complete: Bool
    }

    /// Reads every partition of `topic` from its low to its high watermark (as they are now).
    public static func read(config: KafkaConfig, topic: String, timeout: Duration = .seconds(20)) async throws -> Read {
        var quiet = Logger(label: "attache.kafka.snapshot")
        quiet.logLevel = .error
        let consumer = try KafkaConsumer(
            config: config, groupID: "attache-snapshot-\(UUID().uuidString)", readCommitted: false,
            logger: quiet)
        do {
            let read = try await read(topic, with: consumer, timeout: timeout)
            await consumer.shutdown()
            return read
        } catch {
            await consumer.shutdown()
            throw error
        }
    }

    private static func read(_ topic: String, with consumer: KafkaConsumer, timeout: Duration) async throws -> Read {
        let count = try await consumer.partitions(of: topic)
        var ends: [Int32: Int64] = [:]
        for partition in 0..<Int32(count) {
            let (low, high) = try await consumer.offsets(topic: topic, partition: partition)
            if high > low { ends[partition] = high }
        }
        guard !ends.isEmpty else { return Read(records: [], complete: true) }
        try consumer.assign(
            ends.keys.map { TopicPartitionOffset(topic: topic, partition: $0, offset: KafkaOffset.beginning) })
        var records: [KafkaMessage] = []
        let deadline = ContinuousClock.now + timeout
        while !ends.isEmpty, ContinuousClock.now < deadline {
            for message in try await consumer.poll(max: 1_000, timeoutMs: 100) {
                if let end = ends[message.partition] {
                    if message.offset < end { records.append(message) }
                    if message.nextOffset >= end { ends[message.partition] = nil }
                }
            }
        }
        return Read(
            records: records.sorted { ($0.partition, $0.offset) < ($1.partition, $1.offset) }, complete: ends.isEmpty)
    }
}
