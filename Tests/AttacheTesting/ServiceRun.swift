import AttacheRuntime
import Foundation

/// A service running in a task for a test: `body` is the service's `run(shutdown:onHTTPStarted:)`.
/// `stop()` asks for shutdown (as SIGTERM does) and waits; `port()` waits for the HTTP
/// server's bound port (services listen on port 0 in tests).
public final class ServiceRun: @unchecked Sendable {
    public let shutdown = ShutdownDeadline()
    public let task: Task<Void, any Error>
    private let lock = NSLock()
    private var bound: Int?
    private var ended = false

    public init(
        _ body: @escaping @Sendable (ShutdownDeadline, @escaping @Sendable (Int) async -> Void) async throws -> Void
    ) {
        let shutdown = shutdown
        let box = WeakRun()
        task = Task {
            defer { box.run?.markEnded() }
            try await body(shutdown) { port in box.run?.setPort(port) }
        }
        box.run = self
    }

    private final class WeakRun: @unchecked Sendable {
        weak var run: ServiceRun?
    }

    private func setPort(_ port: Int) { lock.withLock { bound = port } }
    private func markEnded() { lock.withLock { ended = true } }

    /// The bound HTTP port, once the server listens.
    public var httpPort: Int? { lock.withLock { bound } }

    /// Waits for the HTTP server's port (generously: tests start many servers at once on two
    /// cores); throws after `timeout` or when the service ended first.
    public func port(timeout: Duration = .seconds(90)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let port = httpPort { return port }
            if lock.withLock({ ended }) {
                try await task.value
                throw TestFailure("the service ended before its HTTP server started")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestFailure("the HTTP server did not start within \(timeout)")
    }

    /// Graceful stop (as SIGTERM): asks for shutdown and waits; rethrows what the service threw.
    public func stop() async throws {
        shutdown.request()
        try await task.value
    }
}
