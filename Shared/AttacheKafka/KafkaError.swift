import CRdKafka

/// Every failure of the Kafka layer: librdkafka's code, name and message, how librdkafka
/// classifies it, what Attache was doing, and what to check.
public struct KafkaError: Error, CustomStringConvertible, Sendable {
    /// librdkafka's classes of error (INTRODUCTION.md, "Error handling").
    public enum Kind: String, Sendable {
        /// Try the same call again.
        case retriable
        /// The current transaction must be aborted; the producer stays usable.
        case abortable
        /// The client instance is unusable (e.g. a fenced transactional producer).
        case fatal
        /// A permanent error for this operation; retrying the same call will not help.
        case permanent
    }

    /// librdkafka's `rd_kafka_resp_err_t` value (negative codes are local to the client).
    public var code: Int32
    /// librdkafka's name for the code, e.g. `_TRANSPORT`, `NOT_COORDINATOR`.
    public var name: String
    /// librdkafka's human-readable message.
    public var message: String
    public var kind: Kind
    /// What Attache was doing, e.g. `produce to articles.parsed`.
    public var operation: String
    /// What to check, when Attache can say.
    public var hint: String?

    public init(code: Int32, name: String, message: String, kind: Kind, operation: String, hint: String? = nil) {
        self.code = code
        self.name = name
        self.message = message
        self.kind = kind
        self.operation = operation
        self.hint = hint
    }

    /// From a response code.
    public init(_ err: rd_kafka_resp_err_t, operation: String, hint: String? = nil, kind: Kind? = nil) {
        self.init(
            code: Int32(err.rawValue), name: String(cString: rd_kafka_err2name(err)),
            message: String(cString: rd_kafka_err2str(err)),
            kind: kind ?? KafkaError.classify(err), operation: operation, hint: hint)
    }

    /// From an `rd_kafka_error_t`, which this initialiser destroys.
    init(consuming error: OpaquePointer, operation: String, hint: String? = nil) {
        let kind: Kind
        if rd_kafka_error_is_fatal(error) != 0 {
            kind = .fatal
        } else if rd_kafka_error_txn_requires_abort(error) != 0 {
            kind = .abortable
        } else if rd_kafka_error_is_retriable(error) != 0 {
            kind = .retriable
        } else {
            kind = .permanent
        }
        self.init(
            code: Int32(rd_kafka_error_code(error).rawValue), name: String(cString: rd_kafka_error_name(error)),
            message: String(cString: rd_kafka_error_string(error)), kind: kind, operation: operation, hint: hint)
        rd_kafka_error_destroy(error)
    }

    /// A failure of Attache's own, not of librdkafka (e.g. a bad configuration value).
    public static func local(_ message: String, operation: String, hint: String? = nil) -> KafkaError {
        KafkaError(
            code: Int32(RD_KAFKA_RESP_ERR__INVALID_ARG.rawValue), name: "_INVALID_ARG", message: message,
            kind: .permanent, operation: operation, hint: hint)
    }

    /// The class librdkafka gives a bare response code outside a transaction.
    static func classify(_ err: rd_kafka_resp_err_t) -> Kind {
        switch err {
        case RD_KAFKA_RESP_ERR__FATAL, RD_KAFKA_RESP_ERR__FENCED, RD_KAFKA_RESP_ERR_PRODUCER_FENCED,
            RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH, RD_KAFKA_RESP_ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED:
            return .fatal
        case RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, RD_KAFKA_RESP_ERR__TIMED_OUT,
            RD_KAFKA_RESP_ERR__MSG_TIMED_OUT, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, RD_KAFKA_RESP_ERR__QUEUE_FULL,
            RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE,
            RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND,
            RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_NOT_COORDINATOR,
            RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS, RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART,
            RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION, RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS:
            return .retriable
        default:
            return .permanent
        }
    }

    public var description: String {
        var text = "\(operation) failed: \(message) [\(name), \(kind.rawValue)]"
        if let hint { text += ". \(hint)" }
        return text
    }

    /// True for a delivery failure that belongs to the one record, not to the producer or
    /// the cluster: the record is too large or invalid, and sending it again cannot succeed.
    /// The record's input is then rejected; other records go on.
    public var isRecordPermanent: Bool {
        [
            RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE, RD_KAFKA_RESP_ERR_INVALID_RECORD,
            RD_KAFKA_RESP_ERR_INVALID_MSG, RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE,
            RD_KAFKA_RESP_ERR__BAD_MSG,
        ]
        .map { Int32($0.rawValue) }.contains(code)
    }

    /// True for a message that timed out in the producer queue or a request that timed out.
    public var isTimeout: Bool {
        [RD_KAFKA_RESP_ERR__MSG_TIMED_OUT, RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT]
            .map { Int32($0.rawValue) }.contains(code)
    }
}
