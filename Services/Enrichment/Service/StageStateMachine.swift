import AttacheKafka

/// The lifecycle of a stage's consume–transform–produce loop as a value: each transition
/// says what the caller must do, so that the loop's invariants are checked rather than
/// kept in comments (the shape of swift-kafka-client's `KafkaConsumer.StateMachine`).
///
/// The invariant that matters most: the loop never polls while a transaction is open, so
/// that the rebalance hook (which runs inside a poll, or in `close`) finds none. The hook
/// still ends one (commit when revoked with its output delivered, else abort) if it ever
/// does, and the loop then learns that the transaction is over.
///
/// Not thread-safe by itself: `StageRunner` keeps it under its lock (the hook runs on the
/// consumer's thread).
struct StageStateMachine {
    enum State: Equatable {
        /// Between batches. `pendingCommit`: at least once, offsets of delivered output
        /// whose plain commit failed (committed with the next batch or before revocation).
        case idle(pendingCommit: [TopicPartitionOffset])
        /// A transaction is open; `offsets` once its output is delivered.
        case inTransaction(offsets: [TopicPartitionOffset]?)
        /// The rebalance hook ended the open transaction before the loop did.
        case endedByHook(committed: Bool)
        /// The loop has ended; nothing more happens.
        case stopped
    }

    private(set) var state: State = .idle(pendingCommit: [])

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
        case .inTransaction, .endedByHook: .refuse("the stage loop must not poll with a transaction open")
        case .stopped: .refuse("the stage loop has stopped")
        }
    }

    /// A transaction begins (exactly once). Fails unless idle.
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
        case .inTransaction(nil), .idle, .stopped: .abortedByHook
        }
    }

    /// The transaction is over (committed or aborted, by the loop or the hook).
    mutating func transactionEnded() {
        if case .stopped = state { return }
        state = .idle(pendingCommit: [])
    }

    /// At least once: a plain commit of `offsets` failed; keep them for the next commit.
    mutating func commitFailed(_ offsets: [TopicPartitionOffset]) {
        if case .idle = state { state = .idle(pendingCommit: offsets) }
    }

    /// At least once: the pending offsets were committed (with a batch, or by the hook).
    mutating func committed() {
        if case .idle = state { state = .idle(pendingCommit: []) }
    }

    /// At least once: offsets delivered but not committed yet.
    var pendingCommit: [TopicPartitionOffset] {
        if case .idle(let pending) = state { return pending }
        return []
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

    /// The hook's action for `event`; the state moves as if the action succeeded (call
    /// `hookEnded(committed:)` with the real outcome of a transaction action).
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
}
