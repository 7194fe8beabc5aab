import AttacheKafka
import AttacheModels
import AttacheRuntime
import Foundation

/// Records the service cannot read, or whose output cannot be written: they become a
/// `Rejection` on `articles.rejected` and the partition moves on (a poison record never
/// stalls its partition, never stops the service).
enum Poison {
    /// Decodes and validates a record value at the decoding boundary
    /// (`PoisonRecord.decode`), or says why it cannot be read.
    static func decode<T: ValidatedRecord>(_ type: T.Type, from message: KafkaMessage) -> Result<T, Rejection> {
        PoisonRecord.decode(T.self, from: message)
    }

    static func location(_ message: KafkaMessage) -> String { PoisonRecord.location(message) }

    static func rejection(_ message: KafkaMessage, reason: String, detail: String) -> Rejection {
        PoisonRecord.rejection(message, reason: reason, detail: detail)
    }

    /// The rejection of a record whose output cannot be encoded (e.g. an extracted amount
    /// that is not a finite number): the whole output of the record is replaced by it.
    static func unencodable(_ message: KafkaMessage, _ error: any Error) -> Rejection {
        rejection(
            message, reason: "unencodable_output",
            detail:
                "the output of the record at \(location(message)) cannot be written as JSON: \(AttacheJSON.explainEncoding(error))"
        )
    }

    /// The record of a rejection on the rejected topic, keyed by its submission id.
    static func record(_ rejection: Rejection, topic: String, cause: KafkaMessage) throws -> OutgoingRecord {
        try OutgoingRecord.json(
            topic: topic, key: rejection.key, value: rejection, traceparent: TraceContext.child(of: cause))
    }
}
