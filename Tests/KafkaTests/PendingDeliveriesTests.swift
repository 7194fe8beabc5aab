import Foundation
import Testing

@testable import AttacheKafka

/// The bookkeeping between `deliver(all:)` and the delivery-report callback: one wait per
/// batch, outcomes in the order of the records whichever order the reports come in.
@Suite("Pending deliveries")
struct PendingDeliveriesTests {
    func report(_ offset: Int64) -> PendingDeliveries.Outcome {
        .success(DeliveryReport(topic: "t", partition: 0, offset: offset))
    }

    func offsets(_ outcomes: [PendingDeliveries.Outcome]) -> [Int64?] {
        outcomes.map { try? $0.get().offset }
    }

    @Test("reports before and after the wait come back in the order of the ids")
    func ordered() async {
        let pending = PendingDeliveries()
        let ids = (0..<5).map { _ in pending.reserve() }
        pending.complete(ids[3], with: report(3))
        pending.complete(ids[0], with: report(0))
        let waiter = Task { await pending.outcomes(of: ids) }
        // The rest arrive while (or before) the batch waits, in another order.
        for index in [4, 1, 2] {
            try? await Task.sleep(for: .milliseconds(5))
            pending.complete(ids[index], with: report(Int64(index)))
        }
        #expect(offsets(await waiter.value) == [0, 1, 2, 3, 4])
        #expect(pending.count == 0)
    }

    @Test("a cancelled id fails alone; the batch still gets the others' reports")
    func cancelled() async {
        let pending = PendingDeliveries()
        let ids = (0..<3).map { _ in pending.reserve() }
        pending.complete(ids[0], with: report(0))
        let waiter = Task { await pending.outcomes(of: ids) }
        try? await Task.sleep(for: .milliseconds(20))
        pending.cancel(ids[1])
        pending.complete(ids[2], with: report(2))
        let outcomes = await waiter.value
        #expect(offsets(outcomes) == [0, nil, 2])
        // A report for the cancelled id after the fact is dropped.
        pending.complete(ids[1], with: report(1))
        #expect(pending.count == 0)
    }

    @Test("failAll ends every waiting batch, keeping the reports already in")
    func failAll() async {
        let pending = PendingDeliveries()
        let first = (0..<2).map { _ in pending.reserve() }
        let second = [pending.reserve()]
        pending.complete(first[0], with: report(0))
        let a = Task { await pending.outcomes(of: first) }
        let b = Task { await pending.outcomes(of: second) }
        try? await Task.sleep(for: .milliseconds(20))
        pending.failAll(.local("closing", operation: "send"))
        #expect(offsets(await a.value) == [0, nil])
        #expect(offsets(await b.value) == [nil])
        #expect(pending.count == 0)
    }

    @Test("waiting for nothing returns at once; ids already settled need no wait")
    func trivial() async {
        let pending = PendingDeliveries()
        #expect(await pending.outcomes(of: []).isEmpty)
        let id = pending.reserve()
        pending.complete(id, with: report(7))
        #expect(offsets(await pending.outcomes(of: [id])) == [7])
    }

    @Test("cancelling deliver(all:) ends its wait with a failure for every unreported record")
    func producerCancellation() async throws {
        // A port nothing listens on, and a delivery timeout far beyond the test.
        let config = KafkaConfig(bootstrapServers: "127.0.0.1:1", deliveryTimeoutMs: 600_000)
        let producer = try KafkaProducer(config: config)
        defer { producer.close(timeoutMs: 0) }
        let records = (0..<3).map { OutgoingRecord(topic: "nowhere", key: "k\($0)", value: [1]) }
        let sending = Task { await producer.deliver(all: records) }
        try await Task.sleep(for: .milliseconds(50))
        sending.cancel()
        let outcomes = await sending.value
        #expect(outcomes.count == 3)
        #expect(outcomes.allSatisfy { (try? $0.get()) == nil })
    }
}
