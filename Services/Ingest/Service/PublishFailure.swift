import AttacheKafka
import CRdKafka

/// What a failed publication means for the ingest service, from how librdkafka classifies
/// the error (see `KafkaError.Kind`) and, for permanent errors, whether it concerns the
/// record or the service as a whole.
enum PublishFailure: Equatable {
    /// Try again later: the cluster is unreachable, a leader moved, a topic is not there yet.
    case retriable
    /// Kafka refuses this record for good (its size or contents): reject it, with the reason.
    case record(String)
    /// Nothing can be published any more (a fatal producer error, or this client may not
    /// write): the service stops.
    case service(KafkaError)

    /// The class of `error`. An error that is not a Kafka error (the record could not be
    /// encoded) concerns the record.
    static func classify(_ error: any Error) -> PublishFailure {
        guard let kafka = error as? KafkaError else {
            if error is CancellationError { return .retriable }
            return .record(String(describing: error))
        }
        if kafka.kind == .fatal || serviceCodes.contains(kafka.code) {
            var stopping = kafka
            stopping.kind = .fatal
            return .service(stopping)
        }
        if retriableCodes.contains(kafka.code) { return .retriable }
        switch kafka.kind {
        case .permanent: return .record(kafka.description)
        case .retriable, .abortable, .fatal: return .retriable
        }
    }

    /// Permanent errors that concern every record: authorization and authentication.
    static let serviceCodes: Set<Int32> = [
        RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED, RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED,
        RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED, RD_KAFKA_RESP_ERR__AUTHENTICATION,
    ].map { Int32($0.rawValue) }.reduce(into: []) { $0.insert($1) }

    /// Errors librdkafka calls permanent that pass once the cluster is set up (a topic
    /// created, a partition count known).
    static let retriableCodes: Set<Int32> = [RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC]
        .map { Int32($0.rawValue) }.reduce(into: []) { $0.insert($1) }

    static func == (a: PublishFailure, b: PublishFailure) -> Bool {
        switch (a, b) {
        case (.retriable, .retriable): true
        case (.record(let x), .record(let y)): x == y
        case (.service(let x), .service(let y)): x.code == y.code
        default: false
        }
    }
}
