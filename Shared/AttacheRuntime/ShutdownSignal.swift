import Dispatch
import Foundation

/// SIGINT and SIGTERM as an awaitable event: services finish what they hold (deliver,
/// commit) and exit instead of dying mid-record.
public final class ShutdownSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var requested = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var sources: [any DispatchSourceSignal] = []

    public init() {}

    /// Starts listening for SIGINT and SIGTERM.
    public func install() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [weak self] in self?.request() }
            source.resume()
            sources.append(source)
        }
    }

    /// Asks for shutdown (as a signal would).
    public func request() {
        let toResume: [CheckedContinuation<Void, Never>] = lock.withLock {
            requested = true
            defer { waiters.removeAll() }
            return waiters
        }
        toResume.forEach { $0.resume() }
    }

    /// Whether shutdown was asked for.
    public var isRequested: Bool { lock.withLock { requested } }

    /// Returns once shutdown is asked for.
    public func wait() async {
        await withCheckedContinuation { continuation in
            let now = lock.withLock {
                if requested { return true }
                waiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }
}
