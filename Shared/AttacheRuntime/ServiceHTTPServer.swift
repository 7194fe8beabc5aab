import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle

/// The HTTP server every service runs: `GET /healthz`, `/readyz` and `/metrics`, plus the
/// routes a service adds (ingest's article API).
public struct ServiceHTTPServer: Sendable {
    public var host: String
    public var port: Int
    public var health: Health
    public var metrics: Metrics
    public var logger: Logger

    public init(host: String, port: Int, health: Health, metrics: Metrics, logger: Logger) {
        self.host = host
        self.port = port
        self.health = health
        self.metrics = metrics
        self.logger = logger
    }

    /// The server as a ServiceLifecycle `Service`, for a process's `ServiceGroup`
    /// (`ServiceRuntime`): it serves until the group shuts down gracefully (open requests
    /// finish). `routes` adds a service's own routes; `onStarted` receives the bound port
    /// (useful with port 0). `server` configures HTTP/1.1 (timeouts, header limits, extra
    /// channel handlers).
    public func service(
        routes: @Sendable (Router<BasicRequestContext>) -> Void = { _ in },
        server: HTTPServerBuilder = .http1(),
        onStarted: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some Service {
        let router = Router()
        // Request counts and durations through swift-metrics (see `MetricsBootstrap`).
        // Only where a process bootstrapped swift-metrics: elsewhere it would count into nothing.
        if MetricsBootstrap.isBootstrapped { router.add(middleware: MetricsMiddleware()) }
        let health = health
        let metrics = metrics
        router.get("/healthz") { _, _ -> Response in
            let alive = health.isAlive
            return ServiceHTTPServer.text(
                alive ? "ok\n" : "failed: \(health.fatalReason ?? "")\n", status: alive ? .ok : .serviceUnavailable)
        }
        router.get("/readyz") { _, _ -> Response in
            let ready = health.isReady
            return ServiceHTTPServer.text(
                (ready ? "ready: " : "not ready: ") + health.readiness + "\n",
                status: ready ? .ok : .serviceUnavailable)
        }
        router.get("/metrics") { _, _ -> Response in
            var response = ServiceHTTPServer.text(metrics.render(), status: .ok)
            response.headers[.contentType] = "text/plain; version=0.0.4"
            return response
        }
        routes(router)
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .notice)
        return Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(host, port: port), serverName: "attache"),
            onServerRunning: { channel in await onStarted(channel.localAddress?.port ?? 0) },
            logger: quiet
        )
    }

    /// Serves until the task is cancelled, then closes gracefully (open requests finish):
    /// for a service that runs its HTTP server beside its own work and stops it after that
    /// work (so that `/healthz` answers during the shutdown). Parameters as `service`.
    public func run(
        routes: @Sendable (Router<BasicRequestContext>) -> Void = { _ in },
        server: HTTPServerBuilder = .http1(),
        onStarted: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let app = service(routes: routes, server: server, onStarted: onStarted)
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .notice)
        // Cancelling the server's task starts a graceful shutdown; the server runs in a group
        // of its own (no signals: the process's group has them) so that the cancellation does
        // not also tear its connections down mid-way.
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: quiet))
        let serving = Task { try await group.run() }
        try await withTaskCancellationHandler {
            try await serving.value
        } onCancel: {
            Task { await group.triggerGracefulShutdown() }
        }
    }

    /// A plain-text response.
    public static func text(_ body: String, status: HTTPResponse.Status) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
