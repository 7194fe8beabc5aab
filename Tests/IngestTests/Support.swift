import AttacheKafka
import AttacheModels
import AttacheRuntime
import AttacheTesting
import Foundation
import Logging
import Testing

@testable import Ingest

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The seeds of the repository.
let seedsDirectory = RepositorySeeds.directory.path

func seedFiles() throws -> [String] { try RepositorySeeds.files() }

func seed(_ index: Int) throws -> Data {
    try Data(contentsOf: URL(fileURLWithPath: try seedFiles()[index]))
}

let testLogger = makeTestLogger(label: "ingest-test")

/// A running ingest service on a free port.
final class RunningService: @unchecked Sendable {
    let service: IngestService
    let run: ServiceRun
    var shutdown: ShutdownDeadline { run.shutdown }
    var task: Task<Void, any Error> { run.task }
    let port: Int
    let health: Health
    let metrics: Metrics
    let options: ServiceOptions
    /// Last, so that it is released after the service's clients.
    let broker: EmbeddedBroker

    init(
        broker: EmbeddedBroker? = nil, settings: IngestSettings = IngestSettings(),
        kafkaProperties: [String: String] = [:]
    ) async throws {
        let broker = try broker ?? brokerWithTopics()
        self.broker = broker
        var options = ServiceOptions(
            brokers: broker.bootstrapServers, httpPort: 0, httpHost: "127.0.0.1",
            groupID: unique("ingest"), instance: "test")
        options.kafkaProperties = kafkaProperties
        self.options = options
        health = Health()
        metrics = Metrics()
        service = try IngestService(
            options: options, settings: settings, logger: testLogger, metrics: metrics, health: health)
        let service = service
        run = ServiceRun { shutdown, started in try await service.run(shutdown: shutdown, onHTTPStarted: started) }
        port = try await run.port()
    }

    var base: String { "http://127.0.0.1:\(port)" }

    /// Stops the service and waits for it.
    func stop() async throws {
        try await run.stop()
    }

    /// Waits until `/readyz` says ready.
    func waitReady(timeout: Duration = .seconds(20)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if health.isReady { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("not ready after \(timeout): \(health.readiness)")
    }
}

/// An HTTP answer.
struct HTTPAnswer {
    var status: Int
    var headers: [String: String]
    var body: Data

    var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// A request over real TCP with URLSession.
func http(_ method: String, _ url: String, body: Data? = nil, headers: [String: String] = [:]) async throws
    -> HTTPAnswer
{
    var request = URLRequest(url: URL(string: url)!)
    request.httpMethod = method
    request.httpBody = body
    request.timeoutInterval = 15
    for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
    let (data, response) = try await URLSession.shared.data(for: request)
    let http = response as! HTTPURLResponse
    var fields: [String: String] = [:]
    for (name, value) in http.allHeaderFields {
        if let name = name as? String, let value = value as? String { fields[name.lowercased()] = value }
    }
    return HTTPAnswer(status: http.statusCode, headers: fields, body: data)
}

/// Reads the record a publication points at.
func record(at topic: String, partition: Int32, offset: Int64, broker: EmbeddedBroker) async throws -> KafkaMessage {
    let consumer = try KafkaConsumer(config: broker.config, groupID: unique("reader"))
    try consumer.assign([TopicPartitionOffset(topic: topic, partition: partition, offset: offset)])
    let deadline = ContinuousClock.now + .seconds(15)
    var found: KafkaMessage?
    while found == nil, ContinuousClock.now < deadline {
        if let message = try await consumer.poll(timeoutMs: 200), message.offset == offset { found = message }
    }
    await offCooperativePool { consumer.close() }
    guard let found else { throw TestFailure("no record at \(topic)[\(partition)]@\(offset)") }
    return found
}

/// Reads every record of `topic` (all partitions, from the beginning) until `count` arrived
/// or `timeout` passed.
func records(
    of topic: String, count: Int, broker: EmbeddedBroker, partitions: Int32 = 4,
    timeout: Duration = .seconds(15)
) async throws -> [KafkaMessage] {
    let consumer = try KafkaConsumer(config: broker.config, groupID: unique("reader"))
    try consumer.assign(
        (0..<partitions).map { TopicPartitionOffset(topic: topic, partition: $0, offset: KafkaOffset.beginning) })
    var received: [KafkaMessage] = []
    let deadline = ContinuousClock.now + timeout
    while received.count < count, ContinuousClock.now < deadline {
        received += try await consumer.poll(max: count - received.count, timeoutMs: 200)
    }
    await offCooperativePool { consumer.close() }
    return received
}

/// Runs a command with `input` on stdin, off the cooperative pool; returns its exit status,
/// standard output and standard error.
@discardableResult
func run(_ executable: String, _ arguments: [String], input: Data? = nil) async throws -> (
    status: Int32, output: String, errors: String
) {
    let (status, output, errors) = try await runProcess(executable, arguments, input: input)
    return (status, String(decoding: output, as: UTF8.self), String(decoding: errors, as: UTF8.self))
}

func runBlocking(_ executable: String, _ arguments: [String], input: Data? = nil) throws -> (
    status: Int32, output: String, errors: String
) {
    let (status, output, errors) = try runProcessBlocking(executable, arguments, input: input)
    return (status, String(decoding: output, as: UTF8.self), String(decoding: errors, as: UTF8.self))
}

extension KafkaMessage {
    var valueJSON: [String: Any] {
        ((try? JSONSerialization.jsonObject(with: Data(value ?? []))) as? [String: Any]) ?? [:]
    }
}
