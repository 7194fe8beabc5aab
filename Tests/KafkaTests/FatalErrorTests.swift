import AttacheTesting
import CRdKafka
import Foundation
import Testing

@testable import AttacheKafka

/// A fatal error of any client reaches the process-wide observers (the service runtime
/// stops the process on it), and the client refuses further work with a fatal error.
@Suite("Fatal Kafka errors")
struct FatalErrorTests {
    @Test("a fatal producer error is reported to KafkaFatalErrors observers and fails later sends as fatal")
    func fatalReported() async throws {
        let broker = try EmbeddedBroker()
        let topic = unique("fatal")
        try broker.createTopic(topic, partitions: 1)
        let seen = SeenErrors()
        KafkaFatalErrors.observe { seen.add($0) }
        let producer = try KafkaProducer(config: broker.config)
        defer { producer.close(timeoutMs: 1_000) }
        _ = try await producer.send(OutgoingRecord(topic: topic, key: "k", value: Array("v".utf8)))
        // librdkafka's own test hook: raise a fatal error as a fenced idempotent producer would.
        _ = rd_kafka_test_fatal_error(producer.handle, RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER, "test: fatal")
        let deadline = ContinuousClock.now + .seconds(10)
        while seen.errors.isEmpty, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(seen.errors.contains { $0.kind == .fatal })
        do {
            _ = try await producer.send(OutgoingRecord(topic: topic, key: "k", value: Array("v".utf8)))
            Issue.record("a send after a fatal error succeeded")
        } catch let error as KafkaError {
            #expect(error.kind == .fatal, "\(error)")
        }
    }
}

final class SeenErrors: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [KafkaError] = []
    func add(_ error: KafkaError) { lock.withLock { list.append(error) } }
    var errors: [KafkaError] { lock.withLock { list } }
}
