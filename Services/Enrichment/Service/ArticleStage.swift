import AttacheKafka
import AttacheModels
import AttacheRuntime
import Extraction
import Foundation
import Logging

/// The article stage: `articles.parsed` → `articles.enriched` (key article id),
/// `anniversaries` (key anniversary id) and `trade.observations` (key series id, so that
/// one owner of the series stage sees every observation of a series).
///
/// Stateless and deterministic: the same article always gives the same records (the
/// `enrichedAt` of an enriched article is its `receivedAt`), so replays add no new distinct
/// (key, value) pairs.
final class ArticleLogic: StageLogic, @unchecked Sendable {
    let extractor: Extractor
    let topics: Topics
    let metrics: Metrics
    let logger: Logger

    init(home: String, topics: Topics, metrics: Metrics, logger: Logger) {
        self.extractor = Extractor(home: home)
        self.topics = topics
        self.metrics = metrics
        self.logger = logger
    }

    /// Extracts on up to one task per core (articles are independent), keeping the batch order.
    func transform(_ batch: [KafkaMessage]) async -> StageOutput {
        let workers = min(max(1, ProcessInfo.processInfo.activeProcessorCount), max(1, batch.count / 4))
        if workers == 1 { return records(of: batch[...]) }
        let chunk = (batch.count + workers - 1) / workers
        let parts = await withTaskGroup(of: (Int, StageOutput).self) { group in
            for (index, start) in stride(from: 0, to: batch.count, by: chunk).enumerated() {
                let slice = batch[start..<min(start + chunk, batch.count)]
                group.addTask { (index, self.records(of: slice)) }
            }
            var parts: [(Int, StageOutput)] = []
            for await part in group { parts.append(part) }
            return parts
        }
        var output = StageOutput(phases: 1)
        for (_, part) in parts.sorted(by: { $0.0 < $1.0 }) { output.append(part) }
        return output
    }

    /// The output of some records of a batch (sources are indices into the whole batch). A
    /// record whose output cannot be encoded (an amount that is not a finite number) gives
    /// a rejection instead of its output: never a silent drop.
    private func records(of messages: ArraySlice<KafkaMessage>) -> StageOutput {
        var output = StageOutput(phases: 1)
        for (index, message) in zip(messages.indices, messages) {
            do {
                output.append(try enrich(message), phase: 0, source: index)
            } catch {
                let rejection = Poison.unencodable(message, error)
                logger.error("rejected \(PoisonRecord.location(message)): \(rejection.detail)")
                metrics.increment(
                    EnrichmentMetrics.rejectedTotal, labels: ["topic": message.topic, "reason": rejection.reason])
                // A rejection holds only text and a clamped instant: it always encodes.
                if let record = try? Poison.record(rejection, topic: topics.rejected, cause: message) {
                    output.append([record], phase: 0, source: index)
                }
            }
        }
        return output
    }

    /// The records one input record gives.
    func enrich(_ message: KafkaMessage) throws -> [OutgoingRecord] {
        if message.value == nil {
            // A tombstone on the compacted input: an article was deleted; nothing to enrich.
            metrics.increment(EnrichmentMetrics.tombstonesTotal, labels: ["topic": message.topic])
            return []
        }
        let article: Article
        switch PoisonRecord.decode(Article.self, from: message) {
        case .success(let decoded):
            article = decoded
        case .failure(let rejection):
            logger.warning("rejected \(PoisonRecord.location(message)): \(rejection.detail)")
            metrics.increment(
                EnrichmentMetrics.rejectedTotal, labels: ["topic": message.topic, "reason": rejection.reason])
            return [try Poison.record(rejection, topic: topics.rejected, cause: message)]
        }
        let parent = message.header(RecordHeaders.traceparent)?.text
        return try ArticleLogic.records(for: article, extractor: extractor, topics: topics) {
            TraceContext.child(of: parent)
        }
    }

    /// The enriched article, its anniversaries and its observations, in that order.
    static func records(
        for article: Article, extractor: Extractor, topics: Topics,
        traceparent: () -> String?
    ) throws -> [OutgoingRecord] {
        let extraction = extractor.extract(article)
        let enriched = EnrichedArticle(
            article: article.summary, figures: extraction.figures,
            deltas: extraction.deltas(article: article),
            anniversaries: extraction.anniversaries, enrichedAt: article.receivedAt)
        var records = [
            try OutgoingRecord.json(
                topic: topics.enriched, key: article.id, value: enriched, traceparent: traceparent())
        ]
        for anniversary in extraction.anniversaries {
            records.append(
                try .json(
                    topic: topics.anniversaries, key: anniversary.id, value: anniversary, traceparent: traceparent()))
        }
        for observation in extraction.observations(article: article) where !observation.key.isEmpty {
            records.append(
                try .json(
                    topic: topics.observations, key: observation.key, value: observation, traceparent: traceparent()))
        }
        return records
    }

    func checkpoint() {}
    func rollback(to checkpoint: Void) {}
    func settle(_ checkpoint: Void) {}
    func assigned(_ partitions: [TopicPartitionOffset]) async throws {}
    func revoked(_ partitions: [TopicPartitionOffset]) {}
}
