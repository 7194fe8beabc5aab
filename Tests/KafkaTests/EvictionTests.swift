import AttacheKafka
import AttacheTesting
import CRdKafka
import Foundation
import Logging
import Testing

/// The embedded broker keeps about 5 MiB per partition and drops older records without a
/// word; `EvictionWatcher` must report every record dropped before a group read it.
@Suite("Embedded broker: evicted records are reported")
struct EvictionTests {
    @Test("records evicted before a group committed past them are reported with topic, partition, group and count")
    func evictionReported() async throws {
        let broker = try EmbeddedBroker()
        let topic = unique("evict")
        let restored = unique("state")
        try broker.createTopic(topic, partitions: 1)
        try broker.createTopic(restored, partitions: 1)
        var logger = Logger(label: "eviction-test")
        logger.logLevel = .critical
        let watcher = broker.evictionWatcher(
            readers: [topic: ["reader", "idle"]], restored: [restored], logger: logger)
        #expect(try watcher.check().isEmpty)

        let producer = try KafkaProducer(config: broker.config, logger: logger)
        defer { producer.close() }
        let payload = [UInt8](repeating: 0x61, count: 10_000)
        // 3 MB: nothing evicted yet; then `reader` reads (commits) all of it.
        _ = try await producer.send(all: (0..<300).map { OutgoingRecord(topic: topic, key: "k\($0)", value: payload) })
        #expect(try watcher.check().isEmpty)
        let reader = try KafkaConsumer(config: broker.config, groupID: "reader", logger: logger)
        defer { reader.close() }
        try await reader.commit([TopicPartitionOffset(topic: topic, partition: 0, offset: 300)])
        // 5 MB more: the oldest records go. `reader` had read them; `idle` had not.
        _ = try await producer.send(all: (0..<500).map { OutgoingRecord(topic: topic, key: "m\($0)", value: payload) })
        _ = try await producer.send(
            all: (0..<700).map { OutgoingRecord(topic: restored, key: "s\($0)", value: payload) })
        let evictions = try watcher.check()
        let (low, _) = try reader.watermarks(topic: topic, partition: 0)
        #expect(low > 0, "the embedded broker evicted nothing: the test needs more data")
        let idle = evictions.filter { $0.topic == topic && $0.reader == "idle" }
        #expect(idle.map(\.count).reduce(0, +) == low, "\(evictions)")
        #expect(
            idle.allSatisfy { $0.partition == 0 && $0.description.contains("idle") && $0.description.contains(topic) })
        #expect(
            !evictions.contains { $0.reader == "reader" && low <= 300 },
            "records already read were reported: \(evictions)")
        let (stateLow, _) = try reader.watermarks(topic: restored, partition: 0)
        #expect(stateLow > 0)
        #expect(
            evictions.filter { $0.topic == restored && $0.reader == EvictionWatcher.Eviction.restore }.map(\.count)
                .reduce(0, +) == stateLow)
        // Nothing new: nothing reported twice.
        #expect(try watcher.check().isEmpty)
    }

    @Test("attache broker reports evictions in its log and on /metrics")
    func brokerCommand() async throws {
        let binary = attacheBinary()
        try #require(FileManager.default.isExecutableFile(atPath: binary), "build the attache binary first")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "evict-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let out = directory.appendingPathComponent("out")
        let err = directory.appendingPathComponent("err")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["broker", "--partitions", "1"]
        process.currentDirectoryURL = directory
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        func text() -> String {
            ((try? String(contentsOf: out, encoding: .utf8)) ?? "")
                + ((try? String(contentsOf: err, encoding: .utf8)) ?? "")
        }
        func field(_ prefix: String) -> String? {
            text().split(separator: "\n").first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
        }
        let deadline = ContinuousClock.now + .seconds(30)
        while field("metrics: ") == nil || field("embedded broker: ") == nil, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        let servers = try #require(field("embedded broker: "))
        let metricsURL = try #require(field("metrics: ").flatMap(URL.init(string:)))
        // 7 MB to articles.raw, which no ingest reads.
        let producer = try KafkaProducer(config: KafkaConfig(bootstrapServers: servers))
        defer { producer.close(timeoutMs: 1_000) }
        let payload = [UInt8](repeating: 0x62, count: 10_000)
        _ = try await producer.send(
            all: (0..<700).map { OutgoingRecord(topic: "articles.raw", key: "a\($0)", value: payload) })
        let pattern =
            #"attache_embedded_broker_evicted_records_total\{group="attache-ingest",partition="0",topic="articles.raw"\} [1-9]"#
        var metrics = ""
        while metrics.range(of: pattern, options: .regularExpression) == nil,
            ContinuousClock.now < deadline + .seconds(30)
        {
            try await Task.sleep(for: .milliseconds(300))
            metrics = String(decoding: (try? Data(contentsOf: metricsURL)) ?? Data(), as: UTF8.self)
        }
        #expect(metrics.range(of: pattern, options: .regularExpression) != nil, "\(metrics)")
        #expect(
            text().contains("error")
                && text().contains("articles.raw[0] evicted before consumer group attache-ingest read them"),
            "\(text().suffix(2_000))")
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}

/// The built `attache` binary: next to the test bundle, else in the package's `.build/debug`.
func attacheBinary() -> String {
    if let path = ProcessInfo.processInfo.environment["ATTACHE_BINARY"] { return path }
    let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
        "attache"
    ).path
    if FileManager.default.isExecutableFile(atPath: beside) { return beside }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent(".build/debug/attache").path
}
