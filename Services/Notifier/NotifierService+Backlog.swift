import AttacheKafka
import Foundation

/// What `attache demo` waits for: the input records the notifier's group has not committed.
extension NotifierService {
    /// Input records the group has not committed yet: over every partition of the input
    /// topics, the high watermark minus the committed offset (minus the low watermark where
    /// nothing is committed). 0 once everything published so far is notified (or
    /// dead-lettered) and committed — what `attache demo` waits for.
    public func backlog() async throws -> Int64 {
        let consumer = try backlogConsumer()
        var total: Int64 = 0
        for topic in inputTopics {
            let count = try await offCooperativePool { try consumer.partitionCount(of: topic) }
            guard count > 0 else { continue }
            let query = (0..<Int32(count)).map {
                TopicPartitionOffset(topic: topic, partition: $0, offset: KafkaOffset.invalid)
            }
            let committed = try await consumer.committed(query)
            let marks = try await offCooperativePool {
                try committed.map { try consumer.watermarks(topic: topic, partition: $0.partition) }
            }
            for (entry, (low, high)) in zip(committed, marks) {
                total += max(0, high - max(low, entry.offset))
            }
        }
        return total
    }

    private func backlogConsumer() throws -> KafkaConsumer {
        try lock.withLock {
            if let queryConsumer { return queryConsumer }
            let consumer = try KafkaConsumer(config: options.kafka, groupID: options.groupID, logger: logger)
            queryConsumer = consumer
            return consumer
        }
    }
}
