import AttacheKafka
import AttacheRuntime
import AttacheTesting
import CRdKafka
import Foundation
import Testing

/// `RebalanceSync` over the embedded broker: what the enrichment stages and the notifier
/// share when partitions come and go, and after transient errors.
@Suite("RebalanceSync over the embedded broker")
struct RebalanceSyncTests {
    static let logger = makeTestLogger(label: "rebalance-sync-test")

    /// A partition owner that records what it was asked, and can fail its first restores.
    final class RecordingOwner: PartitionOwner, @unchecked Sendable {
        private let lock = NSLock()
        private var failuresLeft: Int
        private(set) var restores: [[TopicPartitionOffset]] = []
        private(set) var forgotten: [[TopicPartitionOffset]] = []

        init(failFirst: Int = 0) { failuresLeft = failFirst }

        struct RestoreFailed: Error {}

        func restore(_ partitions: [TopicPartitionOffset]) async throws {
            let fail = lock.withLock {
                restores.append(partitions)
                defer { failuresLeft -= 1 }
                return failuresLeft > 0
            }
            if fail { throw RestoreFailed() }
        }

        func forget(_ partitions: [TopicPartitionOffset]) {
            lock.withLock { forgotten.append(partitions) }
        }

        var restoreCalls: [[TopicPartitionOffset]] { lock.withLock { restores } }
    }

    /// What `onReady` heard, in order.
    final class ProgressLog: @unchecked Sendable {
        private let lock = NSLock()
        private var entries: [String] = []

        func append(_ progress: RebalanceSync.Progress) {
            let name =
                switch progress {
                case .restoring: "restoring"
                case .restored: "restored"
                case .revoked: "revoked"
                case .failed: "failed"
                }
            lock.withLock { entries.append(name) }
        }

        var all: [String] { lock.withLock { entries } }
    }

    /// A topic with 10 records on each of 2 partitions, and a group whose committed offset
    /// on partition 0 is 4 (nothing committed on partition 1).
    static func setUp() async throws -> (EmbeddedBroker, String, String) {
        let broker = try EmbeddedBroker()
        let topic = unique("sync")
        try broker.createTopic(topic, partitions: 2)
        let producer = try KafkaProducer(config: broker.config)
        for partition in Int32(0)...1 {
            for index in 0..<10 {
                _ = try await producer.send(
                    OutgoingRecord(
                        topic: topic, partition: partition, key: Array("k\(index)".utf8),
                        value: Array("v\(index)".utf8)))
            }
        }
        await offCooperativePool { producer.close() }
        let group = unique("group")
        let committer = try KafkaConsumer(config: broker.config, groupID: group)
        try committer.assign([TopicPartitionOffset(topic: topic, partition: 0, offset: KafkaOffset.invalid)])
        try await committer.commit([TopicPartitionOffset(topic: topic, partition: 0, offset: 4)])
        await offCooperativePool { committer.close() }
        return (broker, topic, group)
    }

    /// A consumer in `group` and its installed `RebalanceSync`, retrying every 50–100 ms and
    /// reporting its readiness to `progress`.
    static func quickRetrying(_ broker: EmbeddedBroker, group: String, progress: ProgressLog) throws -> (
        KafkaConsumer, RebalanceSync
    ) {
        let consumer = try KafkaConsumer(config: broker.config, groupID: group, logger: logger)
        let sync = RebalanceSync(
            consumer: consumer, name: "test loop", logger: logger,
            retries: RetryPolicy(maxAttempts: .max, baseDelay: .milliseconds(50), maxDelay: .milliseconds(100)),
            stopping: { false }, onReady: { progress.append($0) })
        sync.install()
        return (consumer, sync)
    }

    /// The loop every user of `RebalanceSync` runs: resync, poll, apply, process (here:
    /// collect), hand errors to `failed`; until `count` records are collected.
    static func loop(_ sync: RebalanceSync, owner: RecordingOwner, count: Int) async throws -> [KafkaMessage] {
        var received: [KafkaMessage] = []
        let deadline = ContinuousClock.now + .seconds(90)
        while received.count < count, ContinuousClock.now < deadline {
            do {
                try await sync.resyncIfNeeded(owner)
                let batch = try await sync.consumer.poll(max: 50, timeoutMs: 100)
                if try await sync.afterPoll(owner) { continue }
                received += batch
            } catch {
                await sync.failed(error)
            }
        }
        return received
    }

    @Test("an assignment restores the owner's state and rewinds to the committed offsets; the caller's hook runs first")
    func assignmentRewinds() async throws {
        let (broker, topic, group) = try await Self.setUp()
        let consumer = try KafkaConsumer(config: broker.config, groupID: group, logger: Self.logger)
        let progress = ProgressLog()
        let sync = RebalanceSync(
            consumer: consumer, name: "test loop", logger: Self.logger, stopping: { false },
            onReady: { progress.append($0) })
        let hooked = ProgressLog()
        sync.install { event in if case .assigned(let partitions) = event { hooked.append(.restoring(partitions)) } }
        let owner = RecordingOwner()
        try consumer.subscribe([topic])
        let received = try await Self.loop(sync, owner: owner, count: 16)
        await offCooperativePool { consumer.close() }

        let byPartition = Dictionary(grouping: received, by: \.partition).mapValues { $0.map(\.offset) }
        #expect(byPartition[0] == Array(4..<10), "partition 0 from its committed offset 4: \(byPartition[0] ?? [])")
        #expect(byPartition[1] == Array(0..<10), "partition 1 from the start: \(byPartition[1] ?? [])")
        let restored = try #require(owner.restoreCalls.first)
        #expect(Set(restored.map(\.partition)) == [0, 1] && restored.allSatisfy { $0.topic == topic })
        #expect(progress.all.prefix(2) == ["restoring", "restored"])
        #expect(hooked.all == ["restoring"], "the caller's hook ran before the event was recorded")
        #expect(!sync.needsResync)
    }

    @Test(
        "after a transient error: not ready, then the whole assignment is restored again and the consumer rewound to the committed offsets, or the low watermark where none is committed"
    )
    func failedRestoreResyncs() async throws {
        let (broker, topic, group) = try await Self.setUp()
        let progress = ProgressLog()
        let (consumer, sync) = try Self.quickRetrying(broker, group: group, progress: progress)
        // The assignment's restore fails once: the resync restores again before anything is read.
        let owner = RecordingOwner(failFirst: 1)
        try consumer.subscribe([topic])
        let first = try await Self.loop(sync, owner: owner, count: 16)
        // Everything read, nothing committed since: an error now (as the cluster going away
        // briefly would raise) must lead back to offset 4 of partition 0 and to the low
        // watermark of partition 1, not to where the consumer is.
        struct Transient: Error {}
        await sync.failed(Transient())
        #expect(sync.needsResync)
        let second = try await Self.loop(sync, owner: owner, count: 16)
        await offCooperativePool { consumer.close() }

        for received in [first, second] {
            let byPartition = Dictionary(grouping: received, by: \.partition).mapValues { $0.map(\.offset) }
            #expect(byPartition[0] == Array(4..<10), "\(byPartition[0] ?? [])")
            #expect(byPartition[1] == Array(0..<10), "\(byPartition[1] ?? [])")
        }
        #expect(
            owner.restoreCalls.count == 3,
            "the assignment's restore, then a resync after each error: \(owner.restoreCalls)")
        #expect(
            owner.restoreCalls.allSatisfy { Set($0.map(\.partition)) == [0, 1] },
            "every restore is of the whole assignment")
        #expect(
            progress.all == ["restoring", "failed", "restoring", "restored", "failed", "restoring", "restored"],
            "\(progress.all)")
        #expect(!sync.needsResync)
    }

    @Test(
        "a Kafka error while rewinding (the group's offsets cannot be read) is followed by resyncs until the rewind succeeds, not by a stop"
    )
    func rewindErrorResyncs() async throws {
        let (broker, topic, group) = try await Self.setUp()
        let progress = ProgressLog()
        let (consumer, sync) = try Self.quickRetrying(broker, group: group, progress: progress)
        let owner = RecordingOwner()
        try consumer.subscribe([topic])
        _ = try await Self.loop(sync, owner: owner, count: 16)
        // The next two OffsetFetch requests (Kafka API 9) fail: the rewinds of the next two
        // resyncs cannot read the committed offsets.
        broker.injectErrors(
            apiKey: 9, [RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED, RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED])
        struct Transient: Error {}
        await sync.failed(Transient())
        let again = try await Self.loop(sync, owner: owner, count: 16)
        broker.clearInjectedErrors(apiKey: 9)
        await offCooperativePool { consumer.close() }

        let byPartition = Dictionary(grouping: again, by: \.partition).mapValues { $0.map(\.offset) }
        #expect(byPartition[0] == Array(4..<10), "\(byPartition[0] ?? [])")
        #expect(byPartition[1] == Array(0..<10), "\(byPartition[1] ?? [])")
        #expect(
            progress.all.filter { $0 == "failed" }.count == 3,
            "the error handed in, then one per failed rewind: \(progress.all)")
        #expect(progress.all.last == "restored")
    }

    @Test("commitBeforeRevoke commits on the calling thread; nothing to commit is no failure")
    func commitBeforeRevoke() async throws {
        let (broker, topic, group) = try await Self.setUp()
        let consumer = try KafkaConsumer(config: broker.config, groupID: group, logger: Self.logger)
        try consumer.assign([TopicPartitionOffset(topic: topic, partition: 1, offset: KafkaOffset.invalid)])
        let sync = RebalanceSync(
            consumer: consumer, name: "test loop", logger: Self.logger, stopping: { false }, onReady: { _ in })
        #expect(sync.commitBeforeRevoke([]))
        let committed = await offCooperativePool {
            sync.commitBeforeRevoke([TopicPartitionOffset(topic: topic, partition: 1, offset: 7)])
        }
        #expect(committed)
        let offsets = try await consumer.committed([
            TopicPartitionOffset(topic: topic, partition: 1, offset: KafkaOffset.invalid)
        ])
        #expect(offsets.first?.offset == 7)
        await offCooperativePool { consumer.close() }
    }
}
