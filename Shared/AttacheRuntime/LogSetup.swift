import Foundation
import Logging

/// Sets up swift-log once per process: to standard error, at `ATTACHE_LOG_LEVEL`
/// (trace, debug, info, notice, warning, error, critical; default info).
public enum LogSetup {
    private static let once: Void = {
        let level = ProcessInfo.processInfo.environment["ATTACHE_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }()

    /// Bootstraps logging (idempotent).
    public static func bootstrap() { _ = once }
}
