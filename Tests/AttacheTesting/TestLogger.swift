import Foundation
import Logging

/// A logger for tests: `warning` and above, unless the environment variable `variable`
/// names another level (e.g. `NOTIFIER_TEST_LOG=debug`).
public func makeTestLogger(label: String, levelVariable: String? = nil) -> Logger {
    var logger = Logger(label: label)
    logger.logLevel =
        levelVariable.flatMap { ProcessInfo.processInfo.environment[$0] }.flatMap { Logger.Level(rawValue: $0) }
        ?? .warning
    return logger
}
