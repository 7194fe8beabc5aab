import AttacheKafka
import AttacheModels
import AttacheTesting
import Enrichment
import Foundation
import Testing

/// The benchmark entry point runs end to end. Sizes are small by default; set
/// `ENRICHMENT_BENCH_ARTICLES` and `ENRICHMENT_BENCH_OBSERVATIONS` (e.g. 2000 and 10000)
/// for the figures. Nothing here asserts a time.
@Suite("Enrichment benchmark")
struct BenchmarkTests {
    @Test("throughput articles.parsed → articles.enriched, and a ledger restore")
    func benchmark() async throws {
        let environment = ProcessInfo.processInfo.environment
        let count = environment["ENRICHMENT_BENCH_ARTICLES"].flatMap(Int.init) ?? 100
        let observations = environment["ENRICHMENT_BENCH_OBSERVATIONS"].flatMap(Int.init) ?? 1_000
        let broker = try EmbeddedBroker()
        let result = try await EnrichmentBenchmark.run(
            broker: broker, articles: try Seeds.articles(), count: count,
            restoreObservations: observations, logger: testLogger)
        print(result.throughput)
        print(result.restore)
        #expect(result.throughput.articles == count)
        #expect(result.articlesPerSecond > 0)
        #expect(result.restore.observations == observations)
        #expect(result.restore.deltas > 0)
    }
}
