import AttacheKafka
import AttacheRuntime
import Foundation

/// Admission control for publishing from HTTP: how many records may wait for their
/// delivery reports at once, over all requests, and how full the producer's local queue may
/// get. A request is admitted whole (a batch with all its lines) or refused at once, so
/// the API answers 503 with `Retry-After` instead of queueing work without bound or
/// blocking a thread while librdkafka's queue drains.
final class PublishCapacity: @unchecked Sendable {
    /// Why a request was refused, for the 503 answer.
    struct Refusal: Error, CustomStringConvertible {
        var description: String
    }

    /// The most records in flight from HTTP (`IngestSettings.maxInFlight`).
    let limit: Int
    /// The producer whose queue is watched, when there is one.
    private let producer: KafkaProducer?
    /// The most records the producer's queue may hold after admission: nine tenths of
    /// `queue.buffering.max.messages` (librdkafka's default 100,000).
    let queueLimit: Int
    /// Where the records in flight are shown (`IngestMetrics.httpInFlight`).
    private let metrics: Metrics?
    private let lock = NSLock()
    private var inFlight = 0

    init(limit: Int, producer: KafkaProducer?, metrics: Metrics? = nil) {
        self.limit = max(1, limit)
        self.producer = producer
        self.metrics = metrics
        let capacity = producer?.config.properties["queue.buffering.max.messages"].flatMap { Int($0) } ?? 100_000
        self.queueLimit = max(1, capacity * 9 / 10)
    }

    /// Records admitted and not yet released.
    var current: Int { lock.withLock { inFlight } }

    /// Admits `records` records, or says why not. A request larger than the whole limit is
    /// admitted when nothing else is in flight, so that no batch the API accepts can starve.
    func admit(_ records: Int) -> Result<Void, Refusal> {
        let queued = producer?.outstanding ?? 0
        if queued + records > queueLimit {
            return .failure(
                Refusal(
                    description:
                        "the Kafka producer's queue holds \(queued) records (limit \(queueLimit)); Kafka is not keeping up"
                ))
        }
        let admitted: Result<Int, Refusal> = lock.withLock {
            guard inFlight == 0 || inFlight + records <= limit else {
                return .failure(Refusal(description: "\(inFlight) records are being published (limit \(limit))"))
            }
            inFlight += records
            return .success(inFlight)
        }
        return admitted.map { now in metrics?.set(IngestMetrics.httpInFlight, Double(now)) }
    }

    /// Gives back what `admit` took.
    func release(_ records: Int) {
        let now = lock.withLock {
            inFlight = max(0, inFlight - records)
            return inFlight
        }
        metrics?.set(IngestMetrics.httpInFlight, Double(now))
    }
}
