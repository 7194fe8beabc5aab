import AttacheKafka
import AttacheTesting
import Foundation
import Testing

/// Reads records until `count` arrived or `timeout` passed (generous: the whole suite runs
/// in parallel on two cores, and a group's first join on the embedded broker takes 3 s).
func consume(_ consumer: KafkaConsumer, count: Int, timeout: Duration = .seconds(60)) async throws -> [KafkaMessage] {
    var received: [KafkaMessage] = []
    let deadline = ContinuousClock.now + timeout
    while received.count < count, ContinuousClock.now < deadline {
        received += try await consumer.poll(max: count - received.count, timeoutMs: 200)
    }
    return received
}

/// Runs a command and returns its standard output (and fails the test on a non-zero exit).
@discardableResult
func run(_ executable: String, _ arguments: [String], input: Data? = nil) async throws -> Data {
    let (status, output, errors) = try await runProcess(executable, arguments, input: input)
    #expect(status == 0, "\(executable) \(arguments) failed: \(String(decoding: errors, as: UTF8.self))")
    return output
}

/// kcat's path, which the project's setup installs.
let kcat = "/usr/bin/kcat"
