import AttacheKafka
import AttacheModels
import AttacheRuntime
import Foundation

/// Records the service cannot read (`PoisonRecord.decode`), or whose output cannot be
/// written: they become a `Rejection` on `articles.rejected` and the partition moves on (a poison record never
/// stalls its partition, never stops the service).
enum Poison {
    /// The rejection of a record whose output cannot be encoded (e.g. an extracted amount
    /// that is not a finite number): the whole output of the record is replaced by it.
    static func unencodable(_ message: KafkaMessage, _ error: any Error) -> Rejection {
        PoisonRecord.rejection(
            message, reason: "unencodable_output",
            detail:
                "the output of the record at \(PoisonRecord.location(message)) cannot be written as JSON: \(AttacheJSON.explainEncoding(error))"
        )
    }

    /// The record of a rejection on the rejected topic, keyed by its submission id.
    static func record(_ rejection: Rejection, topic: String, cause: KafkaMessage) throws -> OutgoingRecord {
        try OutgoingRecord.json(
            topic: topic, key: rejection.key, value: rejection, traceparent: TraceContext.child(of: cause))
    }
}
