import Foundation

/// Unbuffered output, so lines reach a pipe (a test, `tee`, a log collector) at once.
enum Console {
    /// Writes a line to standard output.
    static func out(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Writes a line to standard error.
    static func err(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
