import AttacheKafka
import AttacheModels
import AttacheRuntime
import AttacheTesting
import CRdKafka
import Enrichment
import Foundation
import Testing

/// Exactly-once mode against the embedded broker, with injected transaction errors. The mock
/// does not store transactional offset commits, so these tests never restart from them:
/// they check that the output arrives and that each error is handled as librdkafka
/// classifies it (retriable: retried; abortable: aborted and redone; fatal: the service
/// stops, `/healthz` fails).
@Suite("Enrichment service: transactions")
struct TransactionTests {
    /// Waits until every seed is enriched and the cross-article FDI delta is out.
    func waitForSeedOutput(_ broker: EmbeddedBroker, articles: [Article], running: RunningService) async throws -> Bool
    {
        let topics = Topics()
        let deadline = ContinuousClock.now + .seconds(25)
        while ContinuousClock.now < deadline, running.health.isAlive {
            let keys = Set(try await readAll(topics.enriched, broker: broker).compactMap(\.keyText))
            if keys == Set(articles.map(\.id)) {
                let deltas = try await finalDeltas(broker: broker)
                if deltas.values.contains(where: {
                    $0.series.id == "fdi_inflow:KZ:LU:USD" && $0.from.period.label == "2022" && $0.absolute != nil
                }) {
                    return true
                }
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        return false
    }

    @Test("exactly once: every batch commits in a transaction, and the seeds come out")
    func committed() async throws {
        let broker = try brokerWithTopics()
        let articles = try Seeds.articles()
        let running = try RunningService(broker: broker, group: unique("eos"), exactlyOnce: true)
        try await running.waitReady()
        try await publish(articles, to: broker)
        #expect(try await waitForSeedOutput(broker, articles: articles, running: running))
        try await running.stop()
        #expect(
            running.metrics.value(
                "attache_enrichment_transactions_total", labels: ["stage": "articles", "outcome": "committed"]) >= 1)
        #expect(
            running.metrics.value(
                "attache_enrichment_transactions_total", labels: ["stage": "series", "outcome": "committed"]) >= 1)
        #expect(running.health.isAlive)
    }

    @Test(
        "retriable coordinator errors on EndTxn are retried and the transaction commits",
        arguments: [RD_KAFKA_RESP_ERR_NOT_COORDINATOR, RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE])
    func retriable(_ code: rd_kafka_resp_err_t) async throws {
        let broker = try brokerWithTopics()
        let articles = try Seeds.articles()
        let running = try RunningService(broker: broker, group: unique("eos"), exactlyOnce: true)
        try await running.waitReady()
        broker.injectErrors(apiKey: 26, [code, code])
        try await publish(articles, to: broker)
        #expect(try await waitForSeedOutput(broker, articles: articles, running: running))
        try await running.stop()
        #expect(running.health.isAlive)
        #expect(
            running.metrics.value(
                "attache_enrichment_transactions_total", labels: ["stage": "articles", "outcome": "aborted"]) == 0)
    }

    @Test(
        "an abortable error (AddPartitionsToTxn / TxnOffsetCommit) aborts, rewinds and redoes the batch",
        arguments: [
            (Int16(24), RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED),
            (Int16(28), RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED),
        ])
    func abortable(_ apiKey: Int16, _ code: rd_kafka_resp_err_t) async throws {
        let broker = try brokerWithTopics()
        let articles = try Seeds.articles()
        let running = try RunningService(broker: broker, group: unique("eos"), exactlyOnce: true)
        try await running.waitReady()
        broker.injectErrors(apiKey: apiKey, [code])
        try await publish(articles, to: broker)
        #expect(try await waitForSeedOutput(broker, articles: articles, running: running))
        try await running.stop()
        #expect(running.health.isAlive)
        let aborted =
            running.metrics.value(
                "attache_enrichment_transactions_total", labels: ["stage": "articles", "outcome": "aborted"])
            + running.metrics.value(
                "attache_enrichment_transactions_total", labels: ["stage": "series", "outcome": "aborted"])
        #expect(aborted >= 1)
        // The redone batch gave the same records: no new distinct values (the mock does not
        // hide aborted records, so both attempts are visible).
        let enriched = try await readAll(Topics().enriched, broker: broker)
        #expect(Set(enriched.map { $0.value ?? [] }).count == articles.count)
    }

    @Test(
        "a fatal error (fenced producer) stops the service with a clear error and a failing /healthz",
        arguments: [
            (Int16(26), RD_KAFKA_RESP_ERR_PRODUCER_FENCED), (Int16(26), RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH),
        ])
    func fatal(_ apiKey: Int16, _ code: rd_kafka_resp_err_t) async throws {
        let broker = try brokerWithTopics()
        let articles = try Seeds.articles()
        let running = try RunningService(broker: broker, group: unique("eos"), exactlyOnce: true)
        try await running.waitReady()
        broker.injectErrors(apiKey: apiKey, [code])
        try await publish(articles, to: broker)
        await #expect(throws: (any Error).self) { try await running.task.value }
        #expect(!running.health.isAlive)
        #expect(running.health.fatalReason?.contains("stopped") == true, "\(running.health.fatalReason ?? "")")
        #expect(!running.health.isReady)
    }
}
