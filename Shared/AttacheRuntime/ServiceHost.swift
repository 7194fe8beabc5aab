import Foundation
import Hummingbird
import HummingbirdCore
import Logging

/// What each service's `run` does around its own work, in one place: serve `/healthz`,
/// `/readyz` and `/metrics` (and the service's own routes) beside the work; when the work
/// throws, mark the service failed (`/healthz` 503 with the reason) and log it; stop the HTTP
/// server when `HTTPRole` says. The ingest, enrichment and notifier services run on it
/// (docs/architecture.md §9).
public struct ServiceHost: Sendable {
    /// What the HTTP server is to the service.
    public enum HTTPRole: Sendable {
        /// Health and metrics only: a server that cannot serve (a port in use) is logged and
        /// does not stop the work; it stops after the work, so that `/healthz` answers
        /// through the shutdown.
        case health
        /// The service's input (ingest's article API): a server that cannot serve stops the
        /// service (its error is thrown once the work has stopped), and it stops taking
        /// requests as soon as `stop` is requested (open requests finish), while the work
        /// finishes what it holds. The work must end once `stop` is requested.
        case input(stop: ShutdownDeadline)
    }

    /// The service's name, for logs.
    public var name: String
    public var server: ServiceHTTPServer

    public init(name: String, options: ServiceOptions, health: Health, metrics: Metrics, logger: Logger) {
        self.name = name
        self.server = ServiceHTTPServer(
            host: options.httpHost, port: options.httpPort, health: health, metrics: metrics, logger: logger)
    }

    /// Runs `work` beside the HTTP server; rethrows what stopped it. `routes` adds the
    /// service's own routes and `builder` configures HTTP/1.1 (see `ServiceHTTPServer`).
    /// A `CancellationError` is a stop, not a failure: it is rethrown without marking the
    /// service failed.
    public func run(
        routes: @escaping @Sendable (Router<BasicRequestContext>) -> Void = { _ in },
        builder: HTTPServerBuilder = .http1(),
        role: HTTPRole = .health,
        onHTTPStarted: @escaping @Sendable (Int) async -> Void = { _ in },
        work: () async throws -> Void
    ) async throws {
        let server = server
        let name = name
        let logger = server.logger
        let httpFailure = FirstError()
        let http = Task {
            do {
                try await server.run(routes: routes, server: builder, onStarted: onHTTPStarted)
            } catch  where !Task.isCancelled {
                logger.error("the \(name) HTTP server on \(server.host):\(server.port) stopped: \(error)")
                if case .input(let stop) = role {
                    httpFailure.keep(error)
                    stop.request()
                }
            }
        }
        // An input server stops taking requests at once when the service stops.
        var stopper: Task<Void, Never>?
        if case .input(let stop) = role {
            stopper = Task {
                await stop.wait()
                if !Task.isCancelled { http.cancel() }
            }
        }
        var failure: (any Error)?
        do {
            try await work()
        } catch {
            failure = error
        }
        failure = failure ?? httpFailure.error
        stopper?.cancel()
        if let failure, !(failure is CancellationError) {
            server.health.setFatal("\(failure)")
            server.health.setReady(false, "stopped: \(failure)")
            logger.critical("\(name) stopped: \(failure)")
        } else {
            server.health.setReady(false, "stopped")
        }
        http.cancel()
        _ = await http.result
        if let failure { throw failure }
        logger.info("\(name) stopped")
    }
}

/// The first error kept, from any thread.
private final class FirstError: @unchecked Sendable {
    private let lock = NSLock()
    private var first: (any Error)?

    func keep(_ error: any Error) {
        lock.withLock { if first == nil { first = error } }
    }

    var error: (any Error)? { lock.withLock { first } }
}
