import AttacheKafka
import AttacheModels
import AttacheRuntime
import AttacheTesting
import Foundation
import Testing

@testable import Ingest

/// `attache ingest` against the embedded broker, which keeps 5 MiB per partition and drops
/// the oldest records beyond it, read or not.
@Suite("attache ingest waits for the reader of articles.parsed on the embedded broker")
struct BackPressureTests {
    static let articles = 3_000

    /// A directory of `count` distinct articles of about 3 KB each (9 MB in all: more than
    /// the embedded broker keeps on one partition).
    static func articleDirectory(count: Int) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(unique("backpressure")).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for i in 0..<count {
            let paragraph = String(
                repeating: "Kazakhstan and Luxembourg discussed trade and investment at meeting \(i). ", count: 20)
            let text = " date 2024-01-01 \nMeeting \(i)\n\n\(paragraph)\n\n\(paragraph)\n"
            try text.write(toFile: "\(directory)/a\(String(format: "%05d", i)).txt", atomically: false, encoding: .utf8)
        }
        return directory
    }

    /// An embedded broker whose articles.parsed has one partition.
    static func broker() throws -> EmbeddedBroker {
        let broker = try EmbeddedBroker()
        try broker.createTopic("articles.parsed", partitions: 1)
        try broker.createTopic("articles.rejected", partitions: 1)
        return broker
    }

    @Test(
        "3,000 articles (9 MB) onto one partition, read by a group that starts late: attache ingest waits, and the reader gets every one"
    )
    func noneLost() async throws {
        let broker = try BackPressureTests.broker()
        let directory = try BackPressureTests.articleDirectory(count: BackPressureTests.articles)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let group = unique("enrichment")
        let config = broker.config
        let reader = Task { () throws -> Set<String> in
            try await Task.sleep(for: .seconds(3))
            let consumer = try KafkaConsumer(config: config, groupID: group, startAt: .earliest, logger: testLogger)
            try consumer.subscribe(["articles.parsed"])
            var keys = Set<String>()
            let deadline = ContinuousClock.now + .seconds(240)
            while keys.count < BackPressureTests.articles, ContinuousClock.now < deadline {
                let batch = try await consumer.poll(max: 500, timeoutMs: 200)
                for message in batch { if let key = message.keyText { keys.insert(key) } }
                if let last = batch.last { try await consumer.commit(after: last) }
            }
            await consumer.shutdown()
            return keys
        }
        let options = ServiceOptions(brokers: broker.bootstrapServers, groupID: unique("ingest"), instance: "test")
        let summary = try await FileIngest.run(
            paths: [directory], options: options, recent: RecentIDs(), readerGroup: group,
            progress: { _ in }, logger: testLogger)
        #expect(summary.accepted == BackPressureTests.articles)
        #expect(summary.rejected == 0)
        #expect(summary.waitedSeconds > 0, "9 MB on one partition cannot pass without waiting for the reader")
        let keys = try await reader.value
        #expect(keys.count == BackPressureTests.articles, "records lost: \(BackPressureTests.articles - keys.count)")
        #expect(keys == Set(summary.ids))
    }

    @Test(
        "without the wait (--no-reader-wait) the embedded broker drops the oldest of the same 3,000 articles: the test above is not vacuous"
    )
    func withoutWaitRecordsAreDropped() async throws {
        let broker = try BackPressureTests.broker()
        let directory = try BackPressureTests.articleDirectory(count: BackPressureTests.articles)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let options = ServiceOptions(brokers: broker.bootstrapServers, groupID: unique("ingest"), instance: "test")
        let summary = try await FileIngest.run(
            paths: [directory], options: options, recent: RecentIDs(), readerGroup: nil,
            progress: { _ in }, logger: testLogger)
        #expect(summary.accepted == BackPressureTests.articles)
        let consumer = try KafkaConsumer(config: broker.config, groupID: unique("watermarks"), logger: testLogger)
        let (low, high) = try await consumer.offsets(topic: "articles.parsed", partition: 0)
        await consumer.shutdown()
        #expect(high == Int64(BackPressureTests.articles))
        #expect(low > 0, "the embedded broker kept all \(high) records; its limit is larger than this test assumes")
    }
}
