import AttacheKafka
import AttacheTesting
import CRdKafka
import Foundation
import Testing

@Suite("Producer and consumer over the embedded broker")
struct ProducerConsumerTests {
    @Test("records round-trip with keys, headers and null values")
    func roundTrip() async throws {
        let broker = try EmbeddedBroker()
        let topic = unique("t")
        try broker.createTopic(topic, partitions: 3)
        let producer = try KafkaProducer(config: broker.config)
        defer { producer.close() }
        var sent: [DeliveryReport] = []
        for i in 0..<20 {
            sent.append(
                try await producer.send(
                    OutgoingRecord(
                        topic: topic, key: "key-\(i % 5)", value: Array("value \(i)".utf8),
                        headers: [KafkaHeader("schema", "test.v1"), KafkaHeader("empty", nil)])))
        }
        let tombstone = try await producer.send(OutgoingRecord(topic: topic, key: "key-0", value: nil))
        #expect(sent.allSatisfy { $0.topic == topic && $0.offset >= 0 })
        // Equal keys land on one partition.
        let partitionsByKey = Dictionary(grouping: zip(0..<20, sent), by: { $0.0 % 5 }).mapValues {
            Set($0.map(\.1.partition))
        }
        #expect(partitionsByKey.values.allSatisfy { $0.count == 1 })
        #expect(tombstone.partition == sent[0].partition)

        let consumer = try KafkaConsumer(config: broker.config, groupID: unique("g"))
        defer { consumer.close() }
        try consumer.subscribe([topic])
        let received = try await consume(consumer, count: 21)
        #expect(received.count == 21)
        let values = Set(received.compactMap(\.value).map { String(decoding: $0, as: UTF8.self) })
        #expect(values == Set((0..<20).map { "value \($0)" }))
        let first = try #require(received.first { $0.value != nil })
        #expect(first.header("schema")?.text == "test.v1")
        #expect(first.headers.contains(KafkaHeader("empty", nil)))
        #expect(received.contains { $0.value == nil && $0.keyText == "key-0" })
    }

    @Test("send(all:) stores the records of a partition in the order given, and reports in that order")
    func sendAllKeepsOrder() async throws {
        let broker = try EmbeddedBroker()
        let topic = unique("t")
        try broker.createTopic(topic, partitions: 1)
        let producer = try KafkaProducer(config: broker.config)
        defer { producer.close() }
        let reports = try await producer.send(
            all: (0..<200).map { OutgoingRecord(topic: topic, key: "same", value: Array("\($0)".utf8)) })
        #expect(reports.map(\.offset) == Array(0..<200))
        let consumer = try KafkaConsumer(config: broker.config, groupID: unique("g"))
        defer { consumer.close() }
        try consumer.subscribe([topic])
        let received = try await consume(consumer, count: 200)
        #expect(received.map { String(decoding: $0.value!, as: UTF8.self) } == (0..<200).map { "\($0)" })
    }

    @Test("two consumers of one group share the partitions")
    func groupSharesPartitions() async throws {
        let broker = try EmbeddedBroker()
        let topic = unique("t")
        try broker.createTopic(topic, partitions: 4)
        let group = unique("g")
        let a = try KafkaConsumer(config: broker.config, groupID: group)
        let b = try KafkaConsumer(config: broker.config, groupID: group)
        defer { a.close(); b.close() }
        try a.subscribe([topic])
        try b.subscribe([topic])
        let producer = try KafkaProducer(config: broker.config)
        defer { producer.close() }
        // Poll both until each has a share of the four partitions.
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            async let pa = a.poll(timeoutMs: 200)
            async let pb = b.poll(timeoutMs: 200)
            _ = try await (pa, pb)
            if a.assignment().count == 2 && b.assignment().count == 2 { break }
        }
        let assignedA = Set(a.assignment().map(\.partition))
        let assignedB = Set(b.assignment().map(\.partition))
        #expect(assignedA.count == 2 && assignedB.count == 2)
        #expect(assignedA.isDisjoint(with: assignedB))
        _ = try await producer.send(
            all: (0..<40).map { OutgoingRecord(topic: topic, key: "k\($0)", value: Array("\($0)".utf8)) })
        var fromA: [KafkaMessage] = []
        var fromB: [KafkaMessage] = []
        let readDeadline = ContinuousClock.now + .seconds(60)
        while fromA.count + fromB.count < 40, ContinuousClock.now < readDeadline {
            async let ra = a.poll(max: 40, timeoutMs: 200)
            async let rb = b.poll(max: 40, timeoutMs: 200)
            let (x, y) = try await (ra, rb)
            fromA += x
            fromB += y
        }
        #expect(fromA.count + fromB.count == 40)
        #expect(!fromA.isEmpty && !fromB.isEmpty)
        #expect(Set(fromA.map(\.partition)).isSubset(of: assignedA))
        #expect(Set(fromB.map(\.partition)).isSubset(of: assignedB))
    }

    @Test("a restarted consumer resumes from the committed offset")
    func commitAndResume() async throws {
        let broker = try EmbeddedBroker()
        let topic = unique("t")
        try broker.createTopic(topic, partitions: 1)
        let producer = try KafkaProducer(config: broker.config)
        defer { producer.close() }
        // One by one: concurrent sends (send(all:)) may be stored in any order.
        for i in 0..<10 {
            _ = try await producer.send(OutgoingRecord(topic: topic, key: nil, value: Array("\(i)".utf8)))
        }
        let group = unique("g")
        do {
            let consumer = try KafkaConsumer(config: broker.config, groupID: group)
            try consumer.subscribe([topic])
            let firstSix = try await consume(consumer, count: 6)
            #expect(firstSix.map(\.offset) == Array(0..<6))
            try await consumer.commit(after: firstSix[5])
            consumer.close()
        }
        let restarted = try KafkaConsumer(config: broker.config, groupID: group)
        defer { restarted.close() }
        try restarted.subscribe([topic])
        let rest = try await consume(restarted, count: 4)
        #expect(rest.map(\.offset) == [6, 7, 8, 9])
        #expect(rest.map { String(decoding: $0.value!, as: UTF8.self) } == ["6", "7", "8", "9"])
    }

    @Test("the rebalance hook sees assignment and revocation before they take effect")
    func rebalanceHook() async throws {
        let broker = try EmbeddedBroker()
        let topic = unique("t")
        try broker.createTopic(topic, partitions: 2)
        let consumer = try KafkaConsumer(config: broker.config, groupID: unique("g"))
        let events = EventLog()
        consumer.onRebalance { event in
            // Runs before librdkafka applies the change: the old assignment still holds.
            events.append(event, assignedBefore: consumer.assignment().count)
        }
        try consumer.subscribe([topic])
        let deadline = ContinuousClock.now + .seconds(60)
        while consumer.assignment().isEmpty, ContinuousClock.now < deadline {
            _ = try await consumer.poll(timeoutMs: 200)
        }
        consumer.close()
        let log = events.entries
        #expect(log.count == 2)
        if case .assigned(let partitions) = log.first?.event {
            #expect(partitions.count == 2)
        } else {
            Issue.record("no assignment: \(log)")
        }
        if case .revoked(let partitions) = log.last?.event {
            #expect(partitions.count == 2)
        } else {
            Issue.record("no revocation: \(log)")
        }
        #expect(log.first?.assignedBefore == 0)
        #expect(log.last?.assignedBefore == 2)
    }

    @Test("a broker that is down gives a clear, timely error")
    func brokerDown() async throws {
        // A port nothing listens on.
        let config = KafkaConfig(bootstrapServers: "127.0.0.1:1", deliveryTimeoutMs: 2_000)
        let producer = try KafkaProducer(config: config)
        defer { producer.close(timeoutMs: 0) }
        // The send returns (no hang) with the delivery timeout's error; how soon is a
        // benchmark's business, not a test's.
        do {
            _ = try await producer.send(OutgoingRecord(topic: "nowhere", key: "k", value: [1]))
            Issue.record("a send to a broker that is down succeeded")
        } catch let error as KafkaError {
            #expect(error.isTimeout)
            #expect(error.description.contains("127.0.0.1:1"))
        }
    }

    @Test("injected retriable produce errors are survived without loss")
    func retriableErrors() async throws {
        let broker = try EmbeddedBroker()
        let topic = unique("t")
        try broker.createTopic(topic, partitions: 1)
        let producer = try KafkaProducer(config: broker.config)
        defer { producer.close() }
        _ = try await producer.send(OutgoingRecord(topic: topic, key: "warm", value: [0]))
        // Produce API (key 0): the next three requests fail with retriable errors.
        broker.injectErrors(
            apiKey: 0,
            [
                RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
                RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
            ])
        // Awaited one by one, so the order of the records is the order of the sends.
        var reports: [DeliveryReport] = []
        for value in 1...30 {
            reports.append(try await producer.send(OutgoingRecord(topic: topic, key: "k", value: [UInt8(value)])))
        }
        #expect(reports.map(\.offset) == Array(1...30))
        let consumer = try KafkaConsumer(config: broker.config, groupID: unique("g"))
        defer { consumer.close() }
        try consumer.subscribe([topic])
        let received = try await consume(consumer, count: 31)
        // Idempotence: every record exactly once, in order.
        #expect(received.map { $0.value![0] } == (0...30).map { UInt8($0) })
    }
}

/// Rebalance events recorded from the consumer's thread.
final class EventLog: @unchecked Sendable {
    struct Entry: Sendable { var event: RebalanceEvent; var assignedBefore: Int }
    private let lock = NSLock()
    private var _entries: [Entry] = []
    func append(_ event: RebalanceEvent, assignedBefore: Int) {
        lock.withLock { _entries.append(Entry(event: event, assignedBefore: assignedBefore)) }
    }
    var entries: [Entry] { lock.withLock { _entries } }
}
