import AttacheKafka
import AttacheRuntime
import Foundation

/// What a fatal Kafka error does to the ingest service: the first one is kept, `/healthz`
/// answers 503 with it at once, and the service is asked to stop; `IngestService.run` then
/// throws it, so the process exits non-zero. Fatal means the producer can no longer deliver
/// anything (librdkafka's fatal class, e.g. a fenced or broken idempotent producer, or the
/// client may not write at all):
/// retrying cannot help, and answering or committing on would lose records.
final class FatalStop: @unchecked Sendable {
    private let lock = NSLock()
    private var _error: KafkaError?
    private let health: Health
    private let stop: ShutdownDeadline

    init(health: Health, stop: ShutdownDeadline) {
        self.health = health
        self.stop = stop
    }

    /// The first fatal error, if any.
    var error: KafkaError? { lock.withLock { _error } }

    /// Whether `error` is fatal; if so records it (the first one), marks the service
    /// broken and requests the stop.
    @discardableResult
    func check(_ error: any Error) -> Bool {
        guard let error = FatalStop.fatal(error) else { return false }
        let first = lock.withLock {
            defer { if _error == nil { _error = error } }
            return _error == nil
        }
        if first {
            health.setFatal("fatal Kafka error: \(error)")
            stop.request()
        }
        return true
    }

    /// The error when it stops the service (see `PublishFailure.service`), else nil.
    static func fatal(_ error: any Error) -> KafkaError? {
        guard case .service(let kafka) = PublishFailure.classify(error) else { return nil }
        return kafka
    }
}
