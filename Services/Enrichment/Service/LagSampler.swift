import AttacheKafka
import AttacheRuntime
import Foundation

/// The lag of a stage's assigned partitions (high watermark − position) on
/// `attache_enrichment_lag`, sampled at most once a second in the background: the watermark
/// queries go to the broker and must not hold up the loop. A sample runs on the consumer's
/// thread (never overlapping its close), in a task of its own.
///
/// Its lifecycle is a small state machine: `idle` → `sampling` → `idle`, and `closed` once
/// the stage is quiescing, after which no sample starts.
final class LagSampler: @unchecked Sendable {
    private enum State {
        case idle(last: ContinuousClock.Instant)
        case sampling
        case closed
    }

    private let consumer: KafkaConsumer
    private let metrics: Metrics
    private let stopping: @Sendable () -> Bool
    private let lock = NSLock()
    private var state: State = .idle(last: .now - .seconds(10))

    init(consumer: KafkaConsumer, metrics: Metrics, stopping: @escaping @Sendable () -> Bool) {
        self.consumer = consumer
        self.metrics = metrics
        self.stopping = stopping
    }

    /// Starts a sample when none runs and the last is a second old.
    func sampleIfDue() {
        let start: Bool = lock.withLock {
            guard case .idle(let last) = state, last.duration(to: .now) >= .seconds(1) else { return false }
            state = .sampling
            return true
        }
        guard start else { return }
        let consumer = consumer
        let metrics = metrics
        let stopping = stopping
        Task { [self] in
            let lags = await consumer.lags(timeoutMs: 500, stop: stopping)
            for (partition, lag) in lags {
                metrics.set(
                    EnrichmentMetrics.lag, Double(lag),
                    labels: ["topic": partition.topic, "partition": String(partition.partition)])
            }
            lock.withLock {
                if case .sampling = state { state = .idle(last: .now) }
            }
        }
    }

    /// The next `sampleIfDue` samples at once (a new assignment).
    func sampleNextTurn() {
        lock.withLock {
            if case .idle = state { state = .idle(last: .now - .seconds(10)) }
        }
    }

    /// No sample starts any more; waits (at most 3 s) for one in flight: a sample blocked on
    /// an unreachable cluster must not hold up the shutdown.
    func quiesce() async {
        let deadline = ContinuousClock.now + .seconds(3)
        while ContinuousClock.now < deadline {
            let busy: Bool = lock.withLock {
                if case .sampling = state { return true }
                state = .closed
                return false
            }
            if !busy { return }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
