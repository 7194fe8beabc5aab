import AttacheKafka
import Foundation
import Logging

private let readerLogger = makeTestLogger(label: "attache-testing")

/// Every record of a topic, from the beginning to the end of each partition as it was when
/// the read started. Throws when the end could not be reached.
public func readAll(_ topic: String, broker: EmbeddedBroker) async throws -> [KafkaMessage] {
    let read = try await TopicSnapshot.read(config: broker.config, topic: topic)
    guard read.complete else { throw TestFailure("\(topic) not read to its end") }
    return read.records
}

/// Waits until `topic` holds at least `count` records (the sum of high minus low
/// watermarks); false after `timeout`. The partition count is asked every time: the topic
/// may be created meanwhile.
public func waitForRecords(_ topic: String, count: Int, broker: EmbeddedBroker, timeout: Duration = .seconds(25))
    async throws -> Bool
{
    let consumer = try KafkaConsumer(
        config: broker.config, groupID: unique("counter"), readCommitted: false, logger: readerLogger)
    defer { consumer.close() }
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        let partitions = try consumer.partitionCount(of: topic)
        var total: Int64 = 0
        for partition in 0..<Int32(partitions) {
            let (low, high) = try consumer.watermarks(topic: topic, partition: partition)
            total += high - low
        }
        if total >= count { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return false
}

/// Waits until `group` has committed every partition of each topic up to its end; false
/// after `timeout`.
public func waitCommitted(group: String, topics: [String], broker: EmbeddedBroker, timeout: Duration = .seconds(25))
    async throws -> Bool
{
    let consumer = try KafkaConsumer(config: broker.config, groupID: group, logger: readerLogger)
    defer { consumer.close() }
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        var done = true
        for topic in topics {
            let count = try consumer.partitionCount(of: topic)
            let partitions = (0..<Int32(count)).map {
                TopicPartitionOffset(topic: topic, partition: $0, offset: KafkaOffset.invalid)
            }
            for entry in try await consumer.committed(partitions) {
                let (low, high) = try consumer.watermarks(topic: topic, partition: entry.partition)
                if high > low && entry.offset < high { done = false }
            }
        }
        if done { return true }
        try await Task.sleep(for: .milliseconds(100))
    }
    return false
}

/// `waitCommitted(group:topics:broker:timeout:)` for one topic.
public func waitCommitted(group: String, topic: String, broker: EmbeddedBroker, timeout: Duration = .seconds(25))
    async throws -> Bool
{
    try await waitCommitted(group: group, topics: [topic], broker: broker, timeout: timeout)
}
