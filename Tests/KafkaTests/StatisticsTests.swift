import AttacheKafka
import AttacheTesting
import Foundation
import Testing

/// librdkafka's statistics, read into the values the services show as gauges.
@Suite("librdkafka statistics")
struct StatisticsTests {
    @Test("a statistics document gives lag per partition, round trip per broker and the producer queue")
    func parse() throws {
        let json = """
            {"name": "attache-g#consumer-1", "type": "consumer", "msg_cnt": 7,
             "brokers": {"127.0.0.1:9092/1": {"rtt": {"avg": 1500, "cnt": 3}},
                         "127.0.0.1:9092/bootstrap": {"rtt": {"avg": 0, "cnt": 0}}},
             "topics": {"articles.parsed": {"partitions": {"0": {"consumer_lag": 12}, "1": {"consumer_lag": -1},
                                                            "-1": {"consumer_lag": 0}}}}}
            """
        let statistics = try #require(KafkaStatistics.parse(Array(json.utf8)))
        #expect(statistics.client == "attache-g#consumer-1")
        #expect(statistics.type == "consumer")
        #expect(statistics.queuedMessages == 7)
        #expect(statistics.brokerRoundTrip == ["127.0.0.1:9092/1": 0.0015])
        #expect(statistics.lags == [KafkaStatistics.PartitionLag(topic: "articles.parsed", partition: 0, lag: 12)])
        #expect(KafkaStatistics.parse(Array("not json".utf8)) == nil)
    }

    @Test("a producer with a statistics receiver gets documents from the embedded broker")
    func fromBroker() async throws {
        let broker = try EmbeddedBroker()
        let topic = unique("stats")
        try broker.createTopic(topic, partitions: 1)
        let received = Received()
        var config = broker.config
        config.statistics = KafkaStatisticsReceiver(intervalMs: 100) { received.add($0) }
        let producer = try KafkaProducer(config: config)
        defer { producer.close() }
        _ = try await producer.send(OutgoingRecord(topic: topic, key: "k", value: Array("v".utf8)))
        let deadline = ContinuousClock.now + .seconds(30)
        while received.all.isEmpty, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        let first = try #require(received.all.first, "no statistics within 30 s")
        #expect(first.type == "producer")
        #expect(first.client.hasPrefix(config.clientID))
    }

    final class Received: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [KafkaStatistics] = []
        func add(_ statistics: KafkaStatistics) { lock.withLock { items.append(statistics) } }
        var all: [KafkaStatistics] { lock.withLock { items } }
    }
}
