import Foundation

/// Exponential backoff with full jitter (the wait before retry n is uniform in
/// `0 ... min(maxDelay, baseDelay · 2^(n-1))`), bounded to `maxAttempts` attempts: the one
/// retry rule of every service (a notifier's deliveries, a stage's transaction calls,
/// commits, restores).
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts, the first included (at least 1).
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

    /// Runs `body`; while it fails with an error `retryable` accepts and attempts are left,
    /// tells `onRetry` (the error, the retry's number, the wait), waits (`delay(beforeRetry:)`,
    /// through `wait`) and runs it again. Throws the last error. A cancelled task stops
    /// retrying, and so does a `wait` that returns false (the caller is stopping; the error
    /// that led to the wait is thrown).
    public func run<T, E: Error>(
        _ body: () async throws(E) -> T, retryable: (E) -> Bool,
        onRetry: (E, Int, Duration) -> Void = { _, _, _ in },
        wait: (Duration) async -> Bool = RetryPolicy.sleep
    ) async throws(E) -> T {
        var attempt = 1
        while true {
            do {
                return try await body()
            } catch  where attempt < maxAttempts && retryable(error) && !Task.isCancelled {
                let pause = delay(beforeRetry: attempt)
                onRetry(error, attempt, pause)
                attempt += 1
                guard await wait(pause) else { throw error }
            }
        }
    }

    /// The plain wait between attempts: sleeps; false when the task was cancelled meanwhile.
    public static func sleep(_ duration: Duration) async -> Bool {
        try? await Task.sleep(for: duration)
        return !Task.isCancelled
    }

    /// A wait that a stop ends early: sleeps `duration` in slices of at most 50 ms, asking
    /// `stopping` between them. False when `stopping` said so (or the task was cancelled)
    /// before the time was up.
    public static func pause(_ duration: Duration, until stopping: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + duration
        while ContinuousClock.now < deadline {
            if stopping() || Task.isCancelled { return false }
            try? await Task.sleep(for: min(ContinuousClock.now.duration(to: deadline), .milliseconds(50)))
        }
        return !stopping() && !Task.isCancelled
    }
}

extension Duration {
    /// The duration in seconds.
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
