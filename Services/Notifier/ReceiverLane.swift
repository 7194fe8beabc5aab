import AttacheModels
import AttacheRuntime
import Foundation
import Logging

/// What became of a notification at one receiver.
enum SinkOutcome: Sendable, Hashable {
    /// The receiver accepted it after `attempts` attempts.
    case accepted(attempts: Int)
    /// The receiver did not accept it: after the last retry, or at once for a permanent error.
    case failed(attempts: Int, error: String, permanent: Bool)
    /// Shutdown came before the receiver accepted it; it will be delivered after restart.
    case interrupted(attempts: Int)
}

/// A counting semaphore for async code: at most `limit` holders at once, the others wait
/// in order.
actor AsyncLimiter {
    private let limit: Int
    private var holders = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { self.limit = max(1, limit) }

    func acquire() async {
        if holders < limit {
            holders += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            holders -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}

/// One receiver's side of delivery: its sink, at most `maxInFlight` notifications in
/// flight (retries and their waits included), retries with backoff, and its metrics, all
/// labelled with the receiver's name.
final class ReceiverLane: @unchecked Sendable {
    let sink: any NotificationSink
    var name: String { sink.name }
    private let policy: RetryPolicy
    private let metrics: Metrics
    private let logger: Logger
    private let limiter: AsyncLimiter
    private let lock = NSLock()
    private var backingOff = 0
    private var inFlight = 0
    /// Set by a failed attempt, cleared by an accepted one: pausing follows the receiver's
    /// state, not each wait, so partitions do not flap between retries.
    private var failing = false

    init(sink: any NotificationSink, policy: RetryPolicy, maxInFlight: Int, metrics: Metrics, logger: Logger) {
        self.sink = sink
        self.policy = policy
        self.metrics = metrics
        self.logger = logger
        self.limiter = AsyncLimiter(limit: maxInFlight)
    }

    /// Whether this receiver is backing off: a delivery waits to retry, or the last attempt
    /// failed and none succeeded since (the partitions waiting on it are paused).
    var isBackingOff: Bool { lock.withLock { backingOff > 0 || failing } }

    /// Delivers with retries. `stopping` ends backoff waits early (the delivery is then
    /// interrupted, not failed).
    func deliver(_ notification: Notification, stopping: @escaping @Sendable () -> Bool) async -> SinkOutcome {
        await limiter.acquire()
        adjust(inFlight: 1)
        defer {
            adjust(inFlight: -1)
            Task { await limiter.release() }
        }
        let started = ContinuousClock.now
        let name = name
        let sink = sink
        let policy = policy
        var attempt = 0
        do {
            try await policy.run(
                {
                    if stopping() { throw DeliveryInterrupted() }
                    attempt += 1
                    do {
                        try await sink.deliver(notification)
                    } catch {
                        // Pausing follows the receiver's state: failing until an attempt succeeds.
                        if !ReceiverLane.isPermanent(error) { lock.withLock { failing = true } }
                        throw error
                    }
                }, retryable: { !($0 is DeliveryInterrupted) && !ReceiverLane.isPermanent($0) },
                onRetry: { error, attempt, wait in
                    logger.warning(
                        "\(name) did not accept notification \(notification.id) (attempt \(attempt) of \(policy.maxAttempts)), retrying in \(String(format: "%.0f", wait.seconds * 1000)) ms: \(error)"
                    )
                },
                wait: { wait in
                    adjust(backingOff: 1)
                    let waited = await RetryPolicy.pause(wait, until: stopping)
                    adjust(backingOff: -1)
                    if waited { metrics.increment(NotifierMetrics.retriesTotal, labels: ["receiver": name]) }
                    return waited
                })
        } catch is DeliveryInterrupted {
            return .interrupted(attempts: attempt)
        } catch {
            let permanent = ReceiverLane.isPermanent(error)
            // Neither permanent nor out of attempts: a stop ended the wait before the retry.
            guard permanent || attempt >= policy.maxAttempts else { return .interrupted(attempts: attempt) }
            logger.error("\(name) did not accept notification \(notification.id) after \(attempt) attempt(s): \(error)")
            return .failed(attempts: attempt, error: "\(error)", permanent: permanent)
        }
        lock.withLock { failing = false }
        metrics.observe(NotifierMetrics.deliverySeconds, started.duration(to: .now).seconds, labels: ["receiver": name])
        metrics.increment(NotifierMetrics.deliveredTotal, labels: ["receiver": name, "rule": notification.rule])
        if attempt > 1 { logger.info("\(name) accepted notification \(notification.id) after \(attempt) attempts") }
        return .accepted(attempts: attempt)
    }

    /// A receiver's refusal that no retry can change (a 4xx other than 408 and 429, say).
    static func isPermanent(_ error: any Error) -> Bool {
        (error as? SinkError)?.isPermanent ?? false
    }

    private func adjust(inFlight delta: Int = 0, backingOff more: Int = 0) {
        let (flying, waiting) = lock.withLock {
            inFlight += delta
            backingOff += more
            return (inFlight, backingOff)
        }
        metrics.set(NotifierMetrics.inFlight, Double(flying), labels: ["receiver": name])
        metrics.set(NotifierMetrics.backingOff, Double(waiting), labels: ["receiver": name])
    }
}

/// A delivery stopped before an attempt because the service stops.
private struct DeliveryInterrupted: Error {}
