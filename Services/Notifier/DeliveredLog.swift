import AttacheKafka
import AttacheModels
import Dispatch
import Foundation
import Logging

/// The ids of the notifications already delivered: restored from the `notifications` audit
/// topic (keyed by id) and added to as the service delivers, so that a restart, a replay
/// or a rebalance does not send the same notification again.
final class DeliveredLog: @unchecked Sendable {
    private let lock = NSLock()
    private var ids: Set<String> = []

    func contains(_ id: String) -> Bool { lock.withLock { ids.contains(id) } }
    func insert(_ id: String) { _ = lock.withLock { ids.insert(id) } }
    func insert(contentsOf more: Set<String>) { lock.withLock { ids.formUnion(more) } }
    var count: Int { lock.withLock { ids.count } }
}

/// Reads every partition of the `notifications` topic from the beginning to its end (the
/// high watermarks when the read starts) and returns the ids found (record keys, or the
/// `id` of the value when a record has no key).
struct DeliveredRestorer: Sendable {
    var config: KafkaConfig
    var topic: String
    var groupID: String
    var logger: Logger

    func restore() async throws -> Set<String> {
        // The consumer never joins its group nor commits: it only reads assigned partitions.
        let consumer = try KafkaConsumer(config: config, groupID: groupID, readCommitted: false, logger: logger)
        defer { inBackground { consumer.close() } }
        let topic = topic
        var ends: [Int32: Int64] = try await offCooperativePool {
            let count = try consumer.partitionCount(of: topic)
            var ends: [Int32: Int64] = [:]
            for partition in 0..<Int32(count) {
                let (low, high) = try consumer.watermarks(topic: topic, partition: partition)
                if high > low { ends[partition] = high }
            }
            return ends
        }
        var ids: Set<String> = []
        guard !ends.isEmpty else { return ids }
        try consumer.assign(ends.keys.sorted().map { TopicPartitionOffset(topic: topic, partition: $0, offset: KafkaOffset.beginning) })
        var idleSince = ContinuousClock.now
        while !ends.isEmpty {
            let batch = try await consumer.poll(max: 2_000, timeoutMs: 100)
            for message in batch {
                if let key = message.keyText, !key.isEmpty {
                    ids.insert(key)
                } else if let value = message.value, let notification = try? AttacheJSON.decode(Notification.self, from: value) {
                    ids.insert(notification.id)
                }
                if let end = ends[message.partition], message.offset + 1 >= end { ends[message.partition] = nil }
            }
            if batch.isEmpty {
                // Offsets without records (transaction markers, retention) end a partition too.
                for position in consumer.assignment() where position.offset >= 0 {
                    if let end = ends[position.partition], position.offset >= end { ends[position.partition] = nil }
                }
                if idleSince.duration(to: .now) > .seconds(10) {
                    logger.warning("restoring delivered ids from \(topic): nothing read for 10 s before the end of partitions \(ends.keys.sorted()); continuing with \(ids.count) ids")
                    break
                }
            } else {
                idleSince = .now
            }
        }
        return ids
    }
}

