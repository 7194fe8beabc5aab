import CRdKafka
import Foundation
import Logging

/// Fatal errors of any Kafka client of the process (librdkafka's error callback with
/// `_FATAL`: a fenced or otherwise unusable client), for a process-wide reaction: the
/// service runtime marks `/healthz` failed and stops the process with a non-zero status.
public enum KafkaFatalErrors {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var handlers: [@Sendable (KafkaError) -> Void] = []

    /// Calls `handler` (on a librdkafka thread) for every fatal error from now on.
    public static func observe(_ handler: @escaping @Sendable (KafkaError) -> Void) {
        lock.withLock { handlers.append(handler) }
    }

    static func report(_ error: KafkaError) {
        let current = lock.withLock { handlers }
        current.forEach { $0(error) }
    }
}
