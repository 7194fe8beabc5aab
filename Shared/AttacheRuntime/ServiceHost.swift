import Hummingbird
import Logging

/// What each service's `run` does around its own work, in one place: serve `/healthz`,
/// `/readyz` and `/metrics` (and the service's own routes) beside the work; when the work
/// throws, mark the service failed (`/healthz` 503 with the reason) and log it; stop the HTTP
/// server only after the work, so that health answers during the shutdown.
public struct ServiceHost: Sendable {
    /// The service's name, for logs.
    public var name: String
    public var server: ServiceHTTPServer

    public init(name: String, options: ServiceOptions, health: Health, metrics: Metrics, logger: Logger) {
        self.name = name
        self.server = ServiceHTTPServer(host: options.httpHost, port: options.httpPort, health: health, metrics: metrics, logger: logger)
    }

    /// Runs `work` beside the HTTP server; rethrows what stopped it. An HTTP server that
    /// cannot serve (a port in use) is logged and does not stop the work.
    public func run(routes: @escaping @Sendable (Router<BasicRequestContext>) -> Void = { _ in },
                    onHTTPStarted: @escaping @Sendable (Int) async -> Void,
                    work: () async throws -> Void) async throws {
        let server = server
        let name = name
        let logger = server.logger
        let http = Task {
            do {
                try await server.run(routes: routes, onStarted: onHTTPStarted)
            } catch where !Task.isCancelled {
                logger.error("the \(name) health and metrics server on \(server.host):\(server.port) stopped: \(error)")
            }
        }
        do {
            try await work()
        } catch {
            server.health.setFatal("\(error)")
            server.health.setReady(false, "stopped: \(error)")
            logger.critical("\(name) stopped: \(error)")
            http.cancel()
            _ = await http.result
            throw error
        }
        server.health.setReady(false, "stopped")
        http.cancel()
        _ = await http.result
        logger.info("\(name) stopped")
    }
}
