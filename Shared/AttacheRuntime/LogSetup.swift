import Foundation
import Logging

/// Sets up swift-log once per process: to standard error, at `ATTACHE_LOG_LEVEL`
/// (trace, debug, info, notice, warning, error, critical) or the command's default.
public enum LogSetup {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var done = false

    /// Bootstraps logging; later calls do nothing.
    public static func bootstrap(defaultLevel: Logger.Level = .info) {
        lock.withLock {
            guard !done else { return }
            done = true
            let level =
                ProcessInfo.processInfo.environment["ATTACHE_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
                ?? defaultLevel
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }
}
