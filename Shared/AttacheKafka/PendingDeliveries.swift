import CRdKafka
import Foundation
import Logging

/// Delivery reports and the sends waiting for them, by opaque id. A report may arrive
/// before its send waits for it (`send(all:)` enqueues every record first), so each id has
/// a slot that holds either the waiting send or the report.
///
/// A send waits for all its records at once: one suspension per batch rather than one per
/// record, since each resumption is a trip through the task executor.
final class PendingDeliveries: @unchecked Sendable {
    typealias Outcome = Result<DeliveryReport, KafkaError>

    private enum Slot {
        case expected
        /// A send waits for this id: its outcome goes to `batch` at `position`.
        case waiting(Batch, position: Int)
        case done(Outcome)
    }

    /// The outcomes one send waits for; guarded by the deliveries' lock.
    private final class Batch {
        var outcomes: [Outcome?]
        var missing = 0
        let continuation: CheckedContinuation<[Outcome], Never>

        init(count: Int, continuation: CheckedContinuation<[Outcome], Never>) {
            outcomes = [Outcome?](repeating: nil, count: count)
            self.continuation = continuation
        }

        /// Fills `position`; the continuation to resume (outside the lock) when it was the last.
        func fill(_ position: Int, with outcome: Outcome) -> CheckedContinuation<[Outcome], Never>? {
            outcomes[position] = outcome
            missing -= 1
            return missing == 0 ? continuation : nil
        }

        /// Every outcome, once `missing` is zero.
        var all: [Outcome] { outcomes.map { $0! } }
    }

    private static let cancelled: Outcome = .failure(.local("cancelled", operation: "send"))

    private let lock = NSLock()
    private var nextID: UInt = 1
    private var slots: [UInt: Slot] = [:]

    /// Reserves an id for a record about to be enqueued.
    func reserve() -> UInt {
        lock.withLock {
            defer { nextID += 1 }
            slots[nextID] = .expected
            return nextID
        }
    }

    /// Records the outcome of `id`, handing it to its send if that already waits. Outcomes of
    /// ids nobody expects any more (a cancelled send) are dropped.
    func complete(_ id: UInt, with outcome: Outcome) {
        let finished: (CheckedContinuation<[Outcome], Never>, [Outcome])? = lock.withLock {
            switch slots[id] {
            case .expected:
                slots[id] = .done(outcome)
                return nil
            case .waiting(let batch, let position):
                slots[id] = nil
                return batch.fill(position, with: outcome).map { ($0, batch.all) }
            case .done, nil:
                return nil
            }
        }
        if let (continuation, outcomes) = finished { continuation.resume(returning: outcomes) }
    }

    /// The outcomes of `ids`, in their order, once every delivery report has arrived.
    func outcomes(of ids: [UInt]) async -> [Outcome] {
        guard !ids.isEmpty else { return [] }
        return await withCheckedContinuation { continuation in
            let ready: [Outcome]? = lock.withLock {
                let batch = Batch(count: ids.count, continuation: continuation)
                for (position, id) in ids.enumerated() {
                    switch slots[id] {
                    case .done(let outcome):
                        slots[id] = nil
                        batch.outcomes[position] = outcome
                    case .expected:
                        slots[id] = .waiting(batch, position: position)
                        batch.missing += 1
                    case .waiting, nil:
                        batch.outcomes[position] = Self.cancelled
                    }
                }
                return batch.missing == 0 ? batch.all : nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Stops expecting `id`: a send that waits for it gets a failure for it (and returns once
    /// its other records are settled).
    func cancel(_ id: UInt) {
        let finished: (CheckedContinuation<[Outcome], Never>, [Outcome])? = lock.withLock {
            defer { slots[id] = nil }
            guard case .waiting(let batch, let position) = slots[id] else { return nil }
            return batch.fill(position, with: Self.cancelled).map { ($0, batch.all) }
        }
        if let (continuation, outcomes) = finished { continuation.resume(returning: outcomes) }
    }

    /// Ends every wait with `error` and forgets every expected report (the client is closing).
    func failAll(_ error: KafkaError) {
        let finished: [(CheckedContinuation<[Outcome], Never>, [Outcome])] = lock.withLock {
            defer { slots.removeAll() }
            var finished: [(CheckedContinuation<[Outcome], Never>, [Outcome])] = []
            for slot in slots.values {
                guard case .waiting(let batch, let position) = slot,
                    let continuation = batch.fill(position, with: .failure(error))
                else { continue }
                finished.append((continuation, batch.all))
            }
            return finished
        }
        for (continuation, outcomes) in finished { continuation.resume(returning: outcomes) }
    }

    var count: Int { lock.withLock { slots.count } }
}
