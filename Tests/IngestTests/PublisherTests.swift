import ArticleParsing
import AttacheKafka
import AttacheModels
import AttacheRuntime
import AttacheTesting
import Foundation
import Testing

@testable import Ingest

@Suite("ArticlePublisher")
struct PublisherTests {
    @Test(
        "articles go to articles.parsed keyed by id, rejections to articles.rejected keyed by submission id; an article over the record limit becomes a too_large rejection"
    )
    func records() async throws {
        let broker = try brokerWithTopics()
        let producer = try KafkaProducer(config: broker.config)
        let metrics = Metrics()
        let publisher = ArticlePublisher(
            producer: producer, topics: Topics(), recent: RecentIDs(), metrics: metrics, maxRecordBytes: 2_000)
        let parser = ArticleParser()
        let small = parser.parse(
            .json(Array(#"{"published": "2024-03-01", "text": "Kazakhstan and Luxembourg met."}"#.utf8)),
            origin: "test", receivedAt: Date())
        let article = try small.get()
        let publication = try await publisher.publish(small, traceparent: nil, channel: .file)
        #expect(publication.topic == "articles.parsed")
        #expect(publication.id == article.id)
        #expect(publication.rejection == nil)
        let record = try publisher.record(
            for: small, traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
        #expect(record.key == Array(article.id.utf8))
        #expect(record.headers.contains(KafkaHeader("schema", "attache.article.v1")))
        #expect(
            record.headers.first { $0.name == "traceparent" }?.text?.contains("0af7651916cd43dd8448eb211c80319c")
                == true)

        let big = parser.parse(.seedText(Array(try seed(2))), origin: "file:002", receivedAt: Date())
        let oversized = try await publisher.publish(big, traceparent: nil, channel: .file)
        #expect(oversized.topic == "articles.rejected")
        #expect(oversized.rejection?.reason == "too_large")
        #expect(oversized.rejection?.detail.contains("message.max.bytes") == true)
        #expect(oversized.id == oversized.rejection?.key)
        #expect(metrics.value(IngestMetrics.rejections, labels: ["channel": "file", "reason": "too_large"]) == 1)

        let rejected = parser.parse(.seedText(Array("no date".utf8)), origin: "test", receivedAt: Date())
        let rejection = try #require(rejected.failureValue)
        let rejectedPublication = try await publisher.publish(rejected, traceparent: nil, channel: .file)
        #expect(rejectedPublication.topic == "articles.rejected")
        #expect(rejectedPublication.id == rejection.key)
        #expect(!rejectedPublication.duplicate)
        // The HTTP answer has exactly the five fields.
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(rejectedPublication)) as? [String: Any]
        #expect(Set(json?.keys.map { $0 } ?? []) == ["id", "duplicate", "topic", "partition", "offset"])
        await offCooperativePool { producer.close() }
    }
}

extension Result {
    var failureValue: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
