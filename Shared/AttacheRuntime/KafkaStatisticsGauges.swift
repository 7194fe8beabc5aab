import AttacheKafka

/// librdkafka's statistics as gauges on a service's `/metrics` (every
/// `statistics.interval.ms`, default 5 s, see `ServiceOptions.statisticsIntervalMs`):
///
/// - `attache_kafka_consumer_lag{client,topic,partition}`: high watermark minus position,
/// - `attache_kafka_broker_rtt_seconds{client,broker}`: average request round trip,
/// - `attache_kafka_producer_queue_messages{client}`: messages waiting in the producer.
public enum KafkaStatisticsGauges {
    public static let consumerLag = "attache_kafka_consumer_lag"
    public static let brokerRoundTrip = "attache_kafka_broker_rtt_seconds"
    public static let producerQueue = "attache_kafka_producer_queue_messages"

    /// Declares the gauges.
    public static func describe(_ metrics: Metrics) {
        metrics.describe(
            consumerLag, type: "gauge", help: "Consumer lag per partition, from librdkafka's statistics.",
            labels: ["client", "topic", "partition"])
        metrics.describe(
            brokerRoundTrip, type: "gauge",
            help: "Average broker round-trip time in seconds, from librdkafka's statistics.",
            labels: ["client", "broker"])
        metrics.describe(
            producerQueue, type: "gauge", help: "Messages in the producer's queue, from librdkafka's statistics.",
            labels: ["client"])
    }

    /// Sets the gauges from one statistics document.
    public static func record(_ statistics: KafkaStatistics, into metrics: Metrics) {
        let client = statistics.client
        if statistics.type == "producer" {
            metrics.set(producerQueue, Double(statistics.queuedMessages), labels: ["client": client])
        }
        for (broker, seconds) in statistics.brokerRoundTrip {
            metrics.set(brokerRoundTrip, seconds, labels: ["client": client, "broker": broker])
        }
        for lag in statistics.lags {
            metrics.set(
                consumerLag, Double(lag.lag),
                labels: ["client": client, "topic": lag.topic, "partition": String(lag.partition)])
        }
    }

    /// A handler for `KafkaConfig.onStatistics` that records into `metrics`.
    public static func handler(_ metrics: Metrics) -> @Sendable (KafkaStatistics) -> Void {
        describe(metrics)
        return { record($0, into: metrics) }
    }
}
