import AttacheRuntime
import AttacheTesting
import Foundation
import Testing

/// The one bootstrap of the three services: what a failing HTTP server and a failing work do
/// to the service, by the HTTP server's role.
@Suite("ServiceHost")
struct ServiceHostTests {
    static let logger = makeTestLogger(label: "service-host-test")

    struct WorkFailed: Error, CustomStringConvertible {
        var description: String { "the work failed" }
    }

    static func host(port: Int, health: Health) -> ServiceHost {
        ServiceHost(
            name: "test",
            options: ServiceOptions(brokers: "unused:9092", httpPort: port, httpHost: "127.0.0.1", groupID: "g"),
            health: health, metrics: Metrics(), logger: logger)
    }

    /// A host serving on a free port until `release` is requested; returns the port.
    static func occupyPort(until release: ShutdownDeadline) async throws -> Int {
        let bound = PortBox()
        Task {
            try await host(port: 0, health: Health()).run(onHTTPStarted: { bound.set($0) }) { await release.wait() }
        }
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let port = bound.port { return port }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestFailure("the first server did not start")
    }

    final class PortBox: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Int?
        func set(_ port: Int) { lock.withLock { value = port } }
        var port: Int? { lock.withLock { value } }
    }

    @Test("health role: a port in use is logged and the work goes on; the work's end stops the service cleanly")
    func healthRole() async throws {
        let release = ShutdownDeadline()
        defer { release.request() }
        let port = try await Self.occupyPort(until: release)
        let health = Health()
        let ran = PortBox()
        try await Self.host(port: port, health: health).run {
            try await Task.sleep(for: .milliseconds(500))
            ran.set(1)
        }
        #expect(ran.port == 1, "the work was cut short")
        #expect(health.isAlive)
        #expect(health.readiness == "stopped")
    }

    @Test("input role: a port in use stops the work and is thrown; /healthz fails with it")
    func inputRole() async throws {
        let release = ShutdownDeadline()
        defer { release.request() }
        let port = try await Self.occupyPort(until: release)
        let health = Health()
        let stop = ShutdownDeadline()
        await #expect(throws: (any Error).self) {
            try await Self.host(port: port, health: health).run(role: .input(stop: stop)) {
                // The work ends once the service is asked to stop (here: by the HTTP server).
                await stop.wait()
            }
        }
        #expect(stop.isRequested)
        #expect(!health.isAlive)
    }

    @Test("a failing work marks the service failed and is thrown; a cancellation is a stop, not a failure")
    func failures() async throws {
        let health = Health()
        await #expect(throws: WorkFailed.self) {
            try await Self.host(port: 0, health: health).run { throw WorkFailed() }
        }
        #expect(health.fatalReason == "the work failed")
        let calm = Health()
        await #expect(throws: CancellationError.self) {
            try await Self.host(port: 0, health: calm).run { throw CancellationError() }
        }
        #expect(calm.isAlive)
    }
}
