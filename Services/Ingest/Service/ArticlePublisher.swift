import AttacheKafka
import AttacheModels
import AttacheRuntime
import Foundation

/// Where a submission ended up: the body of the ingest API's answer,
/// `{id, duplicate, topic, partition, offset}`.
public struct Publication: Sendable, Hashable, Codable {
    /// The article id, or for a rejection the submission id (`Rejection.key`).
    public var id: String
    /// True when this process published the same article id recently (see `RecentIDs`).
    /// Always false for rejections.
    public var duplicate: Bool
    /// `articles.parsed` for an article, `articles.rejected` for a rejection.
    public var topic: String
    /// The partition of the record.
    public var partition: Int32
    /// The offset of the record in its partition.
    public var offset: Int64
    /// The Rejection published, when the submission was rejected (by the parser, or because
    /// the article's record would exceed the Kafka record size limit). Not encoded.
    public var rejection: Rejection?
    /// The bytes of the record's key, value and headers. Not encoded.
    public var recordBytes: Int

    /// A publication with these fields.
    public init(
        id: String, duplicate: Bool, topic: String, partition: Int32, offset: Int64, rejection: Rejection? = nil,
        recordBytes: Int = 0
    ) {
        self.id = id
        self.duplicate = duplicate
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.rejection = rejection
        self.recordBytes = recordBytes
    }

    enum CodingKeys: String, CodingKey {
        case id, duplicate, topic, partition, offset
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try container.decode(String.self, forKey: .id),
            duplicate: try container.decode(Bool.self, forKey: .duplicate),
            topic: try container.decode(String.self, forKey: .topic),
            partition: try container.decode(Int32.self, forKey: .partition),
            offset: try container.decode(Int64.self, forKey: .offset))
    }
}

/// How a submission arrived, the `channel` label of the ingest metrics.
public enum IngestChannel: String, Sendable, CaseIterable {
    case http
    case file
    case stdin
    case kafka
}

/// Turns parse results into Kafka records and publishes them with awaited delivery:
/// an `Article` to `articles.parsed` keyed by its id, a `Rejection` to `articles.rejected`
/// keyed by `Rejection.key`, each with the `content-type`, `schema` and `traceparent`
/// headers. Counts outcomes and publish latency in `metrics` when given.
public final class ArticlePublisher: Sendable {
    /// The idempotent producer (`acks=all`) the records go through.
    public let producer: KafkaProducer
    /// Names `articles.parsed` and `articles.rejected` (with the configured prefix).
    public let topics: Topics
    /// The ids published recently, for `Publication.duplicate`.
    public let recent: RecentIDs
    /// Where outcomes and publish latency are counted, when given.
    public let metrics: Metrics?
    /// The largest record value published (Kafka's `message.max.bytes`, 1,000,000 by
    /// default, less room for key and headers). An article whose JSON is larger is published
    /// as a `too_large` Rejection instead, so it can never block the raw consumer.
    public let maxRecordBytes: Int

    /// A publisher over `producer` (which the caller owns and closes). `maxRecordBytes`
    /// defaults to the producer's `message.max.bytes` (1,000,000 unless configured) less 1 KiB.
    public init(
        producer: KafkaProducer, topics: Topics, recent: RecentIDs = RecentIDs(), metrics: Metrics? = nil,
        maxRecordBytes: Int? = nil
    ) {
        self.producer = producer
        self.topics = topics
        self.recent = recent
        self.metrics = metrics
        let configured = producer.config.properties["message.max.bytes"].flatMap { Int($0) } ?? 1_000_000
        self.maxRecordBytes = maxRecordBytes ?? (configured - 1024)
        metrics.map(IngestMetrics.describe)
    }

    /// The record for a parse result. `traceparent` is the one of what caused it (a raw
    /// record's header, an HTTP request's header); nil starts a new trace.
    public func record(for result: Result<Article, Rejection>, traceparent: String?) throws -> OutgoingRecord {
        let trace = TraceContext.child(of: traceparent)
        switch result {
        case .success(let article):
            return try OutgoingRecord.json(topic: topics.parsed, key: article.id, value: article, traceparent: trace)
        case .failure(let rejection):
            return try OutgoingRecord.json(
                topic: topics.rejected, key: rejection.key, value: rejection, traceparent: trace)
        }
    }

    /// Publishes a parse result and returns once Kafka has acknowledged it (`acks=all`).
    /// Throws when the record could not be delivered (the id is then not remembered).
    public func publish(_ result: Result<Article, Rejection>, traceparent: String?, channel: IngestChannel) async throws
        -> Publication
    {
        var result = result
        var record = try record(for: result, traceparent: traceparent)
        if case .success(let article) = result, (record.value?.count ?? 0) > maxRecordBytes {
            let rejection = Rejection(
                reason: "too_large",
                detail:
                    "The parsed article is \(record.value?.count ?? 0) bytes of JSON, over the Kafka record limit of \(maxRecordBytes) bytes (message.max.bytes); split it into smaller articles.",
                origin: article.origin, payload: Array(article.text.utf8), at: article.receivedAt)
            result = .failure(rejection)
            record = try self.record(for: result, traceparent: traceparent)
        }
        var duplicate = false
        var id: String
        switch result {
        case .success(let article):
            id = article.id
            duplicate = recent.insert(id)
        case .failure(let rejection):
            id = rejection.key
        }
        let started = ContinuousClock.now
        let report: DeliveryReport
        do {
            report = try await producer.send(record)
        } catch {
            if case .success = result, !duplicate { recent.remove(id) }
            metrics?.increment(IngestMetrics.publishFailures, labels: ["topic": record.topic])
            throw error
        }
        let elapsed = ContinuousClock.now - started
        if let metrics {
            metrics.observe(IngestMetrics.publishSeconds, elapsed.seconds, labels: ["topic": record.topic])
            switch result {
            case .success:
                metrics.increment(
                    IngestMetrics.articles,
                    labels: ["channel": channel.rawValue, "outcome": duplicate ? "duplicate" : "accepted"])
            case .failure(let rejection):
                metrics.increment(IngestMetrics.articles, labels: ["channel": channel.rawValue, "outcome": "rejected"])
                metrics.increment(
                    IngestMetrics.rejections, labels: ["channel": channel.rawValue, "reason": rejection.reason])
            }
        }
        var rejection: Rejection?
        if case .failure(let rejected) = result { rejection = rejected }
        let recordBytes =
            (record.key?.count ?? 0) + (record.value?.count ?? 0)
            + record.headers.reduce(0) { $0 + $1.name.utf8.count + ($1.value?.count ?? 0) }
        return Publication(
            id: id, duplicate: duplicate, topic: report.topic, partition: report.partition, offset: report.offset,
            rejection: rejection, recordBytes: recordBytes)
    }
}
