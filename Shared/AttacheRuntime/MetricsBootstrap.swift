import Foundation
import Metrics

/// Points the process-wide swift-metrics `MetricsSystem` at a service's registry, so that
/// what libraries report through swift-metrics (Hummingbird's `MetricsMiddleware`: request
/// counts and durations) is served at that service's `/metrics`. swift-metrics allows one
/// bootstrap per process: the first call wins, later ones do nothing.
public enum MetricsBootstrap {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var done = false

    /// Whether `bootstrap` was called in this process.
    public static var isBootstrapped: Bool { lock.withLock { done } }

    /// Bootstraps `MetricsSystem` with `metrics.factory`, once per process.
    public static func bootstrap(_ metrics: Metrics) {
        let first = lock.withLock {
            defer { done = true }
            return !done
        }
        if first { MetricsSystem.bootstrap(metrics.factory) }
    }
}
