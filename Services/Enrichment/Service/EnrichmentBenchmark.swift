import AttacheKafka
import AttacheModels
import AttacheRuntime
import Extraction
import Foundation
import Logging

/// Measurements of the enrichment service alone on a broker (for `attache bench`):
/// throughput from `articles.parsed` to `articles.enriched`, and the time to restore a
/// series ledger from `attache.ledger`.
public enum EnrichmentBenchmark {
    public struct Throughput: Sendable, CustomStringConvertible {
        public var articles: Int
        /// From the first batch consumed to the last enriched article delivered.
        public var seconds: Double
        public var articlesPerSecond: Double
        /// The article stage's transformation alone (decode, extract, encode), on one
        /// thread without Kafka, for comparison.
        public var transformPerSecond: Double
        /// Batches (one delivery and commit each) the article stage took.
        public var batches: Int
        public var description: String {
            String(
                format:
                    "enrichment: %d articles in %.2f s = %.0f articles/s (articles.parsed → articles.enriched, at least once, %d batches); the transformation alone: %.0f articles/s",
                articles, seconds, articlesPerSecond, batches, transformPerSecond)
        }
    }

    public struct Restore: Sendable, CustomStringConvertible {
        public var observations: Int
        /// Reading the changelog to its end (the service is ready after this).
        public var seconds: Double
        /// Then recomputing every series' deltas (done lazily by the service, per series).
        public var rebuildSeconds: Double
        public var deltas: Int
        public var description: String {
            String(
                format: "ledger restore: %d observations read in %.3f s; all %d deltas recomputed in a further %.3f s",
                observations, seconds, deltas, rebuildSeconds)
        }
    }

    /// Both measurements.
    public static func run(
        broker: EmbeddedBroker, articles: [Article], count: Int, restoreObservations: Int = 10_000,
        logger: Logger = Logger(label: "attache.bench.enrichment")
    )
        async throws -> (articlesPerSecond: Double, throughput: Throughput, restore: Restore)
    {
        let throughput = try await throughput(broker: broker, articles: articles, count: count, logger: logger)
        let restore = try await restore(broker: broker, observations: restoreObservations, logger: logger)
        return (throughput.articlesPerSecond, throughput, restore)
    }

    /// Publishes `count` articles (copies of `articles` under distinct ids) to a fresh
    /// `articles.parsed`, runs the service (at least once) and measures how fast
    /// `articles.enriched` fills.
    public static func throughput(
        broker: EmbeddedBroker, articles: [Article], count: Int,
        logger: Logger = Logger(label: "attache.bench.enrichment")
    ) async throws -> Throughput {
        precondition(!articles.isEmpty && count > 0, "the benchmark needs articles")
        let topics = Topics(prefix: "bench-\(UUID().uuidString.prefix(8)).")
        try broker.createTopics(topics.all.map { NewTopic(name: $0.name, partitions: $0.partitions) })
        let producer = try KafkaProducer(config: broker.config, logger: logger)
        defer { producer.close() }
        var batch: [OutgoingRecord] = []
        var batchSample: [OutgoingRecord] = []
        for index in 0..<count {
            var article = articles[index % articles.count]
            article.id = StableID.hash(article.id, "bench", String(index))
            batch.append(try .json(topic: topics.parsed, key: article.id, value: article, traceparent: nil))
            if batch.count == 1_000 || index == count - 1 {
                if batchSample.isEmpty { batchSample = batch }
                _ = try await producer.send(all: batch)
                batch.removeAll()
            }
        }

        // The transformation alone, for comparison.
        let extractor = Extractor(home: "KZ")
        let sample = Array(batchSample.prefix(200))
        let transformStarted = ContinuousClock.now
        for record in sample {
            let article = try AttacheJSON.decode(Article.self, from: record.value ?? [])
            _ = try ArticleLogic.records(for: article, extractor: extractor, topics: topics) { nil }
        }
        let transformSeconds = transformStarted.duration(to: .now).seconds

        let metrics = Metrics()
        var options = ServiceOptions(
            brokers: broker.bootstrapServers, topics: topics, httpPort: 0, httpHost: "127.0.0.1",
            groupID: "bench-\(UUID().uuidString.prefix(8))", instance: "bench")
        options.homeCountry = "KZ"
        var quiet = logger
        quiet.logLevel = .warning
        let service = try EnrichmentService(
            options: options, exactlyOnce: false, logger: quiet, metrics: metrics, health: Health())
        let shutdown = ShutdownDeadline()
        let running = Task { try await service.run(shutdown: shutdown) }
        var first: ContinuousClock.Instant?
        var last = ContinuousClock.now
        let deadline = ContinuousClock.now + .seconds(600)
        while ContinuousClock.now < deadline {
            if first == nil, metrics.value(EnrichmentMetrics.recordsInTotal, labels: ["topic": topics.parsed]) > 0 {
                first = .now
            }
            if metrics.value(EnrichmentMetrics.recordsOutTotal, labels: ["topic": topics.enriched]) >= Double(count) {
                last = .now
                break
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        shutdown.request()
        try await running.value
        let seconds = (first ?? last).duration(to: last).seconds
        return Throughput(
            articles: count, seconds: seconds, articlesPerSecond: seconds > 0 ? Double(count) / seconds : 0,
            transformPerSecond: transformSeconds > 0 ? Double(sample.count) / transformSeconds : 0,
            batches: Int(metrics.value(EnrichmentMetrics.commitsTotal, labels: ["stage": "articles"])))
    }

    /// Writes a ledger of `observations` entries (100 observations per series, one per
    /// year, spread over the partitions) and times its restore.
    public static func restore(
        broker: EmbeddedBroker, observations: Int = 10_000,
        logger: Logger = Logger(label: "attache.bench.enrichment")
    ) async throws -> Restore {
        let topics = Topics(prefix: "bench-\(UUID().uuidString.prefix(8)).")
        try broker.createTopics(topics.all.map { NewTopic(name: $0.name, partitions: $0.partitions) })
        let partitions = topics.all.first { $0.name == topics.ledger }?.partitions ?? 4
        let producer = try KafkaProducer(config: broker.config, logger: logger)
        defer { producer.close() }
        let metrics = [Metric.tradeTurnover, .exports, .imports, .fdiInflow, .investment]
        let partners = [
            "LU", "DE", "FR", "IT", "NL", "BE", "AT", "ES", "PL", "CZ", "EU", "CN", "US", "TR", "KR", "JP", "GB", "CH",
            "RU", "UZ",
        ]
        var batch: [OutgoingRecord] = []
        for index in 0..<observations {
            let seriesIndex = index / 100
            let series = Series(
                metric: metrics[seriesIndex % metrics.count], reporter: "KZ",
                partner: partners[(seriesIndex / metrics.count) % partners.count],
                currency: seriesIndex < metrics.count * partners.count ? "USD" : "EUR\(seriesIndex)")
            let year = 1900 + index % 100
            let text = "\(1_000 + index) million US dollars in \(year)"
            let figure = Figure(
                metric: series.metric, reporter: series.reporter, partner: series.partner, period: .year(year),
                amount: Double(1_000_000 * (1_000 + index)), currency: series.currency,
                span: TextSpan(start: 0, end: text.unicodeScalars.count), text: text)
            let observation = TradeObservation(
                article: StableID.hash("bench-article", String(index)),
                published: Day(year: 2025, month: 1, day: 1)!, figure: figure)
            let entry = LedgerEntry(observation: observation)
            var record = try OutgoingRecord.json(topic: topics.ledger, key: entry.key, value: entry, traceparent: nil)
            record.partition = Int32(seriesIndex % partitions)
            batch.append(record)
            if batch.count == 1_000 || index == observations - 1 {
                _ = try await producer.send(all: batch)
                batch.removeAll()
            }
        }
        var quiet = logger
        quiet.logLevel = .warning
        let restorer = LedgerRestorer(
            config: broker.config, topic: topics.ledger, groupID: "bench-restore-\(UUID().uuidString.prefix(8))",
            metrics: Metrics(), logger: quiet)
        var result = try await restorer.restore(partitions: (0..<Int32(partitions)).map { $0 })
        let rebuilt = result.materialize()
        return Restore(
            observations: result.entries, seconds: result.seconds, rebuildSeconds: rebuilt.seconds,
            deltas: rebuilt.deltas)
    }
}
