import AttacheKafka
import AttacheTesting
import Foundation
import Testing

/// `KafkaConsumer.read(topic:from:to:…)`: the read to given offsets that the ledger restore,
/// the notifier's delivered pairs and `TopicSnapshot` share.
@Suite("Read to the end")
struct ReadToEndTests {
    /// A topic of two partitions holding 10 records on partition 0 and 6 on partition 1.
    func filledTopic() async throws -> (EmbeddedBroker, String) {
        let broker = try EmbeddedBroker()
        let topic = unique("read")
        try broker.createTopic(topic, partitions: 2)
        let producer = try KafkaProducer(config: broker.config)
        defer { producer.close() }
        for i in 0..<16 {
            _ = try await producer.send(
                OutgoingRecord(
                    topic: topic, partition: i < 10 ? 0 : 1, key: Array("k\(i)".utf8), value: Array("v\(i)".utf8)))
        }
        return (broker, topic)
    }

    @Test("reads each partition from its start to its end and no further")
    func readsToTheEnds() async throws {
        let (broker, topic) = try await filledTopic()
        let consumer = try KafkaConsumer(config: broker.config, groupID: unique("g"))
        defer { consumer.close() }
        var read: [Int32: [Int64]] = [:]
        try await consumer.read(
            topic: topic, from: [0: 3, 1: KafkaOffset.beginning], to: [0: 10, 1: 6], maxBatch: 4,
            idleLimit: .seconds(20)
        ) { message in read[message.partition, default: []].append(message.offset) }
        #expect(read[0] == Array(3..<10))
        #expect(read[1] == Array(0..<6))
    }

    @Test("an end that is never reached throws, naming the partition, after the idle limit or a stop")
    func incomplete() async throws {
        let (broker, topic) = try await filledTopic()
        let consumer = try KafkaConsumer(config: broker.config, groupID: unique("g"))
        defer { consumer.close() }
        await #expect {
            try await consumer.read(
                topic: topic, from: [0: 0, 1: 0], to: [0: 10, 1: 7], maxBatch: 100, idleLimit: .milliseconds(500)
            ) { _ in }
        } throws: { error in
            guard let error = error as? ReadToEndIncomplete, case .stalled = error.cause else { return false }
            return error.partitions == [1] && error.description.contains(topic)
        }
        await #expect {
            try await consumer.read(
                topic: topic, from: [0: 0], to: [0: 11], maxBatch: 100, idleLimit: .seconds(60), stop: { true },
                handle: { _ in })
        } throws: { error in
            guard let error = error as? ReadToEndIncomplete, case .stopped = error.cause else { return false }
            return error.partitions == [0]
        }
    }
}
