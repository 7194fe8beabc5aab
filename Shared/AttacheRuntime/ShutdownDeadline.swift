import AttacheModels
import Dispatch
import Foundation
import Logging

/// The process's shutdown as an awaitable event with a deadline: services finish what they
/// hold (deliver, commit) and exit instead of dying mid-record, and they exit within
/// `timeout` (`ATTACHE_SHUTDOWN_TIMEOUT_MS`, default 10 s) even when the Kafka cluster cannot
/// be reached: what is not committed by then is logged (`UncommittedWork`) and read again
/// after restart.
///
/// SIGTERM and SIGINT reach it through the process's `ServiceGroup` (`ServiceRuntime`):
/// the group's graceful shutdown requests it. Enforced (`enforce(logger:)`, once per
/// process), a request also arms a watchdog that ends the process at the deadline whatever
/// still runs, so no blocked call can hold a shutdown.
public final class ShutdownDeadline: @unchecked Sendable {
    /// The default shutdown deadline.
    public static let defaultTimeout = Duration.milliseconds(10_000)

    /// How long a shutdown may take, from the environment (`ATTACHE_SHUTDOWN_TIMEOUT_MS`).
    public static func timeout(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Duration {
        guard let text = environment["ATTACHE_SHUTDOWN_TIMEOUT_MS"] else { return defaultTimeout }
        guard let ms = Int(text), (100...3_600_000).contains(ms) else {
            throw OptionsError(
                "ATTACHE_SHUTDOWN_TIMEOUT_MS=\(text) is not a number of milliseconds between 100 and 3600000")
        }
        return .milliseconds(ms)
    }

    /// How long the shutdown may take once asked for.
    public let timeout: Duration
    private let lock = NSLock()
    private var requestedAt: ContinuousClock.Instant?
    private var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
    private var installedLogger: Logger?
    private var observers: [@Sendable () -> Void] = []

    public init(timeout: Duration = ShutdownDeadline.defaultTimeout) {
        self.timeout = timeout
    }

    /// From now on a request arms the watchdog, which logs what is uncommitted and exits
    /// (status 1) at the deadline. For processes, not for tests.
    public func enforce(logger: Logger = Logger(label: "attache.shutdown")) {
        lock.withLock { installedLogger = logger }
    }

    /// Asks for shutdown (as a signal would). The deadline runs from the first request.
    public func request() {
        let (toResume, logger, first, notify):
            ([CheckedContinuation<Void, Never>], Logger?, Bool, [@Sendable () -> Void]) = lock.withLock {
                let first = requestedAt == nil
                if first { requestedAt = .now }
                defer {
                    waiters.removeAll()
                    observers.removeAll()
                }
                return (Array(waiters.values), installedLogger, first, observers)
            }
        notify.forEach { $0() }
        if first, let logger {
            logger.notice("shutting down (deadline \(timeout))")
            armWatchdog(logger)
        }
        toResume.forEach { $0.resume() }
    }

    /// Calls `action` once, on the first request (at once when it was asked for already):
    /// `ServiceRuntime` shuts its group down from here.
    public func whenRequested(_ action: @escaping @Sendable () -> Void) {
        let now = lock.withLock {
            if requestedAt != nil { return true }
            observers.append(action)
            return false
        }
        if now { action() }
    }

    /// Whether shutdown was asked for.
    public var isRequested: Bool { lock.withLock { requestedAt != nil } }

    /// When the shutdown must be complete; nil until it is asked for.
    public var deadline: ContinuousClock.Instant? { lock.withLock { requestedAt.map { $0 + timeout } } }

    /// The time left before the deadline minus `margin` (never negative); the whole timeout
    /// while no shutdown is asked for.
    public func remaining(margin: Duration = .zero) -> Duration {
        guard let deadline else { return max(.zero, timeout - margin) }
        return max(.zero, ContinuousClock.now.duration(to: deadline) - margin)
    }

    /// `remaining(margin:)` in whole milliseconds, for Kafka calls that take them.
    public func remainingMs(margin: Duration = .zero) -> Int {
        let left = remaining(margin: margin).components
        return Int(left.seconds) * 1000 + Int(left.attoseconds / 1_000_000_000_000_000)
    }

    /// Returns once shutdown is asked for, or the calling task is cancelled.
    public func wait() async {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let now = lock.withLock {
                    if requestedAt != nil || Task.isCancelled { return true }
                    waiters[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            lock.withLock { waiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// Waits for `work` until it finishes or the deadline (minus `margin`) passes after a
    /// shutdown was asked for. True when it finished; false when it was left behind (it may
    /// be blocked on an unreachable cluster), so that the caller can log what is left and
    /// return in time.
    ///
    /// A second before giving up, `work` is cancelled, so that waits that honour
    /// cancellation (a delivery report that cannot come) end and the work can still finish.
    public func bounded(margin: Duration = .milliseconds(1_500), _ work: Task<Void, any Error>) async throws -> Bool {
        let outcome = OneShot()
        let timer = Task {
            await wait()
            if Task.isCancelled { return }
            try? await Task.sleep(for: remaining(margin: margin + .seconds(1)))
            if Task.isCancelled { return }
            work.cancel()
            try? await Task.sleep(for: remaining(margin: margin))
            if !Task.isCancelled { outcome.resume(.success(false)) }
        }
        defer { timer.cancel() }
        return try await withCheckedThrowingContinuation { continuation in
            outcome.install(continuation)
            Task {
                do {
                    try await work.value
                    outcome.resume(.success(true))
                } catch {
                    outcome.resume(.failure(error))
                }
            }
        }
    }

    /// A thread of its own (not a dispatch queue, whose threads blocked work can exhaust)
    /// that ends the process at the deadline: it says what was left uncommitted with a
    /// plain `write(2)` (no lock another thread could hold) and exits with status 1.
    private func armWatchdog(_ logger: Logger) {
        let deadline = Date().addingTimeInterval(
            Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18 - 0.2)
        let timeout = timeout
        let thread = Thread {
            Thread.sleep(until: deadline)
            let left = UncommittedWork.shared.describe()
            let line =
                "\(AttacheJSON.formatInstant(Date())) error attache.shutdown: shutdown deadline of \(timeout) passed; exiting now (status 1). \(left.isEmpty ? "No input was held uncommitted." : "Left uncommitted (read again after restart): \(left)")\n"
            line.utf8CString.withUnsafeBufferPointer { buffer in
                _ = write(2, buffer.baseAddress, buffer.count - 1)
            }
            _exit(1)
        }
        thread.name = "attache.shutdown-watchdog"
        thread.start()
        _ = logger
    }
}

/// A continuation resumed by whichever of two racing tasks finishes first.
private final class OneShot: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Bool, any Error>?
    private var early: Result<Bool, any Error>?
    private var done = false

    func install(_ continuation: CheckedContinuation<Bool, any Error>) {
        let ready: Result<Bool, any Error>? = lock.withLock {
            if let early { return early }
            self.continuation = continuation
            return nil
        }
        if let ready { continuation.resume(with: ready) }
    }

    func resume(_ result: Result<Bool, any Error>) {
        let waiting: CheckedContinuation<Bool, any Error>? = lock.withLock {
            if done { return nil }
            done = true
            if let continuation { self.continuation = nil; return continuation }
            early = result
            return nil
        }
        waiting?.resume(with: result)
    }
}
