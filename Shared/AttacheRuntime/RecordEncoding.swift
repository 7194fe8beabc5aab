import AttacheKafka
import AttacheModels

extension OutgoingRecord {
    /// A record holding `value` as Attache JSON, with the `content-type`, `schema` and
    /// `traceparent` headers of docs/architecture.md §1.
    public static func json<Value: SchemaRecord>(
        topic: String, key: String, value: Value,
        traceparent: String?
    ) throws -> OutgoingRecord {
        record(topic: topic, key: key, value: try AttacheJSON.encode(value), Value.schemaName, traceparent)
    }

    /// `json` for the records that write themselves (`JSONWritable`, the hot ones), chosen
    /// by the compiler where the type is known: the same record, without a dynamic cast.
    public static func json<Value: SchemaRecord & JSONWritable>(
        topic: String, key: String, value: Value,
        traceparent: String?
    ) throws -> OutgoingRecord {
        record(topic: topic, key: key, value: try AttacheJSON.encode(value), Value.schemaName, traceparent)
    }

    private static func record(
        topic: String, key: String, value: [UInt8], _ schema: SchemaName, _ traceparent: String?
    ) -> OutgoingRecord {
        OutgoingRecord(
            topic: topic, key: Array(key.utf8), value: value,
            headers: RecordHeaders.forRecord(schema, traceparent: traceparent).map { KafkaHeader($0.0, $0.1) }
        )
    }
}
