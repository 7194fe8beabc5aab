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

/// What became of a notification at one sink.
enum SinkOutcome: Sendable, Hashable {
    /// The sink accepted it after `attempts` attempts.
    case accepted(attempts: Int)
    /// The sink did not accept it: after the last retry, or at once for a permanent error.
    case failed(attempts: Int, error: String, permanent: Bool)
    /// Shutdown came before the sink accepted it; it will be delivered again after restart.
    case interrupted(attempts: Int)
}

/// Delivers a notification to every sink concurrently, each with its own retries.
struct Deliverer: Sendable {
    var sinks: [any NotificationSink]
    var policy: RetryPolicy
    var metrics: Metrics
    var logger: Logger
    /// True once the service should stop: backoff waits end early (the delivery is
    /// interrupted, not failed).
    var stopping: @Sendable () -> Bool

    /// The outcome at each sink, in the order of `sinks`.
    func deliver(_ notification: Notification) async -> [SinkOutcome] {
        await withTaskGroup(of: (Int, SinkOutcome).self) { group in
            for (index, sink) in sinks.enumerated() {
                group.addTask { (index, await self.deliver(notification, to: sink)) }
            }
            var outcomes = [SinkOutcome](repeating: .interrupted(attempts: 0), count: sinks.count)
            for await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes
        }
    }

    private func deliver(_ notification: Notification, to sink: any NotificationSink) async -> SinkOutcome {
        let started = ContinuousClock.now
        var attempt = 0
        while true {
            attempt += 1
            do {
                try await sink.deliver(notification)
                let seconds = started.duration(to: .now).seconds
                metrics.observe("attache_notifier_delivery_seconds", seconds, labels: ["sink": sink.name])
                metrics.increment("attache_notifier_sent_total", labels: ["sink": sink.name, "rule": notification.rule])
                if attempt > 1 {
                    logger.info("\(sink.name) accepted notification \(notification.id) after \(attempt) attempts")
                }
                return .accepted(attempts: attempt)
            } catch {
                let permanent = (error as? SinkError)?.isPermanent ?? false
                let text = "\(error)"
                if permanent || attempt >= policy.maxAttempts {
                    logger.error("\(sink.name) did not accept notification \(notification.id) after \(attempt) attempt(s): \(text)")
                    return .failed(attempts: attempt, error: text, permanent: permanent)
                }
                let wait = policy.delay(beforeRetry: attempt)
                logger.warning("\(sink.name) did not accept notification \(notification.id) (attempt \(attempt) of \(policy.maxAttempts)), retrying in \(String(format: "%.0f", wait.seconds * 1000)) ms: \(text)")
                guard await pause(wait) else { return .interrupted(attempts: attempt) }
                metrics.increment("attache_notifier_retries_total", labels: ["sink": sink.name])
            }
        }
    }

    /// Waits, in short slices so that a shutdown ends the wait; false when it did.
    private func pause(_ duration: Duration) async -> Bool {
        let deadline = ContinuousClock.now + duration
        while ContinuousClock.now < deadline {
            if stopping() || Task.isCancelled { return false }
            let left = ContinuousClock.now.duration(to: deadline)
            try? await Task.sleep(for: min(left, .milliseconds(50)))
        }
        return !stopping()
    }
}

/// A notification a sink did not accept (`attache.notification-dead-letter.v1`), the value
/// of `notifications.dead`, keyed by notification id: the notification, the sink, the last
/// error and the number of attempts, so an operator can deliver it again.
public struct DeadLetter: Codable, Sendable, Hashable {
    /// The schema header and field of dead letters.
    public static let schemaName = "attache.notification-dead-letter.v1"

    public var schema: String = DeadLetter.schemaName
    public var notification: AttacheModels.Notification
    /// The sink's name (`webhook:<host>`, `file`, `console`).
    public var sink: String
    /// The last error.
    public var error: String
    public var attempts: Int
    /// True when the sink refused it for good (e.g. HTTP 400) rather than after the retries.
    public var permanent: Bool
    /// When it was dead-lettered.
    public var at: Date

    public init(notification: AttacheModels.Notification, sink: String, error: String, attempts: Int, permanent: Bool, at: Date) {
        self.notification = notification
        self.sink = sink
        self.error = error
        self.attempts = attempts
        self.permanent = permanent
        self.at = at
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
