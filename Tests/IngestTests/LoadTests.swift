import AttacheKafka
import AttacheModels
import AttacheRuntime
import AttacheTesting
import Foundation
import Testing

@testable import Ingest

/// The HTTP ingest rate and latency on loopback. A short smoke run always; the measured run
/// with `ATTACHE_INGEST_BENCH=1` (seconds from `ATTACHE_INGEST_BENCH_SECONDS`, default 10;
/// connections from `ATTACHE_INGEST_BENCH_CONNECTIONS`, default 8).
@Suite("HTTP ingest load on loopback")
struct LoadTests {
    static let environment = ProcessInfo.processInfo.environment

    /// A distinct seed article per request (its text, hence its id, differs).
    static func bodies() throws -> @Sendable (Int) -> [UInt8] {
        let base = Array(try seed(2))
        return { n in base + Array("\n\nUpdate \(n) of the trade figures.\n".utf8) }
    }

    @Test("the load generator drives the API: every answer is 202")
    func smoke() async throws {
        let service = try await RunningService()
        let report = await HTTPLoad.run(
            port: service.port, contentType: "text/plain", connections: 2, seconds: 1, body: try LoadTests.bodies())
        #expect(report.requests > 0)
        #expect(report.statuses.keys.sorted() == [202], "\(report)")
        try await service.stop()
    }

    @Test("measured loopback run", .enabled(if: environment["ATTACHE_INGEST_BENCH"] == "1"))
    func measure() async throws {
        let service = try await RunningService()
        let seconds = Double(LoadTests.environment["ATTACHE_INGEST_BENCH_SECONDS"] ?? "") ?? 10
        let connections = Int(LoadTests.environment["ATTACHE_INGEST_BENCH_CONNECTIONS"] ?? "") ?? 8
        // Warm up: the first produce waits for metadata and the producer id.
        _ = await HTTPLoad.run(
            port: service.port, contentType: "text/plain", connections: 1, seconds: 0.5, body: try LoadTests.bodies())
        let report = await HTTPLoad.run(
            port: service.port, contentType: "text/plain", connections: connections, seconds: seconds,
            body: try LoadTests.bodies())
        print("HTTP ingest (text/plain seed 002, distinct articles): \(report)")
        #expect(report.statuses.keys.sorted() == [202], "\(report)")
        try await service.stop()
    }

    @Test("measured attache ingest of an NDJSON file", .enabled(if: environment["ATTACHE_INGEST_BENCH"] == "1"))
    func measureFileIngest() async throws {
        let broker = try brokerWithTopics()
        let options = ServiceOptions(brokers: broker.bootstrapServers, groupID: unique("cli"), instance: "bench")
        let text =
            String(decoding: try seed(2), as: UTF8.self).split(separator: "\n", maxSplits: 1).last.map(String.init)
            ?? ""
        let encoded = String(decoding: try JSONEncoder().encode(text), as: UTF8.self)
        let count = Int(LoadTests.environment["ATTACHE_INGEST_BENCH_ARTICLES"] ?? "") ?? 20_000
        let lines = (0..<count).map {
            #"{"published": "2025-10-20", "text": "# + encoded.dropLast() + #" Update \#($0).""# + "}"
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(unique("bench") + ".ndjson")
        try Data(lines.joined(separator: "\n").utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let bytes = (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
        let summary = try await FileIngest.run(
            paths: [file.path], options: options, recent: RecentIDs(), progress: { _ in }, logger: testLogger)
        print(
            String(
                format: "attache ingest (NDJSON, %d articles, %.1f MB): %.1f s, %.0f articles/s, %.1f MB/s; %@",
                count, Double(bytes) / 1e6, summary.seconds, Double(count) / summary.seconds,
                Double(bytes) / 1e6 / summary.seconds, summary.description))
        #expect(summary.accepted == count)
    }
}
