import AttacheKafka
import AttacheTesting
import CRdKafka
import Foundation
import Testing

@Suite("Transactions over the embedded broker")
struct TransactionTests {
    @Test("consume–transform–produce: commit, then abort and rewind to the committed offset")
    func commitAbortRewind() async throws {
        let broker = try EmbeddedBroker()
        let input = unique("in")
        let output = unique("out")
        try broker.createTopic(input, partitions: 1)
        try broker.createTopic(output, partitions: 1)
        let producer = try KafkaProducer(config: broker.config)
        defer { producer.close() }
        _ = try await producer.send(all: (0..<10).map { OutgoingRecord(topic: input, key: "k", value: [UInt8($0)]) })

        let consumer = try KafkaConsumer(config: broker.config, groupID: unique("g"))
        defer { consumer.close() }
        try consumer.subscribe([input])
        let txn = try TransactionalProducer(config: broker.config, transactionalID: unique("txn"))
        defer { txn.close() }
        try await txn.initTransactions()

        // A committed transaction: five outputs and the input offsets together.
        let first = try await consume(consumer, count: 5)
        #expect(first.map(\.offset) == [0, 1, 2, 3, 4])
        try txn.beginTransaction()
        for message in first {
            _ = try await txn.send(
                OutgoingRecord(topic: output, key: "k", value: message.value.map { $0.map { $0 &* 2 } }))
        }
        let next = [TopicPartitionOffset(topic: input, partition: 0, offset: 5)]
        try await txn.sendOffsets(next, of: consumer)
        try await txn.commitTransaction()
        // The embedded broker accepts but does not store transactional offset commits
        // (docs/architecture.md §6), so the position is also committed plainly here.
        try await consumer.commit(next)

        // An aborted transaction, then a rewind: the same records come again.
        let second = try await consume(consumer, count: 2)
        #expect(second.map(\.offset) == [5, 6])
        try txn.beginTransaction()
        _ = try await txn.send(OutgoingRecord(topic: output, key: "k", value: [99]))
        try await txn.abortTransaction()
        try await consumer.rewindToCommitted()
        let again = try await consume(consumer, count: 5)
        #expect(again.map(\.offset) == [5, 6, 7, 8, 9])

        // The producer is usable after the abort.
        try txn.beginTransaction()
        _ = try await txn.send(OutgoingRecord(topic: output, key: "k", value: [100]))
        try await txn.commitTransaction()
        let outputs = try await run(
            kcat, ["-C", "-b", broker.bootstrapServers, "-t", output, "-e", "-q", "-f", "%o\n"])
        #expect(String(decoding: outputs, as: UTF8.self).split(separator: "\n").count >= 6)
    }

    @Test("a retriable error on EndTxn is retried by librdkafka and the commit succeeds")
    func retriableCommit() async throws {
        let broker = try EmbeddedBroker()
        let output = unique("out")
        try broker.createTopic(output, partitions: 1)
        let txn = try TransactionalProducer(config: broker.config, transactionalID: unique("txn"))
        defer { txn.close() }
        try await txn.initTransactions()
        try txn.beginTransaction()
        _ = try await txn.send(OutgoingRecord(topic: output, key: "k", value: [1]))
        // EndTxn (API key 26) fails twice with a retriable coordinator error.
        broker.injectErrors(
            apiKey: 26, [RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_NOT_COORDINATOR])
        try await txn.commitTransaction()
        let read = try await run(kcat, ["-C", "-b", broker.bootstrapServers, "-t", output, "-e", "-q", "-f", "%o\n"])
        #expect(String(decoding: read, as: UTF8.self) == "0\n")
    }

    @Test("errors are classified as librdkafka classifies them")
    func classification() {
        #expect(KafkaError(RD_KAFKA_RESP_ERR__TRANSPORT, operation: "x").kind == .retriable)
        #expect(KafkaError(RD_KAFKA_RESP_ERR_PRODUCER_FENCED, operation: "x").kind == .fatal)
        #expect(KafkaError(RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED, operation: "x").kind == .permanent)
        let error = KafkaError(
            RD_KAFKA_RESP_ERR__MSG_TIMED_OUT, operation: "deliver record to t", hint: "check the brokers")
        #expect(error.name == "_MSG_TIMED_OUT")
        #expect(error.description.contains("deliver record to t failed"))
        #expect(error.description.contains("check the brokers"))
    }

    @Test("an abortable error inside a transaction is reported as abortable, and abort recovers")
    func abortable() async throws {
        let broker = try EmbeddedBroker()
        let output = unique("out")
        try broker.createTopic(output, partitions: 1)
        let txn = try TransactionalProducer(config: broker.config, transactionalID: unique("txn"))
        defer { txn.close() }
        try await txn.initTransactions()
        try txn.beginTransaction()
        // AddPartitionsToTxn (API key 24) fails with a non-retriable, abortable error.
        broker.injectErrors(apiKey: 24, [RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED])
        var failed: KafkaError?
        do {
            _ = try await txn.send(OutgoingRecord(topic: output, key: "k", value: [1]))
            try await txn.commitTransaction()
        } catch let error as KafkaError {
            failed = error
        }
        let error = try #require(failed)
        #expect(error.kind == .abortable, "\(error)")
        try await txn.abortTransaction()
        try txn.beginTransaction()
        _ = try await txn.send(OutgoingRecord(topic: output, key: "k", value: [2]))
        try await txn.commitTransaction()
    }
}
