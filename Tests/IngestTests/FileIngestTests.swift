import AttacheKafka
import AttacheModels
import AttacheRuntime
import AttacheTesting
import Foundation
import Testing

@testable import Ingest

@Suite("attache ingest: files, directories, summaries")
struct FileIngestTests {
    @Test("the seeds directory gives 5 accepted; again, 5 duplicates with the same ids")
    func seedsTwice() async throws {
        let broker = try brokerWithTopics()
        let options = ServiceOptions(brokers: broker.bootstrapServers, groupID: unique("cli"))
        let recent = RecentIDs()
        let first = try await FileIngest.run(
            paths: [seedsDirectory], options: options, recent: recent, progress: { _ in }, logger: testLogger)
        #expect(first.inputs == 5)
        #expect(first.accepted == 5)
        #expect(first.duplicates == 0)
        #expect(first.rejected == 0)
        #expect(Set(first.ids).count == 5)
        let second = try await FileIngest.run(
            paths: [seedsDirectory], options: options, recent: recent, progress: { _ in }, logger: testLogger)
        #expect(second.accepted == 0)
        #expect(second.duplicates == 5)
        #expect(second.ids == first.ids)
        #expect(second.description.contains("0 accepted, 5 duplicates, 0 rejected"))

        let parsed = try await records(of: "articles.parsed", count: 10, broker: broker)
        #expect(parsed.count == 10)
        #expect(Set(parsed.compactMap(\.keyText)) == Set(first.ids))
        let origins = Set(parsed.map { $0.valueJSON["origin"] as? String ?? "" })
        #expect(origins == Set(try seedFiles().map { "file:" + $0 }))
    }

    @Test(
        "directories are read recursively (txt, json, ndjson; sorted), rejections are summarised with reasons and origins"
    )
    func mixedDirectory() async throws {
        let broker = try brokerWithTopics()
        let options = ServiceOptions(brokers: broker.bootstrapServers, groupID: unique("cli"))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(unique("ingest"))
        let sub = dir.appendingPathComponent("sub")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try seed(0).write(to: dir.appendingPathComponent("a.txt"))
        try Data(#"{"published": "2024-02-01", "text": "Kazakhstan exports grew."}"#.utf8).write(
            to: dir.appendingPathComponent("b.json"))
        try Data(
            (#"{"published": "2024-02-02", "text": "Line one."}"# + "\n"
                + #"{"published": "2024-02-31", "text": "Bad."}"# + "\n").utf8
        )
        .write(to: sub.appendingPathComponent("c.ndjson"))
        try Data("no date here".utf8).write(to: sub.appendingPathComponent("d.txt"))
        try Data("ignored".utf8).write(to: dir.appendingPathComponent("notes.md"))

        let inputs = try FileIngest.expand([dir.path])
        #expect(
            inputs.map(\.origin)
                == ["a.txt", "b.json", "sub/c.ndjson", "sub/d.txt"].map {
                    "file:" + dir.appendingPathComponent($0).path
                })

        let summary = try await FileIngest.run(
            paths: [dir.path], options: options, recent: RecentIDs(), progress: { _ in }, logger: testLogger)
        #expect(summary.inputs == 4)
        #expect(summary.accepted == 3)
        #expect(summary.rejected == 2)
        #expect(summary.rejectedByReason == ["invalid_date": 1, "missing_date_line": 1])
        #expect(summary.rejections.first?.origin == "file:" + sub.appendingPathComponent("c.ndjson").path)
        #expect(summary.rejections.first?.detail.contains("Line 2") == true)
        #expect(summary.description.contains("rejected file:"))
        let rejected = try await records(of: "articles.rejected", count: 2, broker: broker)
        #expect(rejected.count == 2)
    }

    @Test("a large NDJSON batch reports progress every 1,000 submissions")
    func progress() async throws {
        let broker = try brokerWithTopics()
        let options = ServiceOptions(brokers: broker.bootstrapServers, groupID: unique("cli"))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(unique("batch") + ".ndjson")
        defer { try? FileManager.default.removeItem(at: file) }
        let lines = (0..<1_500).map {
            #"{"published": "2024-04-01", "text": "Kazakhstan and Luxembourg, note \#($0)."}"#
        }
        try Data(lines.joined(separator: "\n").utf8).write(to: file)
        let reports = Reports()
        let summary = try await FileIngest.run(
            paths: [file.path], options: options, recent: RecentIDs(),
            progress: { reports.append($0) }, logger: testLogger)
        #expect(summary.accepted == 1_500)
        let first = try #require(reports.all.first)
        #expect(first.accepted >= 512)
        #expect(reports.all.last.map { $0.accepted + $0.duplicates } ?? 0 <= 1_500)
        #expect(first.line.hasPrefix("ingest: "))
    }

    final class Reports: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [IngestProgress] = []
        func append(_ item: IngestProgress) { lock.withLock { items.append(item) } }
        var all: [IngestProgress] { lock.withLock { items } }
    }

    @Test("a missing path fails before anything is published")
    func missingPath() async throws {
        #expect(throws: FileIngest.InputError.self) { try FileIngest.expand(["/nonexistent/attache"]) }
    }

    @Test("JSON detection: one object, or one per line")
    func detection() {
        #expect(FileIngest.isNDJSON(Array("{\"a\":1}\n{\"b\":2}\n".utf8)))
        #expect(!FileIngest.isNDJSON(Array("{\n  \"a\": 1\n}\n".utf8)))
        #expect(!FileIngest.isNDJSON(Array("{\"a\":1}".utf8)))
    }

    @Test("recent ids: duplicates are seen, the least recently used are evicted")
    func recentIDs() {
        let recent = RecentIDs(capacity: 3)
        #expect(!recent.insert("a"))
        #expect(!recent.insert("b"))
        #expect(!recent.insert("c"))
        #expect(recent.insert("a"))  // a is now the most recent
        #expect(!recent.insert("d"))  // evicts b
        #expect(!recent.contains("b"))
        #expect(recent.contains("a") && recent.contains("c") && recent.contains("d"))
        #expect(recent.count == 3)
        for i in 0..<10_000 { recent.insert("x\(i % 7)") }
        #expect(recent.count == 3)
    }
}
