import AttacheKafka
import AttacheTesting
import Foundation
import Testing

@Suite("Interoperability with kcat, an independent Kafka client")
struct InteropTests {
    @Test("kcat produces, the Swift consumer reads the bytes exactly")
    func kcatToSwift() async throws {
        let broker = try EmbeddedBroker()
        let topic = unique("t")
        try broker.createTopic(topic, partitions: 2)
        // Arbitrary bytes, newlines and multi-byte UTF-8 included: kcat sends a file as one record.
        var generator = SeededGenerator(seed: 42)
        let payload =
            (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) } + Array("Astana – Люксембург\n".utf8)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("\(topic).bin")
        try Data(payload).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        try await run(
            kcat,
            ["-P", "-b", broker.bootstrapServers, "-t", topic, "-k", "article-1", "-H", "schema=raw.v1", file.path])
        try await run(
            kcat, ["-P", "-b", broker.bootstrapServers, "-t", topic, "-K", "\t"],
            input: Data("k2\tsecond line\nk3\tthird line\n".utf8))

        let consumer = try KafkaConsumer(config: broker.config, groupID: unique("g"))
        defer { consumer.close() }
        try consumer.subscribe([topic])
        let received = try await consume(consumer, count: 3)
        let byKey = Dictionary(uniqueKeysWithValues: received.map { ($0.keyText ?? "", $0) })
        let exact = byKey["article-1"]?.value == payload
        #expect(
            exact,
            "the record kcat sent from a file differs from the file (\(byKey["article-1"]?.value?.count ?? -1) of \(payload.count) bytes)"
        )
        #expect(byKey["article-1"]?.header("schema")?.text == "raw.v1")
        #expect(byKey["k2"]?.value == Array("second line".utf8))
        #expect(byKey["k3"]?.value == Array("third line".utf8))
    }

    @Test("the Swift producer writes, kcat reads keys, values, headers and partitions")
    func swiftToKcat() async throws {
        let broker = try EmbeddedBroker()
        let topic = unique("t")
        try broker.createTopic(topic, partitions: 4)
        let producer = try KafkaProducer(config: broker.config)
        defer { producer.close() }
        var reports: [String: DeliveryReport] = [:]
        for i in 0..<8 {
            let key = "series-\(i)"
            reports[key] = try await producer.send(
                OutgoingRecord(
                    topic: topic, key: key, value: Array("{\"n\":\(i),\"text\":\"Kazakhstan – Luxembourg\"}".utf8),
                    headers: [KafkaHeader("content-type", "application/json"), KafkaHeader("schema", "test.v\(i)")]))
        }
        let output = try await run(
            kcat, ["-C", "-b", broker.bootstrapServers, "-t", topic, "-e", "-q", "-f", "%k|%p|%o|%h|%s\n"])
        let lines = String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(lines.count == 8)
        for line in lines {
            let fields = line.split(separator: "|", maxSplits: 4).map(String.init)
            let key = fields[0]
            let report = try #require(reports[key])
            let n = Int(key.dropFirst("series-".count))!
            #expect(Int32(fields[1]) == report.partition)
            #expect(Int64(fields[2]) == report.offset)
            #expect(fields[3] == "content-type=application/json,schema=test.v\(n)")
            #expect(fields[4] == "{\"n\":\(n),\"text\":\"Kazakhstan – Luxembourg\"}")
        }
    }

    @Test("the embedded broker is recognised by its cluster id; a real one would not be")
    func embeddedDetection() async throws {
        let broker = try EmbeddedBroker()
        #expect(try await EmbeddedBroker.isEmbedded(broker.config))
        #expect(!EmbeddedBroker.isEmbedded(clusterID: "MkU3OEVBNTcwNTJENDM2Qk"))
    }

    @Test("keys are partitioned as Java clients partition them (murmur2)")
    func murmur2Partitioning() async throws {
        let broker = try EmbeddedBroker()
        let topic = unique("t")
        try broker.createTopic(topic, partitions: 4)
        let producer = try KafkaProducer(config: broker.config)
        defer { producer.close() }
        // The partition Java's DefaultPartitioner computes, from an independent murmur2.
        for key in ["a", "b", "c", "kazakhstan", "luxembourg", "trade_turnover:KZ:LU:USD", "fdi_inflow:KZ:LU:USD"] {
            let report = try await producer.send(OutgoingRecord(topic: topic, key: key, value: [1]))
            #expect(report.partition == Murmur2.partition(of: Array(key.utf8), count: 4), "key \(key)")
        }
    }
}

/// Kafka's Java partitioner: murmur2 of the key, made positive, modulo the partition count.
enum Murmur2 {
    static func hash(_ data: [UInt8]) -> UInt32 {
        let seed: UInt32 = 0x9747_b28c
        let m: UInt32 = 0x5bd1_e995
        let r: UInt32 = 24
        var h = seed ^ UInt32(data.count)
        var i = 0
        while i + 4 <= data.count {
            var k = UInt32(data[i]) | UInt32(data[i + 1]) << 8 | UInt32(data[i + 2]) << 16 | UInt32(data[i + 3]) << 24
            k = k &* m
            k ^= k >> r
            k = k &* m
            h = h &* m
            h ^= k
            i += 4
        }
        let rest = data.count - i
        if rest >= 3 { h ^= UInt32(data[i + 2]) << 16 }
        if rest >= 2 { h ^= UInt32(data[i + 1]) << 8 }
        if rest >= 1 {
            h ^= UInt32(data[i])
            h = h &* m
        }
        h ^= h >> 13
        h = h &* m
        h ^= h >> 15
        return h
    }

    static func partition(of key: [UInt8], count: Int32) -> Int32 {
        Int32(bitPattern: hash(key) & 0x7fff_ffff) % count
    }
}
