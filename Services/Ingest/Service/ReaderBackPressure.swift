import AttacheKafka
import Foundation
import Logging

/// Back-pressure for `attache ingest` against the embedded broker, which keeps at most
/// 5 MiB per partition and silently drops the oldest records beyond that, read or not
/// (docs/architecture.md, "Kafka here and in production"). Before each window of records is
/// published, `waitForRoom` waits while any partition of the topic holds more unread bytes
/// than `limitBytes` less the window: unread meaning past the reader group's committed
/// offset (the enrichment service's group for `articles.parsed`). So ingesting any number of
/// articles loses none, as long as the reader keeps reading; while it does not, the wait
/// says so every `reportEvery`.
///
/// Unread bytes are estimated as unread records (high watermark minus the committed offset,
/// or minus the low watermark where the group has committed nothing) times the average size
/// of the records this process published to the partition, including key, headers and
/// Kafka's per-record overhead.
public final class ReaderBackPressure: @unchecked Sendable {
    /// The topic watched (where the records are published).
    public let topic: String
    /// The consumer group that reads `topic`.
    public let group: String
    /// The most unread bytes allowed per partition: 4 MiB, four fifths of the embedded
    /// broker's 5 MiB, leaving room for batch overhead and for other writers.
    public let limitBytes: Int
    /// How often a wait is reported.
    public let reportEvery: Duration
    private let consumer: KafkaConsumer
    private let logger: Logger
    private let lock = NSLock()
    /// Bytes and records this process published, per partition.
    private var published: [Int32: (bytes: Int, records: Int)] = [:]
    private var _waited: Duration = .zero

    /// Kafka's overhead per record beyond key, value and headers (record framing, varints,
    /// a share of the batch header), rounded up.
    static let recordOverhead = 96

    /// A gate for `topic` read by `group`, asking the cluster at `config` (without joining
    /// the group).
    public init(
        config: KafkaConfig, topic: String, group: String, limitBytes: Int = 4 << 20,
        reportEvery: Duration = .seconds(10), logger: Logger
    ) throws {
        self.topic = topic
        self.group = group
        self.limitBytes = limitBytes
        self.reportEvery = reportEvery
        self.logger = logger
        var quiet = logger
        quiet.logLevel = .error
        consumer = try KafkaConsumer(config: config, groupID: group, logger: quiet)
    }

    /// Time spent waiting for the reader so far.
    public var waited: Duration { lock.withLock { _waited } }

    /// Notes a record of `recordBytes` bytes (key, value, headers) published to `partition`
    /// of `topic` (records of other topics are ignored).
    public func published(topic: String, partition: Int32, recordBytes: Int) {
        guard topic == self.topic else { return }
        lock.withLock {
            var entry = published[partition] ?? (0, 0)
            entry.bytes += recordBytes + ReaderBackPressure.recordOverhead
            entry.records += 1
            published[partition] = entry
        }
    }

    /// The average size of the records published so far (all partitions), 0 before any.
    public var averageRecordBytes: Int {
        lock.withLock {
            let (bytes, records) = published.values.reduce((0, 0)) { ($0.0 + $1.bytes, $0.1 + $1.records) }
            return records > 0 ? bytes / records : 0
        }
    }

    /// The estimated unread bytes of each partition of the topic.
    public func unreadBytes() async throws -> [Int32: Int] {
        let count = try await consumer.partitions(of: topic)
        guard count > 0 else { return [:] }
        let partitions = (0..<Int32(count)).map {
            TopicPartitionOffset(topic: topic, partition: $0, offset: KafkaOffset.invalid)
        }
        let committed = try await consumer.committed(partitions)
        let averages = lock.withLock { published.mapValues { $0.records > 0 ? $0.bytes / $0.records : 0 } }
        let overall = averageRecordBytes
        var unread: [Int32: Int] = [:]
        for entry in committed {
            let (low, high) = try await consumer.offsets(topic: topic, partition: entry.partition)
            let records = max(0, high - max(entry.offset, low))
            unread[entry.partition] = Int(records) * (averages[entry.partition] ?? overall)
        }
        return unread
    }

    /// Returns once every partition has room for `upcomingBytes` more unread bytes (at most
    /// half the limit is asked for, so that a window of large records cannot wait forever).
    public func waitForRoom(upcomingBytes: Int) async throws {
        let upcomingBytes = min(upcomingBytes, limitBytes / 2)
        let started = ContinuousClock.now
        var lastReport = started
        var pause = Duration.milliseconds(50)
        while true {
            let unread = try await unreadBytes()
            let full = unread.filter { $0.value + upcomingBytes > limitBytes }.sorted { $0.key < $1.key }
            if full.isEmpty { break }
            let now = ContinuousClock.now
            if now - lastReport >= reportEvery {
                lastReport = now
                let backlog = full.map {
                    "\(topic)[\($0.key)] \(String(format: "%.1f", Double($0.value) / 1_048_576)) MiB"
                }
                .joined(separator: ", ")
                let mib = { (bytes: Int) in String(format: "%.1f MiB", Double(bytes) / 1_048_576) }
                logger.warning(
                    "waiting for consumer group \(group) to read \(backlog) unread; the next \(mib(upcomingBytes)) would pass the \(mib(limitBytes)) allowed per partition, and the embedded broker drops unread records beyond 5 MiB (is `attache serve enrichment` running?)"
                )
            }
            try await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(500))
        }
        let waited = ContinuousClock.now - started
        lock.withLock { _waited += waited }
    }

    /// Closes the client.
    public func close() async {
        await consumer.shutdown()
    }
}
