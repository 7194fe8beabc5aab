import AttacheKafka
import AttacheModels
import AttacheRuntime
import AttacheTesting
import CRdKafka
import Foundation
import Testing

@testable import Ingest

@Suite("articles.raw over the embedded broker, written by kcat")
struct RawTopicTests {
    @Test(
        "kcat's seed appears on articles.parsed, a malformed record on articles.rejected, and the raw offsets are committed after"
    )
    func kcatToParsedAndRejected() async throws {
        let service = try await RunningService()
        let bootstrap = service.broker.bootstrapServers
        let trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        // The whole file is one record: the delimiter never occurs in it.
        let seed = try seed(4)
        try #require(
            await run(
                "/usr/bin/kcat",
                [
                    "-P", "-b", bootstrap, "-t", "articles.raw", "-p", "0", "-D", "\u{1}\u{2}\u{3}",
                    "-H", "traceparent=\(trace)",
                ], input: seed
            ).status == 0)
        try #require(
            await run(
                "/usr/bin/kcat", ["-P", "-b", bootstrap, "-t", "articles.raw", "-p", "0", "-D", "\u{1}\u{2}\u{3}"],
                input: Data(" date 2023-02-30 Kazakhstan and Luxembourg.".utf8)
            ).status == 0)

        let parsed = try await records(of: "articles.parsed", count: 1, broker: service.broker, timeout: .seconds(20))
        let message = try #require(parsed.first)
        let article = try AttacheJSON.decode(Article.self, from: message.value ?? [])
        #expect(article.origin == "kafka:articles.raw/0/0")
        #expect(article.published.description == "2023-05-18")
        #expect(message.keyText == article.id)
        #expect(message.header("schema")?.text == "attache.article.v1")
        #expect(
            message.header("traceparent")?.text.flatMap(TraceContext.traceID(of:)) == "4bf92f3577b34da6a3ce929d0e0e4736"
        )

        let rejected = try await records(of: "articles.rejected", count: 1, broker: service.broker)
        let rejectionMessage = try #require(rejected.first)
        let rejection = try AttacheJSON.decode(Rejection.self, from: rejectionMessage.value ?? [])
        #expect(rejection.reason == "invalid_date")
        #expect(rejection.origin == "kafka:articles.raw/0/1")
        #expect(rejection.detail.contains("Line 1"))
        #expect(rejectionMessage.keyText == rejection.key)
        #expect(rejectionMessage.header("traceparent") != nil)

        // Both outputs are delivered; the group's committed offset of partition 0 is 2.
        let checker = try KafkaConsumer(config: service.broker.config, groupID: service.options.groupID)
        var committed: Int64 = -1
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            committed =
                try await checker.committed([
                    TopicPartitionOffset(topic: "articles.raw", partition: 0, offset: KafkaOffset.invalid)
                ])
                .first?.offset ?? -1
            if committed == 2 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        await offCooperativePool { checker.close() }
        #expect(committed == 2)
        #expect(
            service.metrics.value(IngestMetrics.articles, labels: ["channel": "kafka", "outcome": "rejected"]) == 1)
        try await service.stop()
    }

    @Test("while the output waits for its delivery report, the raw offset stays uncommitted")
    func noCommitBeforeDelivery() async throws {
        let broker = try brokerWithTopics()
        try #require(
            await run(
                "/usr/bin/kcat",
                ["-P", "-b", broker.bootstrapServers, "-t", "articles.raw", "-p", "1", "-D", "\u{1}\u{2}\u{3}"],
                input: try seed(1)
            ).status == 0)
        // The broker answers the next produce requests with a retriable error: the service's
        // output is delivered only after librdkafka's retries.
        broker.injectErrors(apiKey: 0, Array(repeating: RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS, count: 12))
        let service = try await RunningService(broker: broker)
        let checker = try KafkaConsumer(config: broker.config, groupID: service.options.groupID)
        func committed() async throws -> Int64 {
            try await checker.committed([
                TopicPartitionOffset(topic: "articles.raw", partition: 1, offset: KafkaOffset.invalid)
            ]).first?.offset ?? -1
        }
        let accepted = {
            service.metrics.value(IngestMetrics.articles, labels: ["channel": "kafka", "outcome": "accepted"])
        }
        var sawPending = false
        var final: Int64 = -1
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            // Committed first, then delivered: the delivery is counted before the commit.
            let offset = try await committed()
            let consumed = service.metrics.value(IngestMetrics.rawRecords) >= 1
            let delivered = accepted()
            if offset >= 0 {
                // A commit is only ever seen after the delivery.
                #expect(delivered == 1)
                final = offset
                break
            }
            if consumed && delivered == 0 && offset < 0 { sawPending = true }
            try await Task.sleep(for: .milliseconds(50))
        }
        await offCooperativePool { checker.close() }
        #expect(final == 1)
        #expect(sawPending, "the record was consumed and its output still undelivered at some point")
        try await service.stop()
    }

    @Test("only the delivered prefix of each partition is committed")
    func commitOffsets() {
        func message(_ partition: Int32, _ offset: Int64) -> KafkaMessage {
            KafkaMessage(
                topic: "articles.raw", partition: partition, offset: offset, key: nil, value: nil, headers: [],
                timestampMs: nil)
        }
        let batch = [message(0, 5), message(1, 9), message(0, 6), message(0, 7), message(2, 3), message(1, 10)]
        let delivered = [true, false, true, false, true, true]
        let offsets = RawConsumer.commitOffsets(batch, delivered: delivered)
        #expect(
            offsets == [
                TopicPartitionOffset(topic: "articles.raw", partition: 0, offset: 7),
                TopicPartitionOffset(topic: "articles.raw", partition: 2, offset: 4),
            ])
    }
}
