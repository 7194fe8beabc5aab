import AttacheKafka

/// The lifecycle of a stage's consume–transform–produce loop as a value: each transition
/// says what the caller must do, so that the loop's invariants are checked rather than
/// kept in comments (the shape of swift-kafka-client's `KafkaConsumer.StateMachine`).
///
/// Exactly once, the invariant that matters most: the loop never polls while a transaction
/// is open, so that the rebalance hook (which runs inside a poll, or in `close`) finds none.
/// The hook still ends one (commit when revoked with its output delivered, else abort) if it
/// ever does, and the loop then learns that the transaction is over.
///
/// At least once, the loop polls and transforms the next batch while earlier batches are
/// being delivered (`.delivering`, at most `maxInFlight` of them). Offsets become committable
/// strictly in batch order: a batch's offsets join `pendingCommit` only once it and every
/// earlier batch are delivered. A failed delivery blocks every later batch (their offsets are
/// never committed; the loop rolls the logic back to before the failed batch and rewinds).
/// The hook, when partitions are revoked, commits the delivered prefix; batches still in the
/// window then belong to the old assignment and are never committed.
///
/// Not thread-safe by itself: `StageRunner` keeps it under its lock (the hook runs on the
/// consumer's thread, deliveries end on the cooperative pool).
struct StageStateMachine {
    /// A batch whose output is being delivered (at least once).
    struct Dispatched: Equatable {
        enum Outcome: Equatable {
            case delivering
            /// Delivered, but an earlier batch is not yet.
            case delivered
            /// Not delivered: this batch and every later one are read again.
            case failed
            /// Its partitions were revoked or lost meanwhile: never committed.
            case orphaned
        }

        var id: Int
        /// Per partition, the offset after the batch's last record.
        var offsets: [TopicPartitionOffset]
        var outcome: Outcome = .delivering
    }

    enum State: Equatable {
        /// Between batches. `pendingCommit`: at least once, offsets of delivered output
        /// not committed yet (committed after the next batch, or before revocation).
        case idle(pendingCommit: [TopicPartitionOffset])
        /// At least once: the output of `batches` (oldest first) is being delivered;
        /// `pendingCommit` as in `idle`.
        case delivering(pendingCommit: [TopicPartitionOffset], batches: [Dispatched])
        /// A transaction is open; `offsets` once its output is delivered.
        case inTransaction(offsets: [TopicPartitionOffset]?)
        /// The rebalance hook ended the open transaction before the loop did.
        case endedByHook(committed: Bool)
        /// The loop has ended; nothing more happens.
        case stopped
    }

    private(set) var state: State = .idle(pendingCommit: [])

    /// At least once: how many batches may be delivering at a time (the one in hand being
    /// transformed while the previous one is delivered).
    let maxInFlight: Int

    init(maxInFlight: Int = 2) {
        self.maxInFlight = max(1, maxInFlight)
    }

    // MARK: Loop

    /// What `willPoll` allows.
    enum PollAction: Equatable {
        case poll
        /// A transaction is open: polling now would let the hook run with it open.
        case refuse(String)
    }

    /// Before each poll.
    func willPoll() -> PollAction {
        switch state {
        case .idle: .poll
        case .delivering(_, let batches):
            batches.count < maxInFlight
                ? .poll
                : .refuse(
                    "the stage loop must not poll with \(batches.count) batches delivering (at most \(maxInFlight - 1) before a poll)"
                )
        case .inTransaction, .endedByHook: .refuse("the stage loop must not poll with a transaction open")
        case .stopped: .refuse("the stage loop has stopped")
        }
    }

    /// A transaction begins (exactly once). Fails unless idle with no batch delivering.
    mutating func beginTransaction() -> Bool {
        guard case .idle = state else { return false }
        state = .inTransaction(offsets: nil)
        return true
    }

    /// The transaction's output is delivered; `offsets` are the input offsets to commit in it.
    mutating func delivered(offsets: [TopicPartitionOffset]) {
        if case .inTransaction = state { state = .inTransaction(offsets: offsets) }
    }

    /// What the loop does once the transaction's output is delivered.
    enum FinishAction: Equatable {
        /// Send the offsets to the transaction and commit it.
        case commit([TopicPartitionOffset])
        /// The hook committed it already: count the output.
        case committedByHook
        /// The hook aborted it: roll the state back and rewind.
        case abortedByHook
    }

    /// After delivery: commit, unless the hook ended the transaction meanwhile.
    func finishAction() -> FinishAction {
        switch state {
        case .inTransaction(let offsets?): .commit(offsets)
        case .endedByHook(let committed): committed ? .committedByHook : .abortedByHook
        case .inTransaction(nil), .idle, .delivering, .stopped: .abortedByHook
        }
    }

    /// The transaction is over (committed or aborted, by the loop or the hook).
    mutating func transactionEnded() {
        if case .stopped = state { return }
        state = .idle(pendingCommit: [])
    }

    /// At least once: the output of batch `id` (input offsets `offsets`) starts being
    /// delivered. Fails in a transaction, after the loop stopped, with the window full, or
    /// with an id not above every batch in the window.
    mutating func dispatched(id: Int, offsets: [TopicPartitionOffset]) -> Bool {
        switch state {
        case .idle(let pending):
            state = .delivering(pendingCommit: pending, batches: [Dispatched(id: id, offsets: offsets)])
            return true
        case .delivering(let pending, var batches):
            guard batches.count < maxInFlight, batches.allSatisfy({ $0.id < id }) else { return false }
            batches.append(Dispatched(id: id, offsets: offsets))
            state = .delivering(pendingCommit: pending, batches: batches)
            return true
        case .inTransaction, .endedByHook, .stopped:
            return false
        }
    }

    /// At least once: the delivery of batch `id` ended. Delivered batches at the head of the
    /// window move their offsets to `pendingCommit`, in order; a batch delivered after a
    /// failed one stays in the window, never committable.
    mutating func deliveryEnded(id: Int, delivered: Bool) {
        guard case .delivering(var pending, var batches) = state,
            let index = batches.firstIndex(where: { $0.id == id })
        else { return }
        if batches[index].outcome == .delivering { batches[index].outcome = delivered ? .delivered : .failed }
        while let first = batches.first, first.outcome == .delivered {
            pending = StageStateMachine.merge(pending, first.offsets)
            batches.removeFirst()
        }
        state = batches.isEmpty ? .idle(pendingCommit: pending) : .delivering(pendingCommit: pending, batches: batches)
    }

    /// At least once: the batches in the window, oldest first (empty when none).
    var inFlight: [Dispatched] {
        if case .delivering(_, let batches) = state { return batches }
        return []
    }

    /// At least once: whether some batch in the window is still being delivered.
    var awaitingDelivery: Bool {
        inFlight.contains { $0.outcome == .delivering }
    }

    /// At least once: the oldest batch in the window whose output is not (or not known to be)
    /// delivered, which the logic rolls back to before: nil when every batch dispatched is
    /// delivered.
    var earliestUndelivered: Int? {
        inFlight.first?.id
    }

    /// At least once: every batch left in the window has ended its delivery, and the loop has
    /// rolled the logic back to before the earliest one (`earliestUndelivered`); they are read
    /// again after the rewind. Delivered offsets stay pending.
    mutating func discardInFlight() {
        if case .delivering(let pending, _) = state { state = .idle(pendingCommit: pending) }
    }

    /// At least once: a plain commit of `offsets` failed; keep them for the next commit.
    mutating func commitFailed(_ offsets: [TopicPartitionOffset]) {
        switch state {
        case .idle(let pending): state = .idle(pendingCommit: StageStateMachine.merge(pending, offsets))
        case .delivering(let pending, let batches):
            state = .delivering(pendingCommit: StageStateMachine.merge(pending, offsets), batches: batches)
        default: break
        }
    }

    /// At least once: `offsets` were committed (with a batch, or by the hook); pending
    /// offsets at or before them are done, later ones (delivered meanwhile) stay pending.
    mutating func committed(_ offsets: [TopicPartitionOffset]) {
        func remaining(_ pending: [TopicPartitionOffset]) -> [TopicPartitionOffset] {
            pending.filter { entry in
                !offsets.contains {
                    $0.topic == entry.topic && $0.partition == entry.partition && $0.offset >= entry.offset
                }
            }
        }
        switch state {
        case .idle(let pending): state = .idle(pendingCommit: remaining(pending))
        case .delivering(let pending, let batches):
            state = .delivering(pendingCommit: remaining(pending), batches: batches)
        default: break
        }
    }

    /// At least once: offsets delivered but not committed yet.
    var pendingCommit: [TopicPartitionOffset] {
        switch state {
        case .idle(let pending), .delivering(let pending, _): pending
        default: []
        }
    }

    /// The loop has ended.
    mutating func stop() { state = .stopped }

    // MARK: Rebalance hook

    /// What the rebalance hook does before librdkafka changes the assignment.
    enum RebalanceAction: Equatable {
        case none
        /// At least once, partitions revoked: commit what was delivered before they go.
        case commitPending([TopicPartitionOffset])
        /// Revoked with a transaction whose output is delivered: commit it with these offsets.
        case commitTransaction([TopicPartitionOffset])
        /// Revoked before delivery, or lost: abort the open transaction.
        case abortTransaction
    }

    /// Whether, before acting on `event`, the hook should wait for the batches being
    /// delivered (at least once, partitions revoked), so that it commits all it can.
    func hookWaitsForDeliveries(_ event: RebalanceEvent) -> Bool {
        guard case .revoked = event else { return false }
        return awaitingDelivery
    }

    /// The hook's action for `event`; the state moves as if the action succeeded (call
    /// `hookEnded(committed:)` with the real outcome of a transaction action). At least
    /// once, batches still in the window are orphaned: they belong to the old assignment,
    /// and the loop discards them after the poll.
    mutating func rebalance(_ event: RebalanceEvent) -> RebalanceAction {
        switch (state, event) {
        case (_, .assigned), (.stopped, _), (.endedByHook, _):
            return .none
        case (.idle(let pending), .revoked):
            state = .idle(pendingCommit: [])
            return pending.isEmpty ? .none : .commitPending(pending)
        case (.idle, .lost):
            // Another member may own them already: nothing of theirs is committed.
            state = .idle(pendingCommit: [])
            return .none
        case (.delivering(let pending, let batches), _):
            let orphaned = batches.map { Dispatched(id: $0.id, offsets: $0.offsets, outcome: .orphaned) }
            state = .delivering(pendingCommit: [], batches: orphaned)
            if case .lost = event { return .none }
            return pending.isEmpty ? .none : .commitPending(pending)
        case (.inTransaction(let offsets?), .revoked):
            return .commitTransaction(offsets)
        case (.inTransaction, _):
            return .abortTransaction
        }
    }

    /// The hook ended the open transaction: `committed` true when it committed it.
    mutating func hookEnded(committed: Bool) {
        if case .inTransaction = state { state = .endedByHook(committed: committed) }
    }

    // MARK: Offsets

    /// `earlier` updated with `later`, per partition, sorted by topic and partition.
    static func merge(_ earlier: [TopicPartitionOffset], _ later: [TopicPartitionOffset]) -> [TopicPartitionOffset] {
        var byPartition: [String: TopicPartitionOffset] = [:]
        for offset in earlier + later { byPartition["\(offset.topic)\u{0}\(offset.partition)"] = offset }
        return byPartition.values.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
    }
}
