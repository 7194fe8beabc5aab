import CRdKafka
import Foundation
import Logging

/// What librdkafka's C callbacks reach through the client's opaque pointer: the logger,
/// the pending deliveries, and the last cluster-wide error (for error messages that say
/// what was tried).
final class ClientContext: @unchecked Sendable {
    let logger: Logger
    let bootstrapServers: String
    let deliveries = PendingDeliveries()
    /// The client object the callbacks belong to (set once it exists).
    weak var owner: AnyObject?
    private let lock = NSLock()
    private var _lastClusterError: KafkaError?
    private var _fatal: KafkaError?

    init(logger: Logger, bootstrapServers: String) {
        self.logger = logger
        self.bootstrapServers = bootstrapServers
    }

    /// The latest error librdkafka reported outside any request (e.g. all brokers down).
    var lastClusterError: KafkaError? { lock.withLock { _lastClusterError } }

    /// Set once librdkafka has raised a fatal error: the client is unusable.
    var fatalError: KafkaError? { lock.withLock { _fatal } }

    func record(clusterError: KafkaError) {
        lock.withLock {
            _lastClusterError = clusterError
            if clusterError.kind == .fatal { _fatal = clusterError }
        }
    }

    /// The hint for a client that cannot reach its cluster.
    var unreachableHint: String {
        "no broker answered at \(bootstrapServers); check that Kafka runs there, that the address is reachable from here, and the TLS/SASL settings"
    }

    var opaque: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    static func from(_ opaque: UnsafeMutableRawPointer?) -> ClientContext? {
        opaque.map { Unmanaged<ClientContext>.fromOpaque($0).takeUnretainedValue() }
    }

    /// Installs the error and log callbacks common to every client.
    func install(on conf: OpaquePointer) {
        rd_kafka_conf_set_opaque(conf, opaque)
        rd_kafka_conf_set_error_cb(conf) { rk, err, reason, opaque in
            guard let context = ClientContext.from(opaque) else { return }
            var kind = KafkaError.classify(rd_kafka_resp_err_t(rawValue: err))
            var code = rd_kafka_resp_err_t(rawValue: err)
            var detail = reason.map { String(cString: $0) } ?? ""
            if code == RD_KAFKA_RESP_ERR__FATAL, let rk {
                var buffer = errorBuffer()
                code = rd_kafka_fatal_error(rk, &buffer, buffer.count)
                detail = text(ofBuffer: buffer)
                kind = .fatal
            }
            let hint = code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN || code == RD_KAFKA_RESP_ERR__TRANSPORT
                ? context.unreachableHint : nil
            let error = KafkaError(code: Int32(code.rawValue), name: String(cString: rd_kafka_err2name(code)),
                                   message: detail, kind: kind, operation: "Kafka client", hint: hint)
            context.record(clusterError: error)
            if kind == .fatal {
                context.logger.critical("\(error)")
                KafkaFatalErrors.report(error)
            } else {
                context.logger.debug("\(error)")
            }
        }
        rd_kafka_conf_set_log_cb(conf) { rk, level, facility, message in
            guard let rk, let context = ClientContext.from(rd_kafka_opaque(rk)) else { return }
            let text = "librdkafka \(facility.map { String(cString: $0) } ?? ""): \(message.map { String(cString: $0) } ?? "")"
            switch level {
            case ...3: context.logger.error("\(text)")
            case 4: context.logger.warning("\(text)")
            case 5, 6: context.logger.info("\(text)")
            default: context.logger.debug("\(text)")
            }
        }
    }
}

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

/// A thread that blocks in `rd_kafka_poll`, serving delivery reports and client events as
/// they arrive (no sleep loop, so a send pays no added latency).
final class PollThread: @unchecked Sendable {
    private let lock = NSLock()
    private var running = true
    private let done = DispatchSemaphore(value: 0)

    init(handle: OpaquePointer, name: String) {
        let handle = KafkaHandle(raw: handle)
        let thread = Thread { [self] in
            while isRunning {
                rd_kafka_poll(handle.raw, 100)
            }
            done.signal()
        }
        thread.name = name
        thread.start()
    }

    private var isRunning: Bool { lock.withLock { running } }

    /// Stops polling and waits for the thread to leave `rd_kafka_poll`.
    func stop() {
        let wasRunning = lock.withLock {
            defer { running = false }
            return running
        }
        if wasRunning { done.wait() }
    }
}

/// Fatal errors of any Kafka client of the process (librdkafka's error callback with
/// `_FATAL`: a fenced or otherwise unusable client), for a process-wide reaction: the
/// service runtime marks `/healthz` failed and stops the process with a non-zero status.
public enum KafkaFatalErrors {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var handlers: [@Sendable (KafkaError) -> Void] = []

    /// Calls `handler` (on a librdkafka thread) for every fatal error from now on.
    public static func observe(_ handler: @escaping @Sendable (KafkaError) -> Void) {
        lock.withLock { handlers.append(handler) }
    }

    static func report(_ error: KafkaError) {
        let current = lock.withLock { handlers }
        current.forEach { $0(error) }
    }
}
