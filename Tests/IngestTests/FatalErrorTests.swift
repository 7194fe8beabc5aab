import AttacheModels
import AttacheRuntime
import AttacheTesting
import CRdKafka
import Foundation
import Testing

@testable import AttacheKafka
@testable import Ingest

/// Fatal means stop; a permanent error for one record rejects that record.
@Suite("Kafka errors while publishing")
struct FatalErrorTests {
    /// Raises a fatal error in the service's idempotent producer, as librdkafka would on a
    /// broken sequence (`rd_kafka_test_fatal_error`).
    static func breakProducer(_ service: RunningService) {
        let err = rd_kafka_test_fatal_error(
            service.service.producer.handle, RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER,
            "raised by FatalErrorTests")
        precondition(err == RD_KAFKA_RESP_ERR_NO_ERROR, "rd_kafka_test_fatal_error failed")
    }

    /// The committed offset of the service's group on articles.raw[partition] (-1001: none).
    static func committed(_ service: RunningService, partition: Int32) async throws -> Int64 {
        let checker = try KafkaConsumer(config: service.broker.config, groupID: service.options.groupID)
        let offset =
            try await checker.committed([
                TopicPartitionOffset(topic: "articles.raw", partition: partition, offset: KafkaOffset.invalid)
            ])
            .first?.offset ?? KafkaOffset.invalid
        await offCooperativePool { checker.close() }
        return offset
    }

    @Test("a fatal producer error on the HTTP path: 503, /healthz 503, and the service stops with the error")
    func fatalOnHTTP() async throws {
        let service = try await RunningService()
        try await service.waitReady()
        FatalErrorTests.breakProducer(service)
        let answer = await offCooperativePool {
            rawPost(port: service.port, contentType: "text/plain", body: Array(try! seed(0)))
        }
        #expect(answer?.status == 503)
        #expect(!service.health.isAlive)
        #expect(
            service.health.fatalReason?.contains("OUT_OF_ORDER_SEQUENCE_NUMBER") == true
                || service.health.fatalReason?.contains("fatal") == true,
            "\(service.health.fatalReason ?? "")")
        do {
            try await service.task.value
            Issue.record("the service kept running after a fatal error")
        } catch let error as KafkaError {
            #expect(error.kind == .fatal, "\(error)")
        }
    }

    @Test(
        "a fatal producer error on the articles.raw path: the service stops with the error, healthz 503, the record stays uncommitted"
    )
    func fatalOnRaw() async throws {
        let service = try await RunningService()
        try await service.waitReady()
        FatalErrorTests.breakProducer(service)
        try #require(
            await run(
                "/usr/bin/kcat",
                [
                    "-P", "-b", service.broker.bootstrapServers, "-t", "articles.raw", "-p", "2", "-D",
                    "\u{1}\u{2}\u{3}",
                ],
                input: try seed(1)
            ).status == 0)
        let stopped: Result<Void, any Error> = await Task {
            do { return .success(try await service.task.value) } catch { return .failure(error) }
        }.value
        guard case .failure(let error) = stopped else {
            Issue.record("the service kept running after a fatal error")
            return
        }
        #expect((error as? KafkaError)?.kind == .fatal, "\(error)")
        #expect(!service.health.isAlive)
        #expect(
            try await FatalErrorTests.committed(service, partition: 2) < 1,
            "the raw record must be read again after a restart")
    }

    @Test(
        "the broker refuses one output for good (MSG_SIZE_TOO_LARGE): that raw record becomes an undeliverable Rejection, is committed, and the next record is processed"
    )
    func permanentForOneRecord() async throws {
        // The record is on articles.raw before the service starts, and the error is injected
        // after, so that the refused produce request is the service's (the mock's error
        // injection is per API, not per client).
        let broker = try brokerWithTopics()
        try #require(
            await run(
                "/usr/bin/kcat",
                ["-P", "-b", broker.bootstrapServers, "-t", "articles.raw", "-p", "3", "-D", "\u{1}\u{2}\u{3}"],
                input: try seed(2)
            ).status == 0)
        broker.injectErrors(apiKey: 0, [RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE])
        let service = try await RunningService(broker: broker)
        let rejected = try await records(
            of: "articles.rejected", count: 1, broker: service.broker, timeout: .seconds(30))
        let message = try #require(rejected.first)
        let rejection = try AttacheJSON.decode(Rejection.self, from: message.value ?? [])
        #expect(rejection.reason == "undeliverable")
        #expect(rejection.origin == "kafka:articles.raw/3/0")
        #expect(rejection.detail.contains("MSG_SIZE_TOO_LARGE"), "\(rejection.detail)")
        #expect(service.metrics.value(IngestMetrics.undeliverable) == 1)

        try #require(
            await run(
                "/usr/bin/kcat",
                [
                    "-P", "-b", service.broker.bootstrapServers, "-t", "articles.raw", "-p", "3", "-D",
                    "\u{1}\u{2}\u{3}",
                ],
                input: try seed(3)
            ).status == 0)
        let parsed = try await records(of: "articles.parsed", count: 1, broker: service.broker, timeout: .seconds(30))
        #expect(parsed.count == 1)
        var committed: Int64 = -1
        let deadline = ContinuousClock.now + .seconds(15)
        while committed != 2, ContinuousClock.now < deadline {
            committed = try await FatalErrorTests.committed(service, partition: 3)
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(committed == 2)
        #expect(service.health.isAlive)
        try await service.stop()
    }

    @Test(
        "error classes: fatal and authorization errors stop the service, size and content errors reject the record, the rest is retried"
    )
    func classes() {
        let fatal = KafkaError(RD_KAFKA_RESP_ERR__FATAL, operation: "deliver")
        #expect(PublishFailure.classify(fatal) == .service(fatal))
        let auth = KafkaError(RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED, operation: "deliver")
        guard case .service = PublishFailure.classify(auth) else {
            Issue.record("authorization must stop the service"); return
        }
        guard
            case .record = PublishFailure.classify(
                KafkaError(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE, operation: "deliver"))
        else {
            Issue.record("a record too large is the record's fault"); return
        }
        guard case .record = PublishFailure.classify(KafkaError(RD_KAFKA_RESP_ERR_INVALID_RECORD, operation: "deliver"))
        else {
            Issue.record("an invalid record is the record's fault"); return
        }
        #expect(
            PublishFailure.classify(KafkaError(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT, operation: "deliver")) == .retriable)
        #expect(PublishFailure.classify(KafkaError(RD_KAFKA_RESP_ERR__TRANSPORT, operation: "deliver")) == .retriable)
        #expect(
            PublishFailure.classify(KafkaError(RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC, operation: "deliver")) == .retriable)
        #expect(PublishFailure.classify(CancellationError()) == .retriable)
    }
}
