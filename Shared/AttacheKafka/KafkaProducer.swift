import CRdKafka
import Foundation
import Logging

/// A Kafka producer: idempotent with `acks=all` by default, keyed records partitioned with
/// `murmur2_random` (as Java clients partition them), delivery reports awaited by `send`.
///
/// A thread of the producer's own blocks in `rd_kafka_poll` and hands each delivery report
/// to the `send` waiting for it, matched by an opaque id carried with the record.
public final class KafkaProducer: @unchecked Sendable {
    /// The librdkafka handle, for the transactional and admin layers.
    let handle: OpaquePointer
    let context: ClientContext
    public let config: KafkaConfig
    private let poller: PollThread
    private let closeLock = NSLock()
    private var closed = false

    /// The settings every producer gets before the pass-through properties.
    static func defaults(config: KafkaConfig, transactionalID: String?) -> [(String, String)] {
        var settings = [
            ("enable.idempotence", "true"),
            ("acks", "all"),
            ("partitioner", "murmur2_random"),
            ("message.timeout.ms", String(config.deliveryTimeoutMs)),
            // Awaited sends (HTTP ingest answers after the delivery report) pay any linger in full;
            // concurrent sends still share requests while one is in flight.
            ("linger.ms", "0"),
        ]
        if let transactionalID { settings.append(("transactional.id", transactionalID)) }
        return settings
    }

    /// Creates a producer. `transactionalID` makes it transactional (see `TransactionalProducer`).
    public init(
        config: KafkaConfig, transactionalID: String? = nil,
        logger: Logger = Logger(label: "attache.kafka.producer")
    ) throws(KafkaError) {
        self.config = config
        self.context = ClientContext(logger: logger, bootstrapServers: config.bootstrapServers)
        let conf = try config.makeConf(
            defaults: KafkaProducer.defaults(config: config, transactionalID: transactionalID))
        context.install(on: conf, statistics: config.statistics)
        rd_kafka_conf_set_dr_msg_cb(conf) { _, message, opaque in
            guard let message, let context = ClientContext.from(opaque) else { return }
            let m = message.pointee
            guard let id = m._private.map({ UInt(bitPattern: $0) }) else {
                if m.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                    context.logger.error(
                        "a fire-and-forget record was not delivered: \(String(cString: rd_kafka_err2str(m.err)))")
                }
                return
            }
            let topic = m.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
            if m.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                context.deliveries.complete(
                    id, with: .success(DeliveryReport(topic: topic, partition: m.partition, offset: m.offset)))
            } else {
                let hint = m.err == RD_KAFKA_RESP_ERR__MSG_TIMED_OUT ? context.unreachableHint : nil
                context.deliveries.complete(
                    id, with: .failure(KafkaError(m.err, operation: "deliver record to \(topic)", hint: hint)))
            }
        }
        var errstr = errorBuffer()
        guard let handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, &errstr, errstr.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError.local(text(ofBuffer: errstr), operation: "create Kafka producer")
        }
        self.handle = handle
        self.poller = PollThread(handle: handle, name: "attache.kafka.producer.poll")
    }

    deinit {
        close()
    }

    /// Produces a record and waits for its delivery report.
    ///
    /// Cancelling the waiting task returns `CancellationError` at once; the record may
    /// still be delivered, since Kafka cannot take back an enqueued record.
    public func send(_ record: OutgoingRecord) async throws -> DeliveryReport {
        try await send(all: [record])[0]
    }

    /// Produces records and waits for all their delivery reports, returned in the order of
    /// `records`. The records are enqueued in that order, so records of one partition are
    /// stored in that order (the idempotent producer keeps it through retries). Fails with
    /// the first failure, after every report has arrived.
    public func send(all records: [OutgoingRecord]) async throws -> [DeliveryReport] {
        let outcomes = await deliver(all: records)
        if Task.isCancelled { throw CancellationError() }
        return try outcomes.map { try $0.get() }
    }

    /// Produces records and waits for every delivery report: the outcome of each record, in
    /// the order of `records`, so that a caller can tell the record a permanent error (e.g.
    /// too large) belongs to from the others. Cancelling the waiting task ends the wait with
    /// failures for the records not yet reported.
    public func deliver(all records: [OutgoingRecord]) async -> [Result<DeliveryReport, KafkaError>] {
        let ids = records.map { record in
            let id = context.deliveries.reserve()
            do throws(KafkaError) {
                try enqueue(record, opaque: UnsafeMutableRawPointer(bitPattern: id))
            } catch {
                context.deliveries.complete(id, with: .failure(error))
            }
            return id
        }
        let deliveries = context.deliveries
        return await withTaskCancellationHandler {
            await deliveries.outcomes(of: ids)
        } onCancel: {
            ids.forEach(deliveries.cancel)
        }
    }

    /// Produces a record without waiting: a failed delivery is only logged.
    public func post(_ record: OutgoingRecord) throws(KafkaError) {
        try enqueue(record, opaque: nil)
    }

    /// Waits until every enqueued record has its delivery report.
    public func flush(timeoutMs: Int = 30_000) async throws(KafkaError) {
        if closeLock.withLock({ closed }) {
            throw KafkaError(RD_KAFKA_RESP_ERR__DESTROY, operation: "flush producer", kind: .retriable)
        }
        let handle = KafkaHandle(raw: handle)
        let hint = context.unreachableHint
        try await BlockingExecutor.run { () throws(KafkaError) in
            let err = rd_kafka_flush(handle.raw, Int32(timeoutMs))
            if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                throw KafkaError(err, operation: "flush producer", hint: hint)
            }
        }
    }

    /// Records produced and not yet reported.
    public var outstanding: Int {
        closeLock.withLock { closed ? 0 : Int(rd_kafka_outq_len(handle)) }
    }

    /// `close` on a blocking-call thread, for async code.
    public func shutdown(timeoutMs: Int? = nil) async {
        await offCooperativePool { self.close(timeoutMs: timeoutMs) }
    }

    /// Flushes what is pending (up to `timeoutMs`, default `config.closeTimeoutMs`), stops
    /// the poll thread and frees the client. Safe to call twice. Blocks until done, or about
    /// `timeoutMs` more when freeing the client hangs (it is then left behind): from async
    /// code use `shutdown()`.
    public func close(timeoutMs: Int? = nil) {
        let first = closeLock.withLock {
            defer { closed = true }
            return !closed
        }
        guard first else { return }
        let timeoutMs = max(0, timeoutMs ?? config.closeTimeoutMs)
        let started = DispatchTime.now()
        rd_kafka_flush(handle, Int32(timeoutMs))
        let unsent = Int(rd_kafka_outq_len(handle))
        if unsent > 0 {
            context.logger.warning(
                "closing the producer with \(unsent) records or requests not delivered within \(timeoutMs) ms (is the cluster reachable?)"
            )
        }
        // Sends still waiting get their answer now rather than never.
        context.deliveries.failAll(
            KafkaError(
                RD_KAFKA_RESP_ERR__DESTROY, operation: "send",
                hint: "the producer was closed first; the record's input is read again after restart",
                kind: .retriable))
        let handle = KafkaHandle(raw: handle)
        let poller = poller
        let context = context
        let done = DispatchSemaphore(value: 0)
        BlockingExecutor.queue().async {
            poller.stop()
            rd_kafka_destroy(handle.raw)
            withExtendedLifetime(context) {}
            done.signal()
        }
        let spent = Int((DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1_000_000)
        if done.wait(timeout: .now() + .milliseconds(max(1_000, timeoutMs - spent))) == .timedOut {
            context.logger.warning("the producer was not freed in time; leaving it behind")
        }
    }

    private func enqueue(_ record: OutgoingRecord, opaque: UnsafeMutableRawPointer?) throws(KafkaError) {
        if let fatal = context.fatalError { throw fatal }
        var attempt = 0
        while true {
            // Never on a freed client: `close` sets the flag under the same lock first.
            let err = closeLock.withLock { closed ? RD_KAFKA_RESP_ERR__DESTROY : produceOnce(record, opaque: opaque) }
            if err == RD_KAFKA_RESP_ERR__DESTROY {
                throw KafkaError(
                    err, operation: "produce to \(record.topic)", hint: "the producer is closed", kind: .retriable)
            }
            if err == RD_KAFKA_RESP_ERR_NO_ERROR { return }
            // The local queue is full: the poll thread is draining it; give it a moment.
            if err == RD_KAFKA_RESP_ERR__QUEUE_FULL && attempt < 1_000 {
                attempt += 1
                usleep(1_000)
                continue
            }
            throw KafkaError(err, operation: "produce to \(record.topic)")
        }
    }

    private func produceOnce(_ record: OutgoingRecord, opaque: UnsafeMutableRawPointer?) -> rd_kafka_resp_err_t {
        var headers: OpaquePointer?
        if !record.headers.isEmpty {
            headers = rd_kafka_headers_new(record.headers.count)
            for header in record.headers {
                if let value = header.value {
                    value.withUnsafeBytes {
                        _ = rd_kafka_header_add(headers, header.name, -1, $0.baseAddress, $0.count)
                    }
                } else {
                    _ = rd_kafka_header_add(headers, header.name, -1, nil, 0)
                }
            }
        }
        let partition = record.partition ?? RD_KAFKA_PARTITION_UA
        let err = withOptionalBytes(record.key) { key, keyLength in
            withOptionalBytes(record.value) { value, valueLength in
                if let timestamp = record.timestampMs {
                    attache_produce_at(
                        handle, record.topic, partition, key, keyLength, value, valueLength, headers, opaque, timestamp)
                } else {
                    attache_produce(
                        handle, record.topic, partition, key, keyLength, value, valueLength, headers, opaque)
                }
            }
        }
        if err != RD_KAFKA_RESP_ERR_NO_ERROR, let headers { rd_kafka_headers_destroy(headers) }
        return err
    }
}

/// Calls `body` with a pointer and length for optional bytes (nil, 0 for nil).
private func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawPointer?, Int) -> R) -> R {
    guard let bytes else { return body(nil, 0) }
    return bytes.withUnsafeBytes { body($0.baseAddress, $0.count) }
}
