import Foundation

/// Runs a program to its end on a thread of its own (never on the cooperative pool every
/// test shares), with `input` on its standard input: its status, standard output and
/// standard error.
public func runProcess(_ executable: String, _ arguments: [String], input: Data? = nil) async throws -> (
    status: Int32, output: Data, errors: Data
) {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            continuation.resume(with: Result { try runProcessBlocking(executable, arguments, input: input) })
        }
    }
}

/// `runProcess` on the calling thread.
public func runProcessBlocking(
    _ executable: String, _ arguments: [String], input: Data? = nil, mergeErrors: Bool = false
) throws -> (status: Int32, output: Data, errors: Data) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe()
    let errors = Pipe()
    let stdin = Pipe()
    process.standardOutput = output
    process.standardError = mergeErrors ? output : errors
    process.standardInput = stdin
    try process.run()
    if let input { stdin.fileHandleForWriting.write(input) }
    try? stdin.fileHandleForWriting.close()
    let out = output.fileHandleForReading.readDataToEndOfFile()
    let err = mergeErrors ? Data() : errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, out, err)
}
