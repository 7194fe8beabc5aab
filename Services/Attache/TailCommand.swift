import ArgumentParser
import AttacheKafka
import AttacheRuntime
import Foundation
import Logging

/// `attache tail TOPIC`: a topic's records as JSON lines.
struct TailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Print a topic's records as JSON lines (topic, partition, offset, timestamp, key, headers, value).",
        discussion:
            "Values that are JSON are embedded as JSON; others as text. Reads every partition without joining a group."
    )

    @Argument(help: "The topic (without the prefix; ATTACHE_TOPIC_PREFIX is applied).")
    var topic: String

    @Flag(help: "Start at the beginning of each partition instead of its end.")
    var fromBeginning = false

    @Option(help: "Stop after this many records.")
    var max: Int?

    @Flag(name: .customLong("exit"), help: "Stop once the end of every partition is reached.")
    var exitAtEnd = false

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        LogSetup.bootstrap()
        let options = try connection.resolve(service: "tail")
        let name = options.topics.prefix + topic
        let shutdown = ShutdownDeadline()
        let tail = AttacheService("tail", shutdown: shutdown) { shutdown in
            try await self.tail(name, options: options, until: shutdown)
        }
        try await ServiceRuntime.run([tail], shutdown: shutdown, logger: Logger(label: "attache.tail"))
    }

    /// Prints the records of `name` until `--max`, the end (`--exit-at-end`) or a shutdown.
    private func tail(_ name: String, options: ServiceOptions, until shutdown: ShutdownDeadline) async throws {
        let consumer = try KafkaConsumer(
            config: options.kafka, groupID: "attache-tail-\(UUID().uuidString)", readCommitted: false)
        defer { consumer.close() }
        let count = try consumer.partitionCount(of: name)
        guard count > 0 else { throw ValidationError("topic '\(name)' does not exist at \(options.brokers)") }
        var ends: [Int32: Int64] = [:]
        for partition in 0..<Int32(count) {
            ends[partition] = try consumer.watermarks(topic: name, partition: partition).high
        }
        try consumer.assign(
            (0..<Int32(count)).map {
                TopicPartitionOffset(
                    topic: name, partition: $0, offset: fromBeginning ? KafkaOffset.beginning : KafkaOffset.end)
            })
        var printed = 0
        var positions: [Int32: Int64] = [:]
        while !shutdown.isRequested {
            if let max, printed >= max { break }
            if exitAtEnd,
                ends.allSatisfy({ partition, end in (fromBeginning ? positions[partition] ?? 0 : end) >= end })
            {
                break
            }
            for message in try await consumer.poll(max: 100, timeoutMs: 200) {
                Console.out(RecordLine.render(message))
                positions[message.partition] = message.offset + 1
                printed += 1
                if let max, printed >= max { break }
            }
        }
    }
}

/// One consumed record as a JSON line.
enum RecordLine {
    static func render(_ message: KafkaMessage) -> String {
        var object: [String: Any] = [
            "topic": message.topic, "partition": Int(message.partition), "offset": Int(message.offset),
            "headers": Dictionary(
                message.headers.map { ($0.name, $0.text ?? NSNull()) as (String, Any) }, uniquingKeysWith: { a, _ in a }
            ),
        ]
        object["key"] = message.keyText ?? NSNull()
        object["timestamp"] = message.timestampMs.map { Int($0) } ?? NSNull()
        if let value = message.value {
            if let json = try? JSONSerialization.jsonObject(with: Data(value), options: [.fragmentsAllowed]) {
                object["value"] = json
            } else {
                object["value"] = String(decoding: value, as: UTF8.self)
            }
        } else {
            object["value"] = NSNull()
        }
        guard
            let data = try? JSONSerialization.data(
                withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self)
    }
}
