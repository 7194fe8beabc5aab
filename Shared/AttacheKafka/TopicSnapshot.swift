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
        var records: [KafkaMessage] = []
        let deadline = ContinuousClock.now + timeout
        do {
            try await consumer.read(
                topic: topic, from: ends.mapValues { _ in KafkaOffset.beginning }, to: ends, maxBatch: 1_000,
                idleLimit: timeout, stop: { ContinuousClock.now >= deadline },
                handle: { message in
                    if let end = ends[message.partition], message.offset < end { records.append(message) }
                })
        } catch is ReadToEndIncomplete {
            return Read(records: sorted(records), complete: false)
        }
        return Read(records: sorted(records), complete: true)
    }

    /// Records by partition, then offset.
    private static func sorted(_ records: [KafkaMessage]) -> [KafkaMessage] {
        records.sorted { ($0.partition, $0.offset) < ($1.partition, $1.offset) }
    }
}
