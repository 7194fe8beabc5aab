import AttacheKafka
import Foundation
import Logging

/// What a consume–process–commit loop keeps per partition, for `RebalanceSync` to restore
/// when partitions come and forget when they go.
///
/// Called from the loop only, one call at a time, never from the rebalance hook.
public protocol PartitionOwner {
    /// The consumer now owns `partitions` (its whole assignment): restore their state. A
    /// throw leaves the loop not ready; `RebalanceSync` restores again after a backoff.
    func restore(_ partitions: [TopicPartitionOffset]) async throws
    /// The consumer no longer owns `partitions` (revoked or lost): forget their state.
    func forget(_ partitions: [TopicPartitionOffset])
}

/// Keeps a consume–process–commit loop in step with its consumer's partitions: the part the
/// enrichment stages and the notifier share (docs/architecture.md §9, "Stages").
///
/// - **The hook records, the loop applies.** librdkafka runs the rebalance hook inside a
///   poll (or `close`), on the consumer's thread. `install` records each event there, after
///   the caller's own hook has done what must happen before partitions go (commit what is
///   done: `commitBeforeRevoke`). After each poll the loop calls `afterPoll`: when events
///   were recorded, the polled batch is discarded (it may mix records from before and after
///   the change), revoked partitions are forgotten, assigned ones restored, and the consumer
///   is rewound to its committed offsets (the low watermark where nothing is committed).
/// - **Resync after transient errors.** A failure that is not fatal (a timeout while
///   restoring or rewinding, the cluster briefly unreachable) is handed to `failed`: the loop
///   is not ready, waits as `retries` says (a stop ends the wait), and before its next poll
///   `resyncIfNeeded` restores the whole assignment again and rewinds. Nothing was committed
///   since the last good batch, so nothing is lost or skipped.
/// - **Readiness** follows: not ready from an assignment (or a failure) until the state of
///   the assignment is restored; `onReady` hears each step.
///
/// Thread-safe: the hook and the loop share it.
public final class RebalanceSync: @unchecked Sendable {
    /// Where the loop stands with its partitions, for readiness.
    public enum Progress: Sendable {
        /// Restoring the state of these partitions (the whole assignment).
        case restoring([TopicPartitionOffset])
        /// The state of these partitions (the whole assignment) is restored: ready.
        case restored([TopicPartitionOffset])
        /// These partitions were revoked or lost; not ready until the next assignment.
        case revoked([TopicPartitionOffset])
        /// A transient error; the state is restored again and the consumer rewound after `retryIn`.
        case failed(any Error, retryIn: Duration)

        /// Whether the loop can do its work.
        public var isReady: Bool {
            if case .restored = self { return true }
            return false
        }
    }

    /// The waits between resyncs after transient errors: from up to 0.5 s, growing to up
    /// to 5 s, with full jitter, for as long as the errors last.
    public static let resyncRetries = RetryPolicy(
        maxAttempts: .max, baseDelay: .milliseconds(500), maxDelay: .seconds(5))

    /// The consumer whose partitions are followed.
    public let consumer: KafkaConsumer
    /// The loop's name in logs: `articles stage`, `notifier`.
    public let name: String
    private let retries: RetryPolicy
    private let logger: Logger
    private let stopping: @Sendable () -> Bool
    private let onReady: @Sendable (Progress) -> Void

    private let lock = NSLock()
    /// Events the hook recorded, for the loop to apply after its poll.
    private var events: [RebalanceEvent] = []
    /// Transient failures since the state was last restored; more than 0: resync before polling.
    private var failures = 0

    /// Follows `consumer`'s partitions for the loop named `name`. `stopping` ends a wait
    /// between resyncs; `onReady` hears every change of readiness.
    public init(
        consumer: KafkaConsumer, name: String, logger: Logger, retries: RetryPolicy = RebalanceSync.resyncRetries,
        stopping: @escaping @Sendable () -> Bool, onReady: @escaping @Sendable (Progress) -> Void
    ) {
        self.consumer = consumer
        self.name = name
        self.retries = retries
        self.logger = logger
        self.stopping = stopping
        self.onReady = onReady
    }

    // MARK: The hook

    /// Installs the consumer's rebalance hook: `before` runs first, on the consumer's thread,
    /// before librdkafka changes the assignment (commit what is done there: nothing may wait
    /// for the loop, which is inside the poll); then the event is recorded for `afterPoll`.
    public func install(before: @escaping @Sendable (RebalanceEvent) -> Void = { _ in }) {
        consumer.onRebalance { [weak self] event in
            before(event)
            self?.record(event)
        }
    }

    /// Records an event for the loop (what `install`'s hook does).
    public func record(_ event: RebalanceEvent) {
        lock.withLock { events.append(event) }
    }

    /// In the hook, before partitions are revoked: commits `offsets` at once, on the
    /// consumer's thread. True when committed (or nothing was to commit); a failure is logged
    /// and means only that the next owner reads those records again (the outputs are
    /// idempotent by key). Never for lost partitions: another member may own them already.
    @discardableResult
    public func commitBeforeRevoke(_ offsets: [TopicPartitionOffset]) -> Bool {
        guard !offsets.isEmpty else { return true }
        do {
            try consumer.commitNow(offsets)
            logger.info("\(name): committed \(offsets.count) partition offsets before revocation")
            return true
        } catch {
            logger.warning(
                "\(name): committing before revocation failed; the next owner reads those records again (same keys and values): \(error)"
            )
            return false
        }
    }

    // MARK: The loop

    /// After each poll: applies what the hook recorded since the last call — forgets revoked
    /// and lost partitions, restores assigned ones, rewinds the consumer to its committed
    /// offsets. True when anything changed: the batch polled with it must be discarded (it
    /// is read again from the committed offsets). Throws what the restore or the rewind
    /// threw (hand it to `failed`).
    public func afterPoll(_ owner: some PartitionOwner) async throws -> Bool {
        let pending = lock.withLock {
            defer { events.removeAll() }
            return events
        }
        guard !pending.isEmpty else { return false }
        let started = ContinuousClock.now
        var assigned: [TopicPartitionOffset]?
        for event in pending {
            switch event {
            case .assigned(let partitions):
                onReady(.restoring(partitions))
                try await owner.restore(partitions)
                assigned = partitions
            case .revoked(let partitions), .lost(let partitions):
                onReady(.revoked(partitions))
                assigned = nil
                owner.forget(partitions)
            }
        }
        try await rewind()
        // Ready once restored and rewound: the next poll reads from the committed offsets.
        if let assigned {
            logger.info(
                "\(name) assigned \(RebalanceSync.describe(assigned)) (ready after \(started.duration(to: .now)))")
            onReady(.restored(assigned))
        }
        return true
    }

    /// After a transient error in the loop: logs it, marks the loop not ready and waits
    /// (`retries`; a stop ends the wait). The next `resyncIfNeeded` restores and rewinds.
    public func failed(_ error: any Error) async {
        let attempt = lock.withLock {
            failures += 1
            return failures
        }
        let wait = retries.delay(beforeRetry: attempt)
        logger.error(
            "\(name): \(error); restoring and rewinding to the committed offsets in \(String(format: "%.0f", wait.seconds * 1000)) ms (attempt \(attempt))"
        )
        onReady(.failed(error, retryIn: wait))
        _ = await RetryPolicy.pause(wait, until: stopping)
    }

    /// Whether a transient error is waiting for its resync.
    public var needsResync: Bool { lock.withLock { failures > 0 } }

    /// Before each poll: after a transient error, restores the state of the whole current
    /// assignment and rewinds the consumer to its committed offsets; nothing otherwise.
    public func resyncIfNeeded(_ owner: some PartitionOwner) async throws {
        guard needsResync else { return }
        let assignment = consumer.assignment().map {
            TopicPartitionOffset(topic: $0.topic, partition: $0.partition, offset: KafkaOffset.invalid)
        }
        onReady(.restoring(assignment))
        try await owner.restore(assignment)
        try await rewind()
        lock.withLock { failures = 0 }
        logger.info("\(name): resynced \(RebalanceSync.describe(assignment)) after the error")
        onReady(.restored(assignment))
    }

    /// Moves every assigned partition back to its committed offset (the low watermark where
    /// nothing is committed).
    private func rewind() async throws {
        guard !consumer.assignment().isEmpty else { return }
        try await consumer.rewindToCommitted()
    }

    /// `topic[0], topic[3]`, or `no partitions`.
    public static func describe(_ partitions: [TopicPartitionOffset]) -> String {
        partitions.isEmpty
            ? "no partitions" : partitions.map { "\($0.topic)[\($0.partition)]" }.sorted().joined(separator: ", ")
    }
}
