import AttacheKafka
import AttacheRuntime
import AttacheTesting
import Testing

/// The metrics registry behind every service's `/metrics` (swift-prometheus).
@Suite("Metrics")
struct MetricsTests {
    @Test("metrics without labels appear at 0 from the start; labelled ones once used")
    func zeroValues() {
        let metrics = Metrics()
        metrics.describe("attache_test_commits_total", type: "counter", help: "Commits.", labels: [])
        metrics.describe("attache_test_seconds", type: "histogram", help: "Durations.", labels: [])
        metrics.describe("attache_test_records_total", type: "counter", help: "Records, by topic.", labels: ["topic"])
        let text = metrics.render()
        #expect(text.contains("# HELP attache_test_commits_total Commits."))
        #expect(text.contains("attache_test_commits_total 0"))
        #expect(text.contains("attache_test_seconds_count 0"))
        #expect(!text.contains("attache_test_records_total{"))
        metrics.increment("attache_test_records_total", by: 2, labels: ["topic": "a"])
        #expect(metrics.render().contains(#"attache_test_records_total{topic="a"} 2"#))
        #expect(metrics.value("attache_test_records_total", labels: ["topic": "a"]) == 2)
        #expect(metrics.total("attache_test_records_total") == 2)
    }

    @Test("a call that does not fit its metric (another type, labels on an unlabelled one) is dropped, never a crash")
    func mismatches() {
        let metrics = Metrics()
        metrics.describe("attache_test_ready", type: "gauge", help: "Ready.", labels: [])
        metrics.observe("attache_test_ready", 1)
        metrics.set("attache_test_ready", 1, labels: ["stage": "x"])
        metrics.set("attache_test_ready", 1)
        #expect(metrics.value("attache_test_ready") == 1)
        #expect(metrics.render().contains("attache_test_ready 1"))
    }

    @Test("librdkafka statistics become gauges")
    func statisticsGauges() throws {
        let metrics = Metrics()
        let statistics = KafkaStatistics(
            client: "c#producer-1", type: "producer", queuedMessages: 3,
            brokerRoundTrip: ["b/1": 0.002],
            lags: [KafkaStatistics.PartitionLag(topic: "t", partition: 1, lag: 5)])
        KafkaStatisticsGauges.handler(metrics)(statistics)
        #expect(metrics.value(KafkaStatisticsGauges.producerQueue, labels: ["client": "c#producer-1"]) == 3)
        #expect(
            metrics.value(KafkaStatisticsGauges.brokerRoundTrip, labels: ["client": "c#producer-1", "broker": "b/1"])
                == 0.002)
        #expect(
            metrics.value(
                KafkaStatisticsGauges.consumerLag, labels: ["client": "c#producer-1", "topic": "t", "partition": "1"])
                == 5)
    }
}
