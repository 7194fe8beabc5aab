import AttacheModels
import AttacheRuntime
import Foundation
import Logging

/// Exponential backoff with full jitter (the wait before retry n is uniform in
/// `0 ... min(maxDelay, baseDelay · 2^(n-1))`), bounded to `maxAttempts` attempts per sink.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts per sink, the first included (at least 1).
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration

    public init(maxAttempts: Int = 5, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(30)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The upper bound of the wait before retry `retry` (1 for the first retry).
    public func ceiling(beforeRetry retry: Int) -> Duration {
        let exponent = min(max(retry - 1, 0), 30)
        let grown = baseDelay * (1 << exponent)
        return min(grown, maxDelay)
    }

    /// The wait before retry `retry`: `ceiling · unit`, with `unit` uniform in `0...1`.
    public func delay(beforeRetry retry: Int, unit: Double = Double.random(in: 0...1)) -> Duration {
        ceiling(beforeRetry: retry) * min(max(unit, 0), 1)
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
