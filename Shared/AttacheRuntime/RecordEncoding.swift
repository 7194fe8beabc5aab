import AttacheKafka
import AttacheModels

extension OutgoingRecord {
    /// A record holding `value` as Attache JSON, with the `content-type`, `schema` and
    /// `traceparent` headers of docs/architecture.md §1.
    public static func json<Value: SchemaRecord>(
        topic: String, key: String, value: Value,
        traceparent: String?
    ) throws -> OutgoingRecord {
        OutgoingRecord(
            topic: topic, key: Array(key.utf8), value: try AttacheJSON.encode(value),
            headers: RecordHeaders.forRecord(Value.schemaName, traceparent: traceparent).map { KafkaHeader($0.0, $0.1) }
        )
    }
}
