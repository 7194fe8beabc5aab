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
    private var statistics: KafkaStatisticsReceiver?

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
    func install(on conf: OpaquePointer, statistics: KafkaStatisticsReceiver? = nil) {
        rd_kafka_conf_set_opaque(conf, opaque)
        if let statistics {
            lock.withLock { self.statistics = statistics }
            rd_kafka_conf_set_stats_cb(conf) { _, json, length, opaque in
                guard let json, let context = ClientContext.from(opaque),
                    let receiver = context.lock.withLock({ context.statistics })
                else { return 0 }
                receiver.receive(Array(UnsafeRawBufferPointer(start: json, count: length)))
                return 0
            }
        }
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
            let hint =
                code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN || code == RD_KAFKA_RESP_ERR__TRANSPORT
                ? context.unreachableHint : nil
            let error = KafkaError(
                code: Int32(code.rawValue), name: String(cString: rd_kafka_err2name(code)),
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
            let text =
                "librdkafka \(facility.map { String(cString: $0) } ?? ""): \(message.map { String(cString: $0) } ?? "")"
            switch level {
            case ...3: context.logger.error("\(text)")
            case 4: context.logger.warning("\(text)")
            case 5, 6: context.logger.info("\(text)")
            default: context.logger.debug("\(text)")
            }
        }
    }
}
