import CRdKafka

/// Logical offsets librdkafka understands.
public enum KafkaOffset {
    public static let beginning = Int64(RD_KAFKA_OFFSET_BEGINNING)
    public static let end = Int64(RD_KAFKA_OFFSET_END)
    public static let stored = Int64(RD_KAFKA_OFFSET_STORED)
    public static let invalid = Int64(RD_KAFKA_OFFSET_INVALID)
}
