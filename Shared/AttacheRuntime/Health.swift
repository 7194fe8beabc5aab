import Foundation

/// What `/healthz` and `/readyz` answer: alive until a fatal error, ready once the service
/// can do its work (connected, assigned, state restored), each with a reason.
public final class Health: @unchecked Sendable {
    private let lock = NSLock()
    private var _ready = false
    private var _readiness = "starting"
    private var _fatal: String?

    public init() {}

    /// Marks the service ready or not, with the reason shown by `/readyz`.
    public func setReady(_ ready: Bool, _ reason: String) {
        lock.withLock {
            _ready = ready
            _readiness = reason
        }
    }

    /// Marks the service broken: `/healthz` answers 503 with the reason.
    public func setFatal(_ reason: String) {
        lock.withLock { _fatal = reason }
    }

    public var isReady: Bool { lock.withLock { _ready && _fatal == nil } }
    public var readiness: String { lock.withLock { _fatal ?? _readiness } }
    public var isAlive: Bool { lock.withLock { _fatal == nil } }
    public var fatalReason: String? { lock.withLock { _fatal } }
}
