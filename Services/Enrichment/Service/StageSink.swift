import AttacheKafka

/// Where a stage's output goes: a transactional producer (exactly once), or an idempotent
/// producer whose deliveries are awaited before the input offsets are committed plainly.
enum StageSink {
    case transactional(TransactionalProducer)
    case atLeastOnce(KafkaProducer)

    var producer: KafkaProducer {
        switch self {
        case .transactional(let txn): txn.producer
        case .atLeastOnce(let producer): producer
        }
    }
}

/// A fatal failure of a stage: the service stops, and `/healthz` says why.
struct StageFatalError: Error, CustomStringConvertible {
    var stage: String
    var underlying: any Error
    var description: String { "enrichment \(stage) stage stopped: \(underlying)" }
}
