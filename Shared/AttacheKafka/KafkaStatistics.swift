import Foundation

/// What librdkafka's statistics (`statistics.interval.ms`, a JSON document per interval)
/// say about a client, reduced to what a service shows as gauges: consumer lag per
/// partition, round-trip time per broker, and the producer's queue.
///
/// The document's fields are described in librdkafka's STATISTICS.md; this type reads
/// `name`, `type`, `msg_cnt`, `brokers.*.rtt.avg` (microseconds) and
/// `topics.*.partitions.*.consumer_lag` (-1 where unknown, skipped).
public struct KafkaStatistics: Sendable, Equatable {
    /// One partition's lag: high watermark minus the consumer's position.
    public struct PartitionLag: Sendable, Equatable {
        public var topic: String
        public var partition: Int32
        public var lag: Int64

        public init(topic: String, partition: Int32, lag: Int64) {
            self.topic = topic
            self.partition = partition
            self.lag = lag
        }
    }

    /// The client's name (`client.id` and a number, e.g. `attache-g#consumer-1`).
    public var client: String
    /// `producer` or `consumer`.
    public var type: String
    /// Messages in the producer's queue, waiting to be sent or acknowledged.
    public var queuedMessages: Int64
    /// Average round-trip time per broker, in seconds (brokers without a sample are left out).
    public var brokerRoundTrip: [String: Double]
    /// Lag of each assigned partition whose lag is known.
    public var lags: [PartitionLag]

    public init(
        client: String, type: String, queuedMessages: Int64, brokerRoundTrip: [String: Double], lags: [PartitionLag]
    ) {
        self.client = client
        self.type = type
        self.queuedMessages = queuedMessages
        self.brokerRoundTrip = brokerRoundTrip
        self.lags = lags
    }

    /// Reads a statistics document; nil when it is not one.
    public static func parse(_ json: [UInt8]) -> KafkaStatistics? {
        guard let root = (try? JSONSerialization.jsonObject(with: Data(json))) as? [String: Any] else { return nil }
        var statistics = KafkaStatistics(
            client: root["name"] as? String ?? "", type: root["type"] as? String ?? "",
            queuedMessages: (root["msg_cnt"] as? NSNumber)?.int64Value ?? 0, brokerRoundTrip: [:], lags: [])
        for (name, value) in root["brokers"] as? [String: Any] ?? [:] {
            // The bootstrap entries ("…/bootstrap") and the internal one carry no samples.
            guard let broker = value as? [String: Any], let rtt = broker["rtt"] as? [String: Any],
                let average = (rtt["avg"] as? NSNumber)?.doubleValue, (rtt["cnt"] as? NSNumber)?.intValue ?? 0 > 0
            else { continue }
            statistics.brokerRoundTrip[name] = average / 1_000_000
        }
        for (topic, value) in root["topics"] as? [String: Any] ?? [:] {
            let partitions = (value as? [String: Any])?["partitions"] as? [String: Any] ?? [:]
            for (key, entry) in partitions {
                guard let partition = Int32(key), partition >= 0, let entry = entry as? [String: Any],
                    let lag = (entry["consumer_lag"] as? NSNumber)?.int64Value, lag >= 0
                else { continue }
                statistics.lags.append(PartitionLag(topic: topic, partition: partition, lag: lag))
            }
        }
        statistics.lags.sort { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
        return statistics
    }
}

/// Where a client's statistics go (`KafkaConfig.statistics`): librdkafka emits a document
/// every `intervalMs` (`statistics.interval.ms`, unless the properties set it), from the
/// thread that polls the client; `handler` gets it parsed. Compared by identity.
public final class KafkaStatisticsReceiver: Sendable, Hashable {
    public let intervalMs: Int
    let handler: @Sendable (KafkaStatistics) -> Void

    public init(intervalMs: Int = 5_000, handler: @escaping @Sendable (KafkaStatistics) -> Void) {
        self.intervalMs = intervalMs
        self.handler = handler
    }

    func receive(_ json: [UInt8]) {
        if let statistics = KafkaStatistics.parse(json) { handler(statistics) }
    }

    public static func == (lhs: KafkaStatisticsReceiver, rhs: KafkaStatisticsReceiver) -> Bool { lhs === rhs }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}
