import AttacheKafka
import AttacheModels
import AttacheRuntime
import AttacheTesting
import Enrichment
import Foundation
import Testing

/// The outputs of one uninterrupted run over the five seeds, shared by the tests that
/// compare against it (computed once per test process).
let uninterruptedSeedRun = Task { try await uninterruptedRun(try Seeds.articles()) }

/// The outputs of an uninterrupted run, on a broker of its own.
func uninterruptedRun(_ articles: [Article]) async throws -> [String: Set<String>] {
    let broker = try brokerWithTopics()
    try await publish(articles, to: broker)
    let group = unique("baseline")
    let running = try RunningService(broker: broker, group: group)
    try await running.waitReady()
    try await waitDrained(group: group, broker: broker)
    try await running.stop()
    return try await outputs(broker: broker)
}

/// Restarts, crashes, scale-out and rebalances add no new distinct (key, value) pairs and
/// lose none (at least once, idempotent by key, as against the embedded broker).
@Suite("Enrichment service: restarts, crashes, rebalances")
struct ResilienceTests {
    @Test("stopped mid-stream (graceful) and started again: the same distinct output as an uninterrupted run")
    func gracefulRestart() async throws {
        let articles = try Seeds.articles()
        async let expected = uninterruptedSeedRun.value
        let broker = try brokerWithTopics()
        let topics = Topics()
        let group = unique("enrichment")
        try await publish(Array(articles.prefix(3)), to: broker)
        let first = try RunningService(broker: broker, group: group)
        try await first.waitReady()
        #expect(try await waitForRecords(topics.enriched, count: 1, broker: broker))
        try await first.stop()
        try await publish(Array(articles.dropFirst(3)), to: broker)
        let second = try RunningService(broker: broker, group: group)
        try await second.waitReady()
        try await waitDrained(group: group, broker: broker)
        try await second.stop()
        #expect(second.metrics.value("attache_enrichment_records_in_total", labels: ["topic": topics.parsed]) >= 2)
        expectSameOutputs(try await outputs(broker: broker), try await expected)
    }

    /// Publishes the seeds to a service that crashes right after `stage`'s next delivery
    /// (before committing it), checks that it delivered to `topic` and committed nothing,
    /// and starts a second service on the same group.
    private func crashThenRestart(stage: String, producedTo topic: String) async throws
        -> (second: RunningService, broker: EmbeddedBroker, group: String)
    {
        let broker = try brokerWithTopics()
        let group = unique("enrichment")
        let first = try RunningService(broker: broker, group: group)
        first.service.simulateCrash(afterNextDeliveryOf: stage)
        try await first.waitReady()
        try await publish(try Seeds.articles(), to: broker)
        try await first.task.value
        #expect(first.metrics.value("attache_enrichment_records_out_total", labels: ["topic": topic]) >= 1)
        #expect(first.metrics.value("attache_enrichment_commits_total", labels: ["stage": stage]) == 0)
        let second = try RunningService(broker: broker, group: group)
        try await second.waitReady()
        return (second, broker, group)
    }

    @Test(
        "crashed after the article stage delivered a batch, before committing it: the same distinct output after restart"
    )
    func crashRestart() async throws {
        async let expected = uninterruptedSeedRun.value
        let topics = Topics()
        let (second, broker, group) = try await crashThenRestart(stage: "articles", producedTo: topics.enriched)
        try await waitDrained(group: group, broker: broker)
        try await second.stop()
        // What the crash left uncommitted was read and produced again.
        #expect(second.metrics.value("attache_enrichment_records_in_total", labels: ["topic": topics.parsed]) >= 1)
        expectSameOutputs(try await outputs(broker: broker), try await expected)
    }

    @Test("crashed after the series stage wrote ledger and deltas, before committing: restored, nothing counted twice")
    func crashAfterLedger() async throws {
        async let expected = uninterruptedSeedRun.value
        let (second, broker, group) = try await crashThenRestart(stage: "series", producedTo: Topics().ledger)
        // The ledger written before the crash was restored...
        #expect(second.metrics.value("attache_enrichment_restored_entries") >= 1)
        try await waitDrained(group: group, broker: broker)
        try await second.stop()
        // ...and the observations read again were recognised and skipped.
        #expect(second.metrics.value("attache_enrichment_observations_skipped_total") >= 1)
        expectSameOutputs(try await outputs(broker: broker), try await expected)
    }

    @Test("two instances in one group, joining and leaving mid-stream: the same distinct output as one")
    func twoInstances() async throws {
        let articles = try Seeds.articles()
        async let expected = uninterruptedSeedRun.value
        let broker = try brokerWithTopics()
        let topics = Topics()
        let group = unique("enrichment")
        let a = try RunningService(broker: broker, group: group, instance: "a")
        try await a.waitReady()
        try await publish(Array(articles.prefix(2)), to: broker)
        #expect(try await waitForRecords(topics.enriched, count: 1, broker: broker))
        // B joins: a rebalance between them mid-stream.
        let b = try RunningService(broker: broker, group: group, instance: "b")
        try await publish(Array(articles.dropFirst(2).prefix(2)), to: broker)
        try await b.waitReady()
        // A leaves: B takes everything over.
        try await a.stop()
        try await publish(Array(articles.dropFirst(4)), to: broker)
        try await waitDrained(group: group, broker: broker)
        try await b.stop()
        // Both instances did part of the work.
        #expect(a.metrics.value("attache_enrichment_records_in_total", labels: ["topic": topics.parsed]) >= 1)
        #expect(b.metrics.value("attache_enrichment_records_in_total", labels: ["topic": topics.parsed]) >= 1)
        expectSameOutputs(try await outputs(broker: broker), try await expected)
    }

    @Test("articles in reverse publication order give the same deltas")
    func reverseOrder() async throws {
        let articles = try Seeds.articles().sorted { $0.published < $1.published }
        async let forward = deltasArrivingInOrder(articles)
        let backward = try await deltasArrivingInOrder(articles.reversed())
        let expected = try await forward
        #expect(!expected.isEmpty)
        #expect(Set(backward.keys) == Set(expected.keys))
        for (key, delta) in expected {
            #expect(backward[key] == delta, "\(key): \(String(describing: backward[key])) vs \(delta)")
        }
    }

    /// Publishes the articles one at a time, each after the previous one went through both
    /// stages, and returns the final value of each delta.
    func deltasArrivingInOrder(_ articles: [Article]) async throws -> [String: TradeDelta] {
        let broker = try brokerWithTopics()
        let group = unique("enrichment")
        let running = try RunningService(broker: broker, group: group)
        try await running.waitReady()
        for article in articles {
            try await publish([article], to: broker)
            try await waitDrained(group: group, broker: broker)
        }
        try await running.stop()
        return try await finalDeltas(broker: broker)
    }
}
