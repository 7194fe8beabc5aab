import Logging
import ServiceLifecycle
import UnixSignals

/// How every Attache process runs its services: one ServiceLifecycle `ServiceGroup`.
///
/// - SIGTERM and SIGINT start a graceful shutdown: the first member's graceful-shutdown
///   handler requests the process's `ShutdownDeadline`, which every member watches, and from
///   then on the whole process has until
///   the deadline (`ATTACHE_SHUTDOWN_TIMEOUT_MS`, default 10 s) to finish what it holds; a
///   watchdog ends the process (status 1) at the deadline whatever still runs.
/// - A member that returns or fails shuts the others down gracefully; a failure (a fatal
///   Kafka error, a port in use) is thrown, so that the command exits non-zero.
///
/// `attache serve` runs one service this way, `attache dev` and `attache demo` all three
/// in one group (see docs/architecture.md, "Runtime").
public enum ServiceRuntime {
    /// Runs `services` in one group until a signal, a member's end or failure; throws the
    /// first failure. `signals: false` leaves the process's signals alone (tests, tools).
    public static func run(_ services: [any Service], shutdown: ShutdownDeadline, logger: Logger, signals: Bool = true)
        async throws
    {
        if signals { shutdown.enforce(logger: logger) }
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .notice)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map {
                    .init(
                        service: $0, successTerminationBehavior: .gracefullyShutdownGroup,
                        failureTerminationBehavior: .gracefullyShutdownGroup)
                },
                gracefulShutdownSignals: signals ? [.sigterm, .sigint] : [],
                logger: quiet))
        // A request from elsewhere (a fatal Kafka error, a test) shuts the group down too.
        shutdown.whenRequested { Task { await group.triggerGracefulShutdown() } }
        try await group.run()
    }
}

/// One Attache service as a ServiceLifecycle `Service`: `body` runs with the process's
/// shutdown deadline, which the group's graceful shutdown (or a cancellation) requests.
public struct AttacheService: Service {
    /// The service's name, for logs.
    public let name: String
    let shutdown: ShutdownDeadline
    let body: @Sendable (ShutdownDeadline) async throws -> Void

    /// A member named `name` that runs `body` until `shutdown` is requested.
    public init(
        _ name: String, shutdown: ShutdownDeadline, body: @escaping @Sendable (ShutdownDeadline) async throws -> Void
    ) {
        self.name = name
        self.shutdown = shutdown
        self.body = body
    }

    /// Runs `body`. The process's members share one deadline, so a shutdown stops them all
    /// at once; a member whose work ended that way then waits for its turn in the group's
    /// shutdown (the group stops members one by one, in reverse order, and counts a member
    /// that ends before its turn as a failure).
    public func run() async throws {
        let shutdown = shutdown
        try await withGracefulShutdownHandler {
            try await withTaskCancellationHandler {
                try await body(shutdown)
            } onCancel: {
                shutdown.request()
            }
            if shutdown.isRequested { try? await gracefulShutdown() }
        } onGracefulShutdown: {
            shutdown.request()
        }
    }
}
