import AttacheKafka
import AttacheModels
import Dispatch
import Foundation
import Logging

/// A notification delivered to one receiver.
public struct DeliveredPair: Hashable, Sendable {
    public var notificationID: String
    public var receiver: String

    public init(notificationID: String, receiver: String) {
        self.notificationID = notificationID
        self.receiver = receiver
    }

    /// The record key on `notifications.delivered`: `<notification id>|<receiver>`.
    public var key: String { "\(notificationID)|\(receiver)" }
}

/// The value of `notifications.delivered` (`attache.notification-delivery.v1`), keyed by
/// `DeliveredPair.key`: that a receiver accepted a notification. The topic is compacted, so
/// it keeps one record per pair for as long as the topic exists.
public struct DeliveryRecord: Codable, Sendable, Hashable {
    public static let schemaName = "attache.notification-delivery.v1"

    public var schema: String = DeliveryRecord.schemaName
    public var notificationId: String
    public var receiver: String
    public var rule: String
    public var attempts: Int
    public var deliveredAt: Date

    public init(notificationId: String, receiver: String, rule: String, attempts: Int, deliveredAt: Date) {
        self.notificationId = notificationId
        self.receiver = receiver
        self.rule = rule
        self.attempts = attempts
        self.deliveredAt = deliveredAt
    }

    public var pair: DeliveredPair { DeliveredPair(notificationID: notificationId, receiver: receiver) }

    /// The pair a record of the topic names: from its value, else from its key.
    public static func pair(of message: KafkaMessage) -> DeliveredPair? {
        if let value = message.value,
            let record = try? AttacheJSON.decoder().decode(DeliveryRecord.self, from: Data(value))
        {
            return record.pair
        }
        guard let key = message.keyText, let bar = key.firstIndex(of: "|") else { return nil }
        return DeliveredPair(notificationID: String(key[..<bar]), receiver: String(key[key.index(after: bar)...]))
    }
}

/// The (notification id, receiver) pairs already delivered: read from the compacted
/// `notifications.delivered` topic and added to as the service delivers, so that a
/// restart, a replay or a rebalance does not send the same notification to the same
/// receiver again.
///
/// `catchUp` reads the topic from where the last read stopped to the high watermarks taken
/// when it starts (at every assignment), and either reaches them all or throws: the service
/// never goes on with part of the state.
final class DeliveredLog: @unchecked Sendable {
    private let lock = NSLock()
    private var pairs: Set<DeliveredPair> = []
    /// Per partition of the topic, the offset the next read starts at.
    private var positions: [Int32: Int64] = [:]

    func contains(_ pair: DeliveredPair) -> Bool { lock.withLock { pairs.contains(pair) } }
    func insert(_ pair: DeliveredPair) { _ = lock.withLock { pairs.insert(pair) } }
    var count: Int { lock.withLock { pairs.count } }

    /// What a catch-up read.
    struct CatchUp {
        var records: Int
        var pairs: Int
    }

    /// Reads `topic` up to the high watermarks of now. Throws `ReadToEndIncomplete` when a
    /// partition makes no progress for `stallTimeout`.
    func catchUp(config: KafkaConfig, topic: String, logger: Logger, stallTimeout: Duration = .seconds(30)) async throws
        -> CatchUp
    {
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .warning)
        let consumer = try KafkaConsumer(
            config: config, groupID: "attache-notifier-restore-\(UUID().uuidString)", readCommitted: false,
            logger: quiet)
        defer { inBackground { consumer.close() } }
        let known = lock.withLock { positions }
        // The high watermarks taken now are the end of this read.
        let marks: [(Int32, Int64, Int64)] = try await offCooperativePool {
            let count = try consumer.partitionCount(of: topic)
            return try (0..<Int32(count)).map { partition in
                let (low, high) = try consumer.watermarks(topic: topic, partition: partition)
                return (partition, low, high)
            }
        }
        var ends: [Int32: Int64] = [:]
        var starts: [Int32: Int64] = [:]
        for (partition, low, high) in marks {
            let start = max(known[partition] ?? low, low)
            if high > start {
                ends[partition] = high
                starts[partition] = start
            }
        }
        var found: Set<DeliveredPair> = []
        var read = 0
        try await consumer.read(topic: topic, from: starts, to: ends, maxBatch: 5_000, idleLimit: stallTimeout) {
            message in
            read += 1
            if let pair = DeliveryRecord.pair(of: message), message.value != nil { found.insert(pair) }
        }
        lock.withLock {
            pairs.formUnion(found)
            for (partition, _, high) in marks { positions[partition] = max(positions[partition] ?? 0, high) }
        }
        return CatchUp(records: read, pairs: found.count)
    }
}
