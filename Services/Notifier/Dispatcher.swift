import AttacheKafka
import AttacheModels
import AttacheRuntime
import Foundation
import Logging

/// An input record: partition and offset.
struct RecordRef: Hashable, Sendable {
    var partition: PartitionKey
    var offset: Int64
}

/// Runs deliveries off the poll loop. Each notification becomes one job that delivers it to
/// its routed receivers concurrently (each receiver bounded by its `ReceiverLane`); input
/// records wait on the jobs of their notifications, and a record is done, so its offset
/// may be committed, once every job it waits on has finished: each receiver accepted the
/// notification (recorded on `notifications.delivered`) or it was dead-lettered for that
/// receiver (on `notifications.dead`). A notification already in a job is not started twice:
/// a second record that gives it waits on the same job.
///
/// Thread-safe; the poll loop, the rebalance hook and the jobs share it.
final class Dispatcher: @unchecked Sendable {
    typealias Notification = AttacheModels.Notification

    private struct Job {
        var notification: Notification
        var receivers: [String]
        var waiters: Set<RecordRef>
    }

    let lanes: [String: ReceiverLane]
    private let output: NotifierOutput
    private let delivered: DeliveredLog
    private let metrics: Metrics
    private let logger: Logger
    /// True once the service stops: backoff waits end, the delivery is interrupted.
    private let stopping: @Sendable () -> Bool
    /// True once the service was halted (a simulated crash): nothing more is written.
    private let halted: @Sendable () -> Bool
    private let onDelivered: (@Sendable (Notification) -> Void)?

    private let lock = NSLock()
    private var tracker = OffsetTracker()
    private var jobs: [String: Job] = [:]
    private var pending: [RecordRef: Int] = [:]
    private var failure: (any Error)?

    init(
        lanes: [ReceiverLane], output: NotifierOutput, delivered: DeliveredLog, metrics: Metrics, logger: Logger,
        stopping: @escaping @Sendable () -> Bool, halted: @escaping @Sendable () -> Bool,
        onDelivered: (@Sendable (Notification) -> Void)?
    ) {
        self.lanes = Dictionary(uniqueKeysWithValues: lanes.map { ($0.name, $0) })
        self.output = output
        self.delivered = delivered
        self.metrics = metrics
        self.logger = logger
        self.stopping = stopping
        self.halted = halted
        self.onDelivered = onDelivered
    }

    /// An error that must stop the service (output that could not be written).
    var fatalError: (any Error)? { lock.withLock { failure } }

    /// Starts tracking a record; false when it was handed out already.
    func begin(_ record: RecordRef) -> Bool {
        lock.withLock { tracker.begin(record.partition, offset: record.offset) }
    }

    /// A record with nothing to deliver (a tombstone, an invalid record once dead-lettered).
    func finish(_ record: RecordRef) {
        lock.withLock { tracker.finish(record.partition, offset: record.offset) }
    }

    /// Hands a record's notifications, each with its receivers, to jobs; the record is done
    /// at once when every pair was delivered before.
    func submit(_ record: RecordRef, _ notifications: [(Notification, [String])], cause: KafkaMessage) {
        var started: [Job] = []
        lock.withLock {
            var waits = 0
            for (notification, receivers) in notifications {
                if var job = jobs[notification.id] {
                    if job.waiters.insert(record).inserted { waits += 1 }
                    jobs[notification.id] = job
                    continue
                }
                let open = receivers.filter {
                    !delivered.contains(DeliveredPair(notificationID: notification.id, receiver: $0))
                }
                for receiver in receivers where !open.contains(receiver) {
                    metrics.increment(
                        NotifierMetrics.skippedTotal, labels: ["receiver": receiver, "rule": notification.rule])
                }
                guard !open.isEmpty else { continue }
                let job = Job(notification: notification, receivers: open, waiters: [record])
                jobs[notification.id] = job
                started.append(job)
                waits += 1
            }
            if waits == 0 {
                tracker.finish(record.partition, offset: record.offset)
            } else {
                pending[record] = waits
            }
        }
        for job in started {
            let traceparent = TraceContext.child(of: cause)
            Task { await self.run(job, traceparent: traceparent) }
        }
    }

    /// Delivers a job's notification to each of its receivers, records each outcome, then
    /// releases the records waiting on it. Interrupted (shutdown) or halted: the records
    /// stay open, to be read again after restart.
    private func run(_ job: Job, traceparent: String) async {
        let notification = job.notification
        let outcomes = await withTaskGroup(of: SinkOutcome?.self) { group in
            for receiver in job.receivers {
                group.addTask { await self.deliver(notification, to: receiver, traceparent: traceparent) }
            }
            var outcomes: [SinkOutcome] = []
            for await outcome in group { if let outcome { outcomes.append(outcome) } }
            return outcomes
        }
        let interrupted = outcomes.contains { if case .interrupted = $0 { true } else { false } }
        guard outcomes.count == job.receivers.count, !halted(), !interrupted else {
            abandon(notification.id)
            return
        }
        let accepted = outcomes.filter { if case .accepted = $0 { true } else { false } }.count
        if accepted > 0 {
            do {
                try await output.audit(notification, traceparent: traceparent)
            } catch {
                fail(error)
                abandon(notification.id)
                return
            }
            metrics.increment(NotifierMetrics.notifiedTotal, labels: ["rule": notification.rule])
            logger.info(
                "delivered notification \(notification.id) (\(notification.rule)) to \(accepted) of \(job.receivers.count) receiver(s)"
            )
            onDelivered?(notification)
        } else {
            logger.error(
                "notification \(notification.id) was accepted by none of its receivers; dead-lettered on \(output.deadLetterTopic)"
            )
        }
        complete(notification.id)
    }

    /// One receiver: deliver, then record the delivered pair or the dead letter. Nil when
    /// that record could not be written (the service stops).
    private func deliver(_ notification: Notification, to receiver: String, traceparent: String) async -> SinkOutcome? {
        guard let lane = lanes[receiver] else {
            return .failed(attempts: 0, error: "no receiver \(receiver)", permanent: true)
        }
        let outcome = await lane.deliver(notification, stopping: stopping)
        guard !halted() else { return outcome }
        do {
            switch outcome {
            case .accepted(let attempts):
                try await output.delivered(
                    DeliveryRecord(
                        notificationId: notification.id, receiver: receiver, rule: notification.rule,
                        attempts: attempts, deliveredAt: Date()), traceparent: traceparent)
                delivered.insert(DeliveredPair(notificationID: notification.id, receiver: receiver))
                metrics.set(NotifierMetrics.deliveredPairs, Double(delivered.count))
            case .failed(let attempts, let error, let permanent):
                metrics.increment(
                    NotifierMetrics.deadLettersTotal, labels: ["receiver": receiver, "rule": notification.rule])
                try await output.deadLetter(
                    DeadLetter(
                        notification: notification, receiver: receiver, error: error, attempts: attempts,
                        permanent: permanent, at: Date()), traceparent: traceparent)
            case .interrupted:
                logger.notice(
                    "delivery of notification \(notification.id) to \(receiver) interrupted by shutdown; it is delivered after restart"
                )
            }
        } catch {
            fail(error)
            return nil
        }
        return outcome
    }

    private func fail(_ error: any Error) {
        logger.critical("could not write the notifier's output, stopping: \(error)")
        lock.withLock { if failure == nil { failure = error } }
    }

    /// Forgets a job that did not finish (interrupted by a stop, halted, or its output
    /// failed): its records stay not done, so they are read again after a restart.
    private func abandon(_ id: String) {
        _ = lock.withLock { jobs.removeValue(forKey: id) }
    }

    private func complete(_ id: String) {
        lock.withLock {
            guard let job = jobs.removeValue(forKey: id) else { return }
            for record in job.waiters {
                guard let left = pending[record] else { continue }
                if left <= 1 {
                    pending[record] = nil
                    tracker.finish(record.partition, offset: record.offset)
                } else {
                    pending[record] = left - 1
                }
            }
        }
    }

    // MARK: Offsets, pausing, rebalances

    /// Commit positions that moved (optionally only of `partitions`).
    func uncommitted(of partitions: Set<PartitionKey>? = nil) -> [TopicPartitionOffset] {
        lock.withLock { tracker.uncommitted(of: partitions) }
    }

    func committed(_ offsets: [TopicPartitionOffset]) {
        lock.withLock { tracker.committed(offsets) }
    }

    /// Partitions to pause: those with `maxPending` records not done, and those with a
    /// record waiting on a receiver that is backing off.
    func partitionsToPause(maxPending: Int) -> Set<PartitionKey> {
        lock.withLock {
            var pause = Set(tracker.busyPartitions.filter { tracker.outstanding($0) >= maxPending })
            for job in jobs.values where job.receivers.contains(where: { lanes[$0]?.isBackingOff ?? false }) {
                for record in job.waiters { pause.insert(record.partition) }
            }
            return pause
        }
    }

    /// Forgets revoked or lost partitions: their records no longer wait on jobs (the jobs
    /// go on; what they deliver is recorded, so the next owner skips it).
    func drop(_ partitions: Set<PartitionKey>) {
        lock.withLock {
            tracker.drop(partitions)
            for (id, var job) in jobs {
                let gone = job.waiters.filter { partitions.contains($0.partition) }
                guard !gone.isEmpty else { continue }
                job.waiters.subtract(gone)
                jobs[id] = job
            }
            pending = pending.filter { !partitions.contains($0.key.partition) }
        }
    }

    /// Notifications being delivered.
    var activeJobs: Int { lock.withLock { jobs.count } }

    /// Blocks the calling thread (the consumer's, in the rebalance hook) until no record of
    /// `partitions` waits on a delivery, or until `deadline`; true when none waits. Handing
    /// partitions over with their deliveries finished and committed spares the next owner
    /// sending them again.
    func settle(_ partitions: Set<PartitionKey>, until deadline: ContinuousClock.Instant) -> Bool {
        while true {
            let waiting = lock.withLock { pending.keys.contains { partitions.contains($0.partition) } }
            if !waiting { return true }
            if ContinuousClock.now >= deadline || stopping() { return false }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }

    /// Waits until no job is running, or until `deadline`; true when idle.
    func waitIdle(until deadline: ContinuousClock.Instant) async -> Bool {
        while activeJobs > 0 {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }
}
