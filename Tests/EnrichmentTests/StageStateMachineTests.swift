import AttacheTesting
import AttacheKafka
@testable import Enrichment
import Testing

/// The stage loop's lifecycle: the transitions and the invariants they check.
@Suite("Stage state machine")
struct StageStateMachineTests {
    let offsets = [TopicPartitionOffset(topic: "t", partition: 0, offset: 5)]

    @Test("polling is refused while a transaction is open, allowed again once it ended")
    func noPollInTransaction() {
        var machine = StageStateMachine()
        #expect(machine.willPoll() == .poll)
        let began = machine.beginTransaction()
        #expect(began)
        #expect(machine.willPoll() != .poll)
        let second = machine.beginTransaction()
        #expect(!second, "a second transaction cannot begin while one is open")
        machine.delivered(offsets: offsets)
        #expect(machine.finishAction() == .commit(offsets))
        machine.transactionEnded()
        #expect(machine.willPoll() == .poll)
    }

    @Test("a revocation commits a delivered transaction, aborts an undelivered one; a loss aborts")
    func hookEndsTransactions() {
        var delivered = StageStateMachine()
        _ = delivered.beginTransaction()
        delivered.delivered(offsets: offsets)
        #expect(delivered.rebalance(.revoked(offsets)) == .commitTransaction(offsets))
        delivered.hookEnded(committed: true)
        #expect(delivered.finishAction() == .committedByHook)
        #expect(delivered.rebalance(.revoked(offsets)) == .none, "a transaction ends once")

        var undelivered = StageStateMachine()
        _ = undelivered.beginTransaction()
        #expect(undelivered.rebalance(.revoked(offsets)) == .abortTransaction)
        undelivered.hookEnded(committed: false)
        #expect(undelivered.finishAction() == .abortedByHook)

        var lost = StageStateMachine()
        _ = lost.beginTransaction()
        lost.delivered(offsets: offsets)
        #expect(lost.rebalance(.lost(offsets)) == .abortTransaction)
        #expect(lost.rebalance(.assigned(offsets)) == .none, "an assignment asks nothing of the hook")
    }

    @Test("at least once: offsets whose commit failed are committed before revocation, never after a loss")
    func pendingCommits() {
        var machine = StageStateMachine()
        machine.commitFailed(offsets)
        #expect(machine.pendingCommit == offsets)
        #expect(machine.rebalance(.assigned(offsets)) == .none)
        #expect(machine.rebalance(.revoked(offsets)) == .commitPending(offsets))
        #expect(machine.pendingCommit.isEmpty)
        machine.commitFailed(offsets)
        #expect(machine.rebalance(.lost(offsets)) == .none)
        #expect(machine.pendingCommit.isEmpty)
    }

    @Test("a stopped loop neither polls nor acts in the hook")
    func stopped() {
        var machine = StageStateMachine()
        machine.stop()
        #expect(machine.willPoll() != .poll)
        let began = machine.beginTransaction()
        #expect(!began)
        #expect(machine.rebalance(.revoked(offsets)) == .none)
    }
}
