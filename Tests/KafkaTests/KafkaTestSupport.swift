import AttacheKafka
import Foundation
import Testing

/// A unique topic name per test, so tests can share nothing.
func uniqueTopic(_ base: String = "t") -> String { "\(base)-\(UUID().uuidString.prefix(8))" }

/// Reads records until `count` arrived or `timeout` passed.
func consume(_ consumer: KafkaConsumer, count: Int, timeout: Duration = .seconds(20)) async throws -> [KafkaMessage] {
    var received: [KafkaMessage] = []
    let deadline = ContinuousClock.now + timeout
    while received.count < count, ContinuousClock.now < deadline {
        received += try await consumer.poll(max: count - received.count, timeoutMs: 200)
    }
    return received
}

/// Runs a command and returns its standard output (and fails the test on a non-zero exit).
@discardableResult
func run(_ executable: String, _ arguments: [String], input: Data? = nil) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    let stdin = Pipe()
    process.standardInput = stdin
    try process.run()
    if let input { stdin.fileHandleForWriting.write(input) }
    try stdin.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(executable) \(arguments) failed: \(errorText)")
    return data
}

/// kcat's path, which the project's setup installs.
let kcat = "/usr/bin/kcat"
