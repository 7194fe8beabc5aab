import AttacheKafka
import AttacheModels
import AttacheRuntime
import AttacheTesting
import CRdKafka
import Enrichment
import Extraction
import Foundation
import Testing

/// The series ledger restore reads `attache.ledger` up to the high watermarks taken at
/// assignment, or the stage is not ready and restores again: never part of the state.
@Suite("Enrichment service: no partial restores")
struct RestoreTests {
    @Test(
        "a restore that cannot reach the end keeps the service not ready and retries; once it can, every entry is restored"
    )
    func noPartialRestore() async throws {
        let broker = try brokerWithTopics()
        let topics = Topics()
        let observations = try Seeds.articles().flatMap { Extractor(home: "KZ").extract($0).observations(article: $0) }
            .filter { !$0.key.isEmpty }
        let producer = try KafkaProducer(config: broker.config, logger: testLogger)
        defer { producer.close() }
        var written: [(TradeObservation, Int32)] = []
        for index in 0..<40 {
            var observation = observations[index % observations.count]
            observation.article = "ledger-\(index)"
            var entry = try OutgoingRecord.json(
                topic: topics.ledger, key: observation.ledgerKey, value: LedgerEntry(observation: observation),
                traceparent: nil)
            entry.partition = Int32(index % 4)
            _ = try await producer.send(entry)
            written.append((observation, Int32(index % 4)))
        }
        // Fetch (API key 1) fails for a long while: no restore can reach the high watermarks.
        broker.injectErrors(apiKey: 1, Array(repeating: RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, count: 100_000))
        let group = unique("partial")
        let running = try RunningService(broker: broker, group: group)
        // Longer than the restore's 10 s without entries: it gave up at least once by then.
        let deadline = ContinuousClock.now + .seconds(16)
        var everReady = false
        while ContinuousClock.now < deadline {
            everReady = everReady || running.health.isReady
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(!everReady, "ready with a ledger restore that could not read its topic")
        #expect(running.health.isAlive)
        #expect(running.metrics.value("attache_enrichment_stage_errors_total", labels: ["stage": "series"]) >= 1)
        let (status, body) = try await running.get("/readyz")
        #expect(status == 503 && body.contains("ledger restore"), "\(body)")

        broker.clearInjectedErrors(apiKey: 1)
        try await running.waitReady(timeout: .seconds(40))
        #expect(running.metrics.value("attache_enrichment_restored_entries") == Double(written.count))
        // Every restored observation, sent again, is recognised: the state is whole.
        for (observation, partition) in written {
            var record = try OutgoingRecord.json(
                topic: topics.observations, key: observation.key, value: observation, traceparent: nil)
            record.partition = partition
            _ = try await producer.send(record)
        }
        try await waitDrained(group: group, broker: broker)
        try await running.stop()
        #expect(running.metrics.value("attache_enrichment_observations_skipped_total") >= Double(written.count))
        #expect(
            try await readAll(topics.ledger, broker: broker).count == written.count,
            "restored observations were written again")
    }
}
