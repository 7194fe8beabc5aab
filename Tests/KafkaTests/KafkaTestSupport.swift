import AttacheKafka
import Foundation
import Testing

/// A unique topic name per test, so tests can share nothing.
func uniqueTopic(_ base: String = "t") -> String { "\(base)-\(UUID().uuidString.prefix(8))" }

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
/// The process is waited for on a thread of its own, never on the cooperative pool that
/// every test shares.
@discardableResult
func run(_ executable: String, _ arguments: [String], input: Data? = nil) async throws -> Data {
    let (status, output, errors) = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<(Int32, Data, String), any Error>) in
        DispatchQueue(label: "attache.test.process").async {
            do {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: executable)
                process.arguments = arguments
                let output = Pipe()
                let errors = Pipe()
                let stdin = Pipe()
                process.standardOutput = output
                process.standardError = errors
                process.standardInput = stdin
                try process.run()
                if let input { stdin.fileHandleForWriting.write(input) }
                try stdin.fileHandleForWriting.close()
                let data = output.fileHandleForReading.readDataToEndOfFile()
                let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                continuation.resume(returning: (process.terminationStatus, data, errorText))
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }
    #expect(status == 0, "\(executable) \(arguments) failed: \(errors)")
    return output
}

/// kcat's path, which the project's setup installs.
let kcat = "/usr/bin/kcat"
