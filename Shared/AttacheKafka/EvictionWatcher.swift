import Foundation
import Logging

/// Watches every partition of a cluster's topics for records dropped before they were read:
/// the embedded broker keeps about 5 MiB per partition and silently drops older records
/// (`EmbeddedBroker`), so that a slow or stopped consumer group can lose input without a word.
///
/// Each check compares each partition's low watermark with the last one seen and, for every
/// consumer group that reads the topic, with the group's committed offset: records between
/// them that the group had not committed are evicted unread. For topics read from their
/// beginning to restore state (the series ledger, delivered notification ids) every evicted
/// record is state lost. Plain Kafka requests (ListOffsets, OffsetFetch): it works against
/// any cluster, though only the embedded broker drops records this way.
public final class EvictionWatcher: @unchecked Sendable {
    /// Records evicted before `reader` read them.
    public struct Eviction: Sendable, Hashable, CustomStringConvertible {
        public var topic: String
        public var partition: Int32
        /// The consumer group that had not read them, or `restore` for a topic read from
        /// its beginning to restore state.
        public var reader: String
        public var count: Int64
        /// The partition's new low watermark.
        public var lowWatermark: Int64

        public var description: String {
            "\(count) record\(count == 1 ? "" : "s") of \(topic)[\(partition)] evicted before \(reader == Self.restore ? "they could be restored (state lost)" : "consumer group \(reader) read them") (the partition now starts at offset \(lowWatermark))"
        }

        /// The reader named for topics read from their beginning.
        public static let restore = "restore"
    }

    private let config: KafkaConfig
    /// Topic → the consumer groups that read it.
    private let readers: [String: [String]]
    /// Topics read from their beginning to restore state.
    private let restored: Set<String>
    private let logger: Logger
    private let lock = NSLock()
    private var lows: [String: Int64] = [:]
    private var probe: KafkaConsumer?
    private var groups: [String: KafkaConsumer] = [:]
    private var running = false
    private let finished = DispatchSemaphore(value: 0)

    /// Watches `readers` (topic → groups reading it) and `restored` topics of the cluster at
    /// `config`.
    public init(config: KafkaConfig, readers: [String: [String]], restored: [String], logger: Logger) {
        self.config = config
        self.readers = readers
        self.restored = Set(restored)
        self.logger = logger
    }

    /// One pass over every partition: the evictions since the last pass. Blocks (Kafka
    /// requests); call it off the cooperative pool.
    public func check() throws(KafkaError) -> [Eviction] {
        let probe = try client(group: nil)
        var found: [Eviction] = []
        for topic in Set(readers.keys).union(restored).sorted() {
            guard let count = try? probe.partitionCount(of: topic, timeoutMs: 5_000), count > 0 else { continue }
            for partition in 0..<Int32(count) {
                guard let (low, _) = try? probe.watermarks(topic: topic, partition: partition, timeoutMs: 5_000) else {
                    continue
                }
                let key = "\(topic)/\(partition)"
                let previous = lock.withLock { lows[key] } ?? 0
                guard low > previous else { continue }
                lock.withLock { lows[key] = low }
                if restored.contains(topic) {
                    found.append(
                        Eviction(
                            topic: topic, partition: partition, reader: Eviction.restore, count: low - previous,
                            lowWatermark: low))
                }
                for group in readers[topic] ?? [] {
                    let consumer = try client(group: group)
                    let spot = [TopicPartitionOffset(topic: topic, partition: partition, offset: KafkaOffset.invalid)]
                    // A group that never committed has read nothing yet.
                    let committed =
                        (try? consumer.committedNow(spot, timeoutMs: 5_000).first?.offset).flatMap { $0 }
                        ?? KafkaOffset.invalid
                    let readUpTo = max(previous, committed)
                    if low > readUpTo {
                        found.append(
                            Eviction(
                                topic: topic, partition: partition, reader: group, count: low - readUpTo,
                                lowWatermark: low))
                    }
                }
            }
        }
        return found
    }

    /// Checks every `interval` on a thread of its own until `stop()`, handing each eviction
    /// to `report` (after logging it as an error).
    public func start(every interval: Duration = .seconds(1), report: @escaping @Sendable (Eviction) -> Void) {
        let begin = lock.withLock {
            defer { running = true }
            return !running
        }
        guard begin else { return }
        let thread = Thread { [self] in
            while isRunning {
                do {
                    for eviction in try check() {
                        logger.error(
                            "embedded broker: \(eviction); it keeps about 5 MiB per partition: consume faster or produce less at once"
                        )
                        report(eviction)
                    }
                } catch {
                    logger.debug("eviction check failed: \(error)")
                }
                var left = interval
                while left > .zero, isRunning {
                    Thread.sleep(forTimeInterval: 0.1)
                    left -= .milliseconds(100)
                }
            }
            closeClients()
            finished.signal()
        }
        thread.name = "attache.eviction-watcher"
        thread.start()
    }

    /// Stops the checks started by `start` and waits (up to 3 s) until its clients are
    /// closed, so that they are gone before the cluster they watch.
    public func stop() {
        let wasRunning = lock.withLock {
            defer { running = false }
            return running
        }
        if wasRunning { _ = finished.wait(timeout: .now() + .seconds(3)) }
    }

    private var isRunning: Bool { lock.withLock { running } }

    private func client(group: String?) throws(KafkaError) -> KafkaConsumer {
        if let existing = lock.withLock({ group.map { groups[$0] } ?? probe }) { return existing }
        // Never subscribes nor commits: it only asks for offsets.
        // Its own connection troubles are not evictions: only critical client logs.
        var quiet = logger
        quiet.logLevel = .critical
        let consumer = try KafkaConsumer(
            config: config, groupID: group ?? "attache-eviction-watcher", readCommitted: false, logger: quiet)
        lock.withLock {
            if let group { groups[group] = consumer } else { probe = consumer }
        }
        return consumer
    }

    private func closeClients() {
        let clients = lock.withLock {
            defer { groups = [:]; probe = nil }
            return Array(groups.values) + (probe.map { [$0] } ?? [])
        }
        for client in clients { client.close(timeoutMs: 1_000) }
    }
}
