import AttacheKafka
import AttacheModels
import AttacheRuntime
import AttacheTesting
import Foundation
import Logging
import Testing

@testable import Notifier

/// The delivered pairs: restored from `notifications.delivered` to the high watermarks,
/// incrementally, and never partly.
@Suite("Delivered pairs: restore to the high watermarks, never partial")
struct RestoreTests {
    let topics = Topics()

    static func deliveryRecords(_ range: Range<Int>, receiver: String, topics: Topics) throws -> [OutgoingRecord] {
        try range.map { index in
            let record = DeliveryRecord(
                notificationId: String(format: "%016x", index), receiver: receiver, rule: "trade-delta", attempts: 1,
                deliveredAt: Date(timeIntervalSince1970: 1_760_000_000))
            return OutgoingRecord(
                topic: topics.notificationsDelivered, key: Array(record.pair.key.utf8),
                value: try AttacheJSON.encode(record),
                headers: [KafkaHeader(RecordHeaders.schema, DeliveryRecord.schemaName)])
        }
    }

    @Test("reads every partition to the high watermarks taken at the start, then only what came since")
    func incremental() async throws {
        let broker = try brokerWithTopics()
        try await publish(try RestoreTests.deliveryRecords(0..<20_000, receiver: "ops", topics: topics), to: broker)
        let log = DeliveredLog()
        let first = try await log.catchUp(
            config: broker.config, topic: topics.notificationsDelivered, logger: testLogger)
        #expect(first.records == 20_000 && log.count == 20_000)
        #expect(log.contains(DeliveredPair(notificationID: String(format: "%016x", 19_999), receiver: "ops")))
        #expect(!log.contains(DeliveredPair(notificationID: String(format: "%016x", 19_999), receiver: "other")))
        try await publish(
            try RestoreTests.deliveryRecords(20_000..<20_010, receiver: "ops", topics: topics), to: broker)
        let second = try await log.catchUp(
            config: broker.config, topic: topics.notificationsDelivered, logger: testLogger)
        #expect(second.records == 10 && log.count == 20_010)
    }

    @Test("a restore that cannot reach the high watermarks throws; nothing partial is kept")
    func neverPartial() async throws {
        let broker = try brokerWithTopics()
        try await publish(try RestoreTests.deliveryRecords(0..<100, receiver: "ops", topics: topics), to: broker)
        broker.setBroker(1, up: false)
        let log = DeliveredLog()
        var quiet = testLogger
        quiet.logLevel = .critical
        var config = broker.config
        config.properties["socket.timeout.ms"] = "2000"
        await #expect(throws: (any Error).self) {
            _ = try await log.catchUp(
                config: config, topic: topics.notificationsDelivered, logger: quiet, stallTimeout: .seconds(2))
        }
        #expect(log.count == 0)
        broker.setBroker(1, up: true)
    }

    @Test(
        "the service skips, per receiver, what notifications.delivered holds, however long; it is ready only after reading it"
    )
    func serviceSkipsDelivered() async throws {
        let broker = try brokerWithTopics()
        let anniversaries = (0..<5).map {
            Fixtures.anniversary(ordinal: 30, year: 2022, subject: "restored relations \($0)")
        }
        let ids = anniversaries.map(AnniversaryMilestoneRule.notificationID)
        // 10,000 unrelated pairs, then three of these five as delivered to "ops".
        var records = try RestoreTests.deliveryRecords(0..<10_000, receiver: "ops", topics: topics)
        for id in ids.prefix(3) {
            let record = DeliveryRecord(
                notificationId: id, receiver: "ops", rule: "anniversary-milestone", attempts: 1, deliveredAt: Date())
            records.append(
                OutgoingRecord(
                    topic: topics.notificationsDelivered, key: Array(record.pair.key.utf8),
                    value: try AttacheJSON.encode(record)))
        }
        try await publish(records, to: broker)
        try await publish(try anniversaries.map { try anniversaryRecord($0) }, to: broker)
        let ops = RecordingSink(name: "ops")
        let group = unique("notifier")
        let running = try RunningNotifier(broker: broker, group: group, sinks: [ops])
        try await running.waitReady()
        #expect(running.metrics.value("attache_notifier_restored_pairs_total") == 10_003)
        #expect(try await waitCommitted(group: group, topics: inputTopics(), broker: broker))
        try await running.stop()
        #expect(Set(ops.received.map(\.id)) == Set(ids.suffix(2)))
        #expect(ops.received.count == 2)
    }
}
