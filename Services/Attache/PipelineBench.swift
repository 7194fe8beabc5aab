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

/// `attache bench pipeline`: the pipeline `articles.raw` → `articles.parsed` →
/// `articles.enriched` against the raw Kafka ceiling, on the embedded broker.
///
/// 1. The ceiling: the same payloads produced and consumed once through the project's Kafka
///    layer (`KafkaProducer`, `KafkaConsumer`), and once with librdkafka's C API directly, so
///    the Swift layer's own cost shows.
/// 2. The pipeline: ingest and enrichment running in this process; the payloads produced with
///    keys to `articles.raw` (as fast as possible, or at `--rate` articles/s); done when every
///    article is on `articles.enriched`. Latency per article is from the raw record's
///    timestamp to the enriched record's (both set by their producers), and per hop: raw →
///    parsed (ingest), parsed → enriched (the article stage).
struct PipelineBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Pipeline throughput and end-to-end latency against the raw Kafka ceiling, on the embedded broker."
    )

    @Option(help: "Generated articles (the samples with other dates, amounts and partners).")
    var articles = 2_000

    @Option(help: "Offered load in articles/s (default: produce as fast as possible).")
    var rate: Double?

    @Option(help: "Seconds to wait for the pipeline before giving up.")
    var timeout = 300

    @Option(help: "Rounds of each one-hop measurement; the median round is reported.")
    var hopRounds = 5

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    @OptionGroup var inputs: BenchInputs

    func run() async throws {
        LogSetup.bootstrap(defaultLevel: .warning)
        let payloads = BenchArticles.generate(from: try inputs.raw(), count: articles)
        let bytes = payloads.reduce(0) { $0 + $1.count }
        let partitions = 4
        if bytes / partitions > 4 << 20 {
            Console.err(
                "bench: \(bytes / partitions) bytes per partition is near the embedded broker's 5 MiB limit; lower --articles"
            )
        }
        let broker = try EmbeddedCluster.start(partitions: partitions, writeBootstrap: false)

        // One hop of 2,000 articles takes about 0.1 s, so a single stall (a fetch that waits,
        // a compiler on the other core) swung the shares between 80 % and 1,300 %: each hop
        // runs `hopRounds` times, alternating, and the median round counts.
        var swiftHops: [HopResult] = []
        var directHops: [HopResult] = []
        for round in 0..<max(1, hopRounds) {
            swiftHops.append(
                try await CeilingHop.throughKafkaLayer(
                    broker: broker, topic: "bench.hop.swift.\(round)",
                    partitions: partitions, payloads: payloads))
            directHops.append(
                try await CeilingHop.throughLibrdkafka(
                    broker: broker, topic: "bench.hop.c.\(round)",
                    partitions: partitions, payloads: payloads))
        }
        let swiftHop = HopResult.median(swiftHops)
        let directHop = HopResult.median(directHops)
        let pipeline = try await PipelineRun(broker: broker, payloads: payloads, rate: rate, timeout: .seconds(timeout))
            .run()

        let report = PipelineReport(
            articles: articles, bytes: bytes, rate: rate, kafkaLayer: swiftHop, librdkafka: directHop,
            pipeline: pipeline)
        Console.out(json ? report.json : report.table)
    }
}

/// One measured hop: produce every payload, then consume them all.
struct HopResult: Codable {
    /// Seconds from the first produce to the last delivery report (after a warm-up record
    /// per partition).
    var produceSeconds: Double
    /// Seconds from the first record read to the last (connection and offset lookup are
    /// start-up, not throughput).
    var consumeSeconds: Double
    /// Articles per second over the whole hop (produce + consume).
    var articlesPerSecond: Double
    var megabytesPerSecond: Double

    /// The round with the median rate.
    static func median(_ rounds: [HopResult]) -> HopResult {
        let sorted = rounds.sorted { $0.articlesPerSecond < $1.articlesPerSecond }
        return sorted[sorted.count / 2]
    }

    init(count: Int, bytes: Int, produce: Double, consume: Double) {
        produceSeconds = produce
        consumeSeconds = consume
        articlesPerSecond = Double(count) / (produce + consume)
        megabytesPerSecond = Double(bytes) / 1e6 / (produce + consume)
    }
}

/// The raw Kafka ceiling, measured twice.
enum CeilingHop {
    /// Through `KafkaProducer` (fire-and-forget, then flush) and `KafkaConsumer`.
    static func throughKafkaLayer(broker: EmbeddedBroker, topic: String, partitions: Int, payloads: [[UInt8]])
        async throws -> HopResult
    {
        try broker.createTopic(topic, partitions: partitions)
        let clock = ContinuousClock()
        let producer = try KafkaProducer(config: broker.config)
        // Warm-up, not measured: one record per partition (connections, producer id, metadata).
        _ = try await producer.send(
            all: (0..<partitions).map { OutgoingRecord(topic: topic, partition: Int32($0), key: nil, value: []) })
        let t0 = clock.now
        for (n, payload) in payloads.enumerated() {
            try await producer.postWaitingWhileFull(OutgoingRecord(topic: topic, key: "a\(n)", value: payload))
        }
        try await producer.flush()
        let produced = (clock.now - t0).seconds
        await producer.shutdown()

        let consumer = try KafkaConsumer(
            config: broker.config, groupID: "bench-hop-swift-\(topic)", readCommitted: false)
        try consumer.assign(
            (0..<partitions).map {
                TopicPartitionOffset(topic: topic, partition: Int32($0), offset: KafkaOffset.beginning)
            })
        let expected = payloads.count + partitions
        let t1 = clock.now
        var first: ContinuousClock.Instant?
        var read = 0
        while read < expected {
            let batch = try await consumer.poll(max: 1_000, timeoutMs: 100)
            if first == nil, !batch.isEmpty { first = clock.now }
            read += batch.count
            if clock.now - t1 > .seconds(120) {
                throw ValidationError("the Kafka layer read \(read) of \(expected) records in 120 s")
            }
        }
        let consumed = (clock.now - (first ?? t1)).seconds
        await consumer.shutdown()
        return HopResult(
            count: payloads.count, bytes: payloads.reduce(0) { $0 + $1.count }, produce: produced, consume: consumed)
    }

    /// Through librdkafka's C API with the same producer settings, on a thread of its own.
    static func throughLibrdkafka(broker: EmbeddedBroker, topic: String, partitions: Int, payloads: [[UInt8]])
        async throws -> HopResult
    {
        try broker.createTopic(topic, partitions: partitions)
        let servers = broker.bootstrapServers
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(
                    with: Result {
                        try DirectClient.hop(servers: servers, topic: topic, partitions: partitions, payloads: payloads)
                    })
            }
        }
    }
}

/// librdkafka used directly, for the ceiling.
private enum DirectClient {
    struct Failure: Error, CustomStringConvertible { var description: String }

    static func configuration(_ settings: [(String, String)]) throws -> OpaquePointer {
        let conf = rd_kafka_conf_new()!
        var errstr = [CChar](repeating: 0, count: 512)
        for (name, value) in settings
        where rd_kafka_conf_set(conf, name, value, &errstr, errstr.count) != RD_KAFKA_CONF_OK {
            rd_kafka_conf_destroy(conf)
            throw Failure(description: "librdkafka: \(name): \(String(cString: errstr))")
        }
        return conf
    }

    static func hop(servers: String, topic: String, partitions: Int, payloads: [[UInt8]]) throws -> HopResult {
        var errstr = [CChar](repeating: 0, count: 512)
        let producerConf = try configuration(
            KafkaProducer.benchDefaults + [("bootstrap.servers", servers), ("log_level", "3")])
        guard let producer = rd_kafka_new(RD_KAFKA_PRODUCER, producerConf, &errstr, errstr.count) else {
            throw Failure(description: "librdkafka producer: \(String(cString: errstr))")
        }
        let clock = ContinuousClock()
        // Warm-up, not measured: one record per partition (connections, producer id, metadata).
        for p in 0..<partitions {
            _ = attache_produce(producer, topic, Int32(p), nil, 0, nil, 0, nil, nil)
        }
        rd_kafka_flush(producer, 60_000)
        let t0 = clock.now
        for (n, payload) in payloads.enumerated() {
            let key = Array("a\(n)".utf8)
            while true {
                let err = payload.withUnsafeBytes { value in
                    key.withUnsafeBytes { k in
                        attache_produce(
                            producer, topic, RD_KAFKA_PARTITION_UA, k.baseAddress, k.count, value.baseAddress,
                            value.count, nil, nil)
                    }
                }
                if err == RD_KAFKA_RESP_ERR__QUEUE_FULL { rd_kafka_poll(producer, 1); continue }
                guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                    throw Failure(description: String(cString: rd_kafka_err2str(err)))
                }
                rd_kafka_poll(producer, 0)
                break
            }
        }
        rd_kafka_flush(producer, 60_000)
        let produced = (clock.now - t0).seconds
        rd_kafka_destroy(producer)

        let consumerConf = try configuration([
            ("bootstrap.servers", servers), ("group.id", "bench-hop-c-\(topic)"), ("log_level", "3"),
            ("enable.auto.commit", "false"), ("enable.partition.eof", "false"),
        ])
        guard let consumer = rd_kafka_new(RD_KAFKA_CONSUMER, consumerConf, &errstr, errstr.count) else {
            throw Failure(description: "librdkafka consumer: \(String(cString: errstr))")
        }
        rd_kafka_poll_set_consumer(consumer)
        let list = rd_kafka_topic_partition_list_new(Int32(partitions))!
        for p in 0..<partitions {
            rd_kafka_topic_partition_list_add(list, topic, Int32(p)).pointee.offset = Int64(RD_KAFKA_OFFSET_BEGINNING)
        }
        rd_kafka_assign(consumer, list)
        rd_kafka_topic_partition_list_destroy(list)
        let expected = payloads.count + partitions
        let t1 = clock.now
        var first: ContinuousClock.Instant?
        var read = 0
        while read < expected {
            if let message = rd_kafka_consumer_poll(consumer, 100) {
                if message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                    if first == nil { first = clock.now }
                    read += 1
                }
                rd_kafka_message_destroy(message)
            }
            if clock.now - t1 > .seconds(120) {
                throw Failure(description: "librdkafka read \(read) of \(expected) records in 120 s")
            }
        }
        let consumed = (clock.now - (first ?? t1)).seconds
        rd_kafka_consumer_close(consumer)
        rd_kafka_destroy(consumer)
        return HopResult(
            count: payloads.count, bytes: payloads.reduce(0) { $0 + $1.count }, produce: produced, consume: consumed)
    }
}

extension KafkaProducer {
    /// The producer settings of the Kafka layer, for the direct client to match.
    static var benchDefaults: [(String, String)] {
        [("enable.idempotence", "true"), ("acks", "all"), ("partitioner", "murmur2_random"), ("linger.ms", "0")]
    }
}
