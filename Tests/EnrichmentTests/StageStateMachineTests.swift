import AttacheKafka
import AttacheTesting
import Testing

@testable import Enrichment

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

    // MARK: At least once: batches delivering while the next is polled

    func offsets(_ offset: Int64, partition: Int32 = 0) -> [TopicPartitionOffset] {
        [TopicPartitionOffset(topic: "t", partition: partition, offset: offset)]
    }

    @Test("at least once: the next batch is polled while one delivers, never past the window")
    func window() {
        var machine = StageStateMachine(maxInFlight: 2)
        let first = machine.dispatched(id: 1, offsets: offsets(10))
        #expect(first)
        #expect(machine.willPoll() == .poll, "one batch delivering: the next is polled")
        let second = machine.dispatched(id: 2, offsets: offsets(20))
        #expect(second)
        #expect(machine.willPoll() != .poll, "a full window refuses the poll")
        let third = machine.dispatched(id: 3, offsets: offsets(30))
        #expect(!third, "no third batch in a window of two")
        let transaction = machine.beginTransaction()
        #expect(!transaction, "no transaction while batches deliver")
        machine.deliveryEnded(id: 1, delivered: true)
        #expect(machine.willPoll() == .poll)
        let again = machine.dispatched(id: 2, offsets: offsets(30))
        #expect(!again, "ids only grow")
    }

    @Test("at least once: offsets become committable in batch order, a later delivery waits for an earlier one")
    func commitOrder() {
        var machine = StageStateMachine(maxInFlight: 2)
        _ = machine.dispatched(id: 1, offsets: offsets(10))
        _ = machine.dispatched(id: 2, offsets: offsets(20) + offsets(7, partition: 1))
        machine.deliveryEnded(id: 2, delivered: true)
        #expect(machine.pendingCommit.isEmpty, "batch 2 is delivered but batch 1 is not: nothing to commit")
        #expect(machine.earliestUndelivered == 1)
        machine.deliveryEnded(id: 1, delivered: true)
        #expect(machine.pendingCommit == offsets(20) + offsets(7, partition: 1), "both, merged per partition")
        #expect(machine.inFlight.isEmpty)
        #expect(machine.state == .idle(pendingCommit: offsets(20) + offsets(7, partition: 1)))
        // A commit of what was pending while another batch was delivered meanwhile.
        _ = machine.dispatched(id: 3, offsets: offsets(30))
        machine.deliveryEnded(id: 3, delivered: true)
        machine.committed(offsets(20) + offsets(7, partition: 1))
        #expect(machine.pendingCommit == offsets(30), "what was delivered after the commit began stays pending")
    }

    @Test("at least once: a failed delivery blocks every later batch; discarded, the delivered prefix stays pending")
    func failedDelivery() {
        var machine = StageStateMachine(maxInFlight: 3)
        _ = machine.dispatched(id: 1, offsets: offsets(10))
        _ = machine.dispatched(id: 2, offsets: offsets(20))
        _ = machine.dispatched(id: 3, offsets: offsets(30))
        machine.deliveryEnded(id: 1, delivered: true)
        machine.deliveryEnded(id: 2, delivered: false)
        machine.deliveryEnded(id: 3, delivered: true)
        #expect(machine.pendingCommit == offsets(10))
        #expect(machine.earliestUndelivered == 2, "the logic rolls back to before batch 2, taking batch 3 with it")
        #expect(!machine.awaitingDelivery)
        machine.discardInFlight()
        #expect(machine.inFlight.isEmpty)
        #expect(machine.pendingCommit == offsets(10), "batch 3's offsets are never committed")
        #expect(machine.willPoll() == .poll)
    }

    @Test("at least once, revoked while delivering: the hook waits, commits the delivered prefix, orphans the rest")
    func revokedWhileDelivering() {
        var machine = StageStateMachine(maxInFlight: 2)
        _ = machine.dispatched(id: 1, offsets: offsets(10))
        #expect(machine.hookWaitsForDeliveries(.revoked(offsets(0))))
        #expect(
            !machine.hookWaitsForDeliveries(.lost(offsets(0))), "lost partitions are not committed: no reason to wait")
        #expect(!machine.hookWaitsForDeliveries(.assigned(offsets(0))))
        machine.deliveryEnded(id: 1, delivered: true)
        #expect(!machine.hookWaitsForDeliveries(.revoked(offsets(0))))
        _ = machine.dispatched(id: 2, offsets: offsets(20))
        // The wait timed out with batch 2 still delivering.
        #expect(machine.rebalance(.revoked(offsets(0))) == .commitPending(offsets(10)))
        #expect(machine.pendingCommit.isEmpty)
        #expect(machine.inFlight.map(\.outcome) == [.orphaned])
        machine.deliveryEnded(id: 2, delivered: true)
        #expect(machine.pendingCommit.isEmpty, "a batch of the old assignment is never committed")
        #expect(machine.earliestUndelivered == 2)
        machine.discardInFlight()
        #expect(machine.state == .idle(pendingCommit: []))
    }

    @Test("at least once, lost while delivering: nothing is committed, the window is orphaned")
    func lostWhileDelivering() {
        var machine = StageStateMachine(maxInFlight: 2)
        _ = machine.dispatched(id: 1, offsets: offsets(10))
        _ = machine.dispatched(id: 2, offsets: offsets(20))
        machine.deliveryEnded(id: 1, delivered: true)
        #expect(machine.rebalance(.lost(offsets(0))) == .none)
        #expect(machine.pendingCommit.isEmpty)
        #expect(machine.inFlight.map(\.outcome) == [.orphaned])
        #expect(machine.rebalance(.assigned(offsets(0))) == .none)
    }
}
