import ArgumentParser
import ArticleParsing
import AttacheKafka
import AttacheModels
import AttacheRuntime
import CRdKafka
import Enrichment
import Foundation
import Ingest
import Logging

/// One run of the pipeline `articles.raw` → ingest → `articles.parsed` → enrichment →
/// `articles.enriched`, with both services in this process on the embedded broker.
struct PipelineRun {
    let broker: EmbeddedBroker
    let payloads: [[UInt8]]
    /// Offered load in articles/s; nil produces as fast as the producer takes them.
    let rate: Double?
    let timeout: Duration

    /// What one run measured.
    struct Result: Codable {
        var seconds: Double
        var articlesPerSecond: Double
        var megabytesPerSecond: Double
        /// End-to-end latency per article, raw record timestamp → enriched record timestamp, ms.
        var latencyMs: Percentiles
        /// The first hop: raw record → parsed record (ingest), ms.
        var ingestLatencyMs: Percentiles?
        /// The second hop: parsed record → enriched record (the article stage), ms.
        var enrichmentLatencyMs: Percentiles?
        /// CPU time (user + system, every thread of the process: the services, the embedded
        /// broker and the bench's own clients) per article while the pipeline ran, ms. Unlike
        /// the rate, it hardly moves when other work shares the machine.
        var cpuMsPerArticle: Double?
    }

    struct Percentiles: Codable {
        var p50: Double
        var p99: Double
        var max: Double

        /// Of latencies in seconds, in ms.
        init(seconds sample: [Double]) {
            let stats = LatencyStats(sample)
            p50 = stats.p50 * 1_000
            p99 = stats.p99 * 1_000
            max = stats.max * 1_000
        }
    }

    func run() async throws -> Result {
        let topics = Topics()
        let stack = try LocalStack(broker: broker, ports: nil)
        let shutdown = ShutdownDeadline()
        let ingest = try IngestService(
            options: stack.options(for: "ingest"), settings: IngestSettings(),
            logger: Logger(label: "attache.ingest"), metrics: Metrics(), health: Health())
        let enrichment = try EnrichmentService(
            options: stack.options(for: "enrichment"), exactlyOnce: false,
            logger: Logger(label: "attache.enrichment"), metrics: Metrics(), health: Health())
        let services = [
            Task { try await ingest.run(shutdown: shutdown) }, Task { try await enrichment.run(shutdown: shutdown) },
        ]
        defer { shutdown.request() }

        let producer = try KafkaProducer(config: broker.config)
        let reader = try EnrichedReader(broker: broker, topic: topics.enriched)
        // Warm-up: one article through, so that group joins and connections are not measured.
        // A full one (figures, a stated change, an anniversary), so that every output topic
        // has been produced to and its metadata is known: a one-line article left the first
        // records of trade.observations and anniversaries waiting about a second for it,
        // which showed as a p99 of 1 s at 500 articles/s.
        let warmup = (payloads.first ?? []) + Array("\n\nWarm-up copy, not measured.".utf8)
        _ = try await producer.send(OutgoingRecord(topic: topics.raw, key: "warmup", value: warmup))
        try await reader.waitFor(count: 1, timeout: timeout)

        let clock = ContinuousClock()
        let start = clock.now
        let cpuAtStart = ProcessCPU.seconds()
        for (n, payload) in payloads.enumerated() {
            if let rate, rate > 0 {
                let due = start + .seconds(Double(n) / rate)
                if due > clock.now { try await Task.sleep(until: due, clock: clock) }
            }
            try await producer.postWaitingWhileFull(OutgoingRecord(topic: topics.raw, key: "a\(n)", value: payload))
        }
        try await producer.flush()
        try await reader.waitFor(count: payloads.count + 1, timeout: timeout)
        let elapsed = (clock.now - start).seconds
        let cpu = ProcessCPU.seconds() - cpuAtStart
        await producer.shutdown()
        shutdown.request()
        for service in services { _ = await service.result }

        // Latency per article: match each raw record to its enriched record by article id.
        let parser = ArticleParser()
        var rawTimestamps: [String: Int64] = [:]
        for record in try await TopicSnapshot.read(config: broker.config, topic: topics.raw).records {
            // The warm-up's latency is the group joins, not the pipeline: not counted.
            guard record.keyText != "warmup", let value = record.value, let ts = record.timestampMs,
                case .success(let article) = parser.parse(
                    raw: value, origin: "bench", receivedAt: Date(timeIntervalSince1970: 0))
            else { continue }
            rawTimestamps[article.id] = ts
        }
        await reader.stop()
        let enrichedTimestamps = reader.timestamps
        // Where the time goes: each hop from its input record's timestamp to its output's.
        var parsedTimestamps: [String: Int64] = [:]
        for record in try await TopicSnapshot.read(config: broker.config, topic: topics.parsed).records {
            if let key = record.keyText, let ts = record.timestampMs, parsedTimestamps[key] == nil {
                parsedTimestamps[key] = ts
            }
        }
        func hop(_ from: [String: Int64], _ to: [String: Int64]) -> Percentiles {
            Percentiles(
                seconds: from.compactMap { id, start in
                    rawTimestamps[id] == nil ? nil : to[id].map { Double($0 - start) / 1_000 }
                })
        }
        let bytes = payloads.reduce(0) { $0 + $1.count }
        return Result(
            seconds: elapsed, articlesPerSecond: Double(payloads.count) / elapsed,
            megabytesPerSecond: Double(bytes) / 1e6 / elapsed,
            latencyMs: hop(rawTimestamps, enrichedTimestamps),
            ingestLatencyMs: hop(rawTimestamps, parsedTimestamps),
            enrichmentLatencyMs: hop(parsedTimestamps, enrichedTimestamps),
            cpuMsPerArticle: cpu * 1_000 / Double(payloads.count))
    }

}

/// The CPU time this process has used.
enum ProcessCPU {
    /// User plus system seconds over all threads (`getrusage(RUSAGE_SELF)`).
    static func seconds() -> Double {
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}

extension KafkaProducer {
    /// Fire-and-forget, waiting while the producer's queue is full.
    func postWaitingWhileFull(_ record: OutgoingRecord) async throws {
        while true {
            do {
                try post(record)
                return
            } catch {
                guard error.code == RD_KAFKA_RESP_ERR__QUEUE_FULL.rawValue else { throw error }
            }
            try await Task.sleep(for: .milliseconds(1))
        }
    }
}

/// Reads `articles.enriched` from the beginning in the background, keeping the first
/// timestamp of each article id.
final class EnrichedReader: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [String: Int64] = [:]
    private let task: Task<Void, Never>

    init(broker: EmbeddedBroker, topic: String) throws {
        // With the embedded broker's client settings, as the services have them: with
        // librdkafka's default fetch wait (500 ms) the last records were seen up to half a
        // second late, and the measured rate came out at 2,000 or 4,000 articles/s by chance.
        var config = broker.config
        config.properties.merge(EmbeddedBroker.clientProperties) { _, embedded in embedded }
        let consumer = try KafkaConsumer(config: config, groupID: "bench-pipeline-reader", readCommitted: false)
        let partitions = try consumer.partitionCount(of: topic)
        try consumer.assign(
            (0..<partitions).map {
                TopicPartitionOffset(topic: topic, partition: Int32($0), offset: KafkaOffset.beginning)
            })
        let box = Box()
        task = Task {
            while !Task.isCancelled {
                guard let batch = try? await consumer.poll(max: 1_000, timeoutMs: 50) else { continue }
                box.reader?.add(batch)
            }
            await consumer.shutdown()
        }
        box.reader = self
    }

    deinit { task.cancel() }

    /// Stops reading and closes the consumer.
    func stop() async {
        task.cancel()
        await task.value
    }

    private final class Box: @unchecked Sendable { weak var reader: EnrichedReader? }

    private func add(_ batch: [KafkaMessage]) {
        lock.withLock {
            for message in batch {
                guard let key = message.keyText, seen[key] == nil else { continue }
                seen[key] = message.timestampMs ?? 0
            }
        }
    }

    var timestamps: [String: Int64] { lock.withLock { seen } }

    /// Waits until `count` distinct articles were read.
    func waitFor(count: Int, timeout: Duration) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while lock.withLock({ seen.count }) < count {
            if clock.now > deadline {
                throw ValidationError(
                    "the pipeline enriched \(lock.withLock { seen.count }) of \(count) articles in \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}

/// The benchmark's figures, as a table or one JSON object.
struct PipelineReport: Codable {
    var articles: Int
    var bytes: Int
    var rate: Double?
    var kafkaLayer: HopResult
    var librdkafka: HopResult
    var pipeline: PipelineRun.Result

    /// The Swift layer's one-hop rate as a share of librdkafka's.
    var kafkaLayerShare: Double { kafkaLayer.articlesPerSecond / librdkafka.articlesPerSecond }
    /// The pipeline's rate as a share of the one-hop ceiling (librdkafka direct).
    var pipelineShare: Double { pipeline.articlesPerSecond / librdkafka.articlesPerSecond }

    var json: String {
        struct Out: Codable {
            var report: PipelineReport
            var kafkaLayerShareOfLibrdkafka: Double
            var pipelineShareOfCeiling: Double
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let out = Out(report: self, kafkaLayerShareOfLibrdkafka: kafkaLayerShare, pipelineShareOfCeiling: pipelineShare)
        return String(decoding: (try? encoder.encode(out)) ?? Data(), as: UTF8.self)
    }

    var table: String {
        func row(_ name: String, _ perSecond: Double, _ mb: Double, _ extra: String) -> String {
            name.padding(toLength: 40, withPad: " ", startingAt: 0)
                + String(format: "%10.0f articles/s %8.2f MB/s  ", perSecond, mb) + extra
        }
        let offered = rate.map { String(format: "%.0f articles/s offered", $0) } ?? "as fast as possible"
        return
            ([
                "pipeline benchmark: \(articles) generated articles, \(bytes / articles) B on average, embedded broker, \(offered)",
                row(
                    "one hop, librdkafka direct", librdkafka.articlesPerSecond, librdkafka.megabytesPerSecond,
                    String(
                        format: "(produce %.2f s, consume %.2f s)", librdkafka.produceSeconds, librdkafka.consumeSeconds
                    )),
                row(
                    "one hop, Attache's Kafka layer", kafkaLayer.articlesPerSecond, kafkaLayer.megabytesPerSecond,
                    String(
                        format: "(produce %.2f s, consume %.2f s; %.0f %% of librdkafka direct)",
                        kafkaLayer.produceSeconds, kafkaLayer.consumeSeconds, kafkaLayerShare * 100)),
                row(
                    "pipeline raw → parsed → enriched", pipeline.articlesPerSecond, pipeline.megabytesPerSecond,
                    String(format: "(%.1f %% of the one-hop ceiling)", pipelineShare * 100)),
                String(
                    format: "end-to-end latency (raw record → enriched record): p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                    pipeline.latencyMs.p50, pipeline.latencyMs.p99, pipeline.latencyMs.max),
            ]
            + (pipeline.cpuMsPerArticle.map {
                [
                    String(
                        format:
                            "CPU while the pipeline ran: %.3f ms per article (all threads: services, broker, bench clients)",
                        $0)
                ]
            } ?? [])
            + [
                ("  raw → parsed (ingest)", pipeline.ingestLatencyMs),
                ("  parsed → enriched (article stage)", pipeline.enrichmentLatencyMs),
            ]
            .compactMap { name, hop in
                hop.map { name + String(format: ": p50 %.1f ms, p99 %.1f ms, max %.1f ms", $0.p50, $0.p99, $0.max) }
            }).joined(separator: "\n")
    }
}
