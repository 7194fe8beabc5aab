import ArgumentParser
import ArticleParsing
import AttacheKafka
import AttacheModels
import AttacheRuntime
import Enrichment
import Extraction
import Foundation
import Ingest
import Logging

/// `attache bench`: measurements of speed, printed as a table (benchmarks, not tests).
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Attache's speed on this machine.",
        discussion: "Build with -c release for figures worth quoting: swift build -c release --product attache.",
        subcommands: [
            SendLatencyBench.self, ParseBench.self, ExtractBench.self, EnrichBench.self, HTTPIngestBench.self,
            PipelineBench.self,
            CodecBench.self,
        ]
    )
}

/// Latency of awaited single sends on the embedded broker.
struct SendLatencyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Latency of awaited single sends (send, then wait for the delivery report) on the embedded broker."
    )

    @Option(help: "Number of sends measured.")
    var count = 1_000

    @Option(help: "Value size in bytes.")
    var size = 1_024

    @Option(help: "Sends before measuring (connection set-up, warm-up).")
    var warmup = 50

    @Option(help: "librdkafka linger.ms: how long the producer waits to batch (Attache's default is 0).")
    var lingerMs = 0

    func run() async throws {
        let broker = try EmbeddedBroker()
        try broker.createTopic("bench.send", partitions: 1)
        var config = broker.config
        config.properties["linger.ms"] = String(lingerMs)
        let producer = try KafkaProducer(config: config)
        defer { producer.close() }
        let value = [UInt8](repeating: 0x61, count: size)
        for i in 0..<warmup {
            _ = try await producer.send(OutgoingRecord(topic: "bench.send", key: "w\(i)", value: value))
        }
        var latencies: [Double] = []
        latencies.reserveCapacity(count)
        let clock = ContinuousClock()
        let started = clock.now
        for i in 0..<count {
            let t0 = clock.now
            _ = try await producer.send(OutgoingRecord(topic: "bench.send", key: "k\(i)", value: value))
            latencies.append((clock.now - t0).seconds)
        }
        let total = (clock.now - started).seconds
        let stats = LatencyStats(latencies)
        Console.out("awaited single sends on the embedded broker (idempotent, acks=all, linger.ms=\(lingerMs))")
        Console.out(
            String(
                format: "count %d, value %d B: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms, %.0f sends/s",
                count, size, stats.p50 * 1000, stats.p90 * 1000, stats.p99 * 1000, stats.max * 1000,
                Double(count) / total))
    }
}

/// Percentiles of a sample of durations in seconds.
struct LatencyStats {
    var p50: Double
    var p90: Double
    var p99: Double
    var max: Double

    init(_ sample: [Double]) {
        let sorted = sample.sorted()
        func at(_ q: Double) -> Double {
            sorted.isEmpty ? 0 : sorted[Swift.min(sorted.count - 1, Int((Double(sorted.count) * q).rounded(.up)) - 1)]
        }
        p50 = at(0.5)
        p90 = at(0.9)
        p99 = at(0.99)
        max = sorted.last ?? 0
    }
}

/// The sample articles a benchmark repeats.
struct BenchInputs: ParsableArguments {
    @Option(help: "Directory of sample articles.")
    var seeds = "seeds"

    /// The raw bytes of every article file.
    func raw() throws -> [[UInt8]] {
        let files = try ArticleFiles.expand([seeds])
        guard !files.isEmpty else { throw ValidationError("no articles in \(seeds)") }
        return try files.map(ArticleFiles.read)
    }

    /// The parsed articles.
    func articles() throws -> [Article] {
        let parser = ArticleParser()
        return try raw().compactMap {
            try? parser.parse(raw: $0, origin: "bench", receivedAt: Date(timeIntervalSince1970: 0)).get()
        }
    }
}

/// Parser throughput on one core.
struct ParseBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse", abstract: "Article parser throughput on one core (pure, no Kafka).")

    @Option(help: "Rounds over the sample articles.")
    var iterations = 2_000

    @OptionGroup var inputs: BenchInputs

    func run() throws {
        let raw = try inputs.raw()
        _ = ParserBenchmark.run(inputs: raw, iterations: 10)
        let result = ParserBenchmark.run(inputs: raw, iterations: iterations)
        Console.out(
            String(
                format: "parse: %d articles x %d rounds: %.0f articles/s, %.2f MB/s on one core",
                raw.count, iterations, result.articlesPerSecond, result.megabytesPerSecond))
    }
}

/// Extraction throughput on one core.
struct ExtractBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract", abstract: "Extraction throughput on one core (pure, no Kafka).")

    @Option(help: "Rounds over the sample articles.")
    var iterations = 1_000

    @OptionGroup var inputs: BenchInputs

    func run() throws {
        let articles = try inputs.articles()
        _ = ExtractionBenchmark.run(articles: articles, iterations: 10)
        let result = ExtractionBenchmark.run(articles: articles, iterations: iterations)
        Console.out(
            String(
                format: "extract: %d articles x %d rounds: %.0f articles/s, %.2f MB/s on one core",
                articles.count, iterations, result.articlesPerSecond, result.megabytesPerSecond))
    }
}

/// The enrichment service alone on the embedded broker.
struct EnrichBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enrich",
        abstract:
            "Enrichment service throughput (articles.parsed → articles.enriched) and ledger restore time, on the embedded broker."
    )

    @Option(help: "Articles published (copies of the samples under distinct ids).")
    var count = 5_000

    @Option(help: "Observations in the ledger restored.")
    var observations = 10_000

    @OptionGroup var inputs: BenchInputs

    func run() async throws {
        LogSetup.bootstrap()
        let broker = try EmbeddedBroker()
        let result = try await EnrichmentBenchmark.run(
            broker: broker, articles: try inputs.articles(), count: count,
            restoreObservations: observations)
        Console.out(result.throughput.description)
        Console.out(result.restore.description)
    }
}

/// HTTP ingest rate and latency over loopback, against the ingest service on the embedded broker.
struct HTTPIngestBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http",
        abstract: "POST /v1/articles rate and latency (202 after the delivery report) on loopback, embedded broker."
    )

    @Option(help: "Concurrent connections.")
    var connections = 8

    @Option(help: "Seconds of load.")
    var seconds = 10.0

    @OptionGroup var inputs: BenchInputs

    func run() async throws {
        LogSetup.bootstrap(defaultLevel: .warning)
        let broker = try EmbeddedCluster.start(writeBootstrap: false)
        let options = ServiceOptions(
            brokers: broker.bootstrapServers, httpPort: 0, httpHost: "127.0.0.1",
            groupID: "attache-bench-ingest", instance: "bench")
        let service = try IngestService(
            options: options, settings: IngestSettings(), logger: Logger(label: "attache.ingest"),
            metrics: Metrics(), health: Health())
        let shutdown = ShutdownDeadline()
        let port = PortBox()
        let running = Task { try await service.run(shutdown: shutdown, onHTTPStarted: { port.set($0) }) }
        let bound = await port.value()
        // Distinct articles, so every request publishes a new id.
        let base = try inputs.raw()
        let body: @Sendable (Int) -> [UInt8] = { n in
            base[n % base.count] + Array("\n\nUpdate \(n) of the trade figures.\n".utf8)
        }
        _ = await HTTPLoad.run(port: bound, contentType: "text/plain", connections: 1, seconds: 0.5, body: body)
        let report = await HTTPLoad.run(
            port: bound, contentType: "text/plain", connections: connections, seconds: seconds, body: body)
        shutdown.request()
        _ = await running.result
        Console.out("HTTP ingest, text/plain, \(connections) connections, \(seconds) s: \(report)")
    }
}

/// The port an HTTP server reports once it listens.
final class PortBox: @unchecked Sendable {
    private let lock = NSLock()
    private var port: Int?
    private var waiters: [CheckedContinuation<Int, Never>] = []

    func set(_ value: Int) {
        let toResume = lock.withLock {
            port = value
            defer { waiters.removeAll() }
            return waiters
        }
        toResume.forEach { $0.resume(returning: value) }
    }

    func value() async -> Int {
        await withCheckedContinuation { continuation in
            let known: Int? = lock.withLock {
                if let port { return port }
                waiters.append(continuation)
                return nil
            }
            if let known { continuation.resume(returning: known) }
        }
    }
}
