import CRdKafka
import Foundation
import Logging

/// Delivery reports and the sends waiting for them, by opaque id. A report may arrive
/// before its send waits for it (`send(all:)` enqueues every record first), so each id has
/// a slot that holds either the waiting send or the report.
final class PendingDeliveries: @unchecked Sendable {
    typealias Outcome = Result<DeliveryReport, KafkaError>

    private enum Slot {
        case expected
        case waiting(CheckedContinuation<Outcome, Never>)
        case done(Outcome)
    }

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
        let waiter: CheckedContinuation<Outcome, Never>? = lock.withLock {
            switch slots[id] {
            case .expected:
                slots[id] = .done(outcome)
                return nil
            case .waiting(let continuation):
                slots[id] = nil
                return continuation
            case .done, nil:
                return nil
            }
        }
        waiter?.resume(returning: outcome)
    }

    /// The outcome of `id`, once its delivery report has arrived.
    func outcome(of id: UInt) async -> Outcome {
        await withCheckedContinuation { continuation in
            let ready: Outcome? = lock.withLock {
                switch slots[id] {
                case .done(let outcome):
                    slots[id] = nil
                    return outcome
                case .expected:
                    slots[id] = .waiting(continuation)
                    return nil
                case .waiting, nil:
                    return .failure(.local("cancelled", operation: "send"))
                }
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Stops expecting `id`: a send that waits for it returns at once with a failure.
    func cancel(_ id: UInt) {
        let waiter: CheckedContinuation<Outcome, Never>? = lock.withLock {
            defer { slots[id] = nil }
            if case .waiting(let continuation) = slots[id] { return continuation }
            return nil
        }
        waiter?.resume(returning: .failure(.local("cancelled", operation: "send")))
    }

    /// Ends every wait with `error` and forgets every expected report (the client is closing).
    func failAll(_ error: KafkaError) {
        let waiters: [CheckedContinuation<Outcome, Never>] = lock.withLock {
            defer { slots.removeAll() }
            return slots.values.compactMap { if case .waiting(let continuation) = $0 { continuation } else { nil } }
        }
        waiters.forEach { $0.resume(returning: .failure(error)) }
    }

    var count: Int { lock.withLock { slots.count } }
}
