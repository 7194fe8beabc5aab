import CRdKafka

/// Cluster metadata look-ups shared by the clients.
public enum Metadata {
    /// The number of partitions of `topic` (0 when the cluster does not know it).
    static func partitionCount(handle: OpaquePointer, topic: String, timeoutMs: Int, hint: String) throws(KafkaError)
        -> Int
    {
        try topics(handle: handle, timeoutMs: timeoutMs, hint: hint)[topic] ?? 0
    }

    /// Every topic with its partition count.
    static func topics(handle: OpaquePointer, timeoutMs: Int, hint: String) throws(KafkaError) -> [String: Int] {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let err = rd_kafka_metadata(handle, 1, nil, &metadata, Int32(timeoutMs))
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
            throw KafkaError(err, operation: "fetch cluster metadata", hint: hint)
        }
        defer { rd_kafka_metadata_destroy(metadata) }
        var result: [String: Int] = [:]
        for i in 0..<Int(metadata.pointee.topic_cnt) {
            let t = metadata.pointee.topics[i]
            if t.err == RD_KAFKA_RESP_ERR_NO_ERROR { result[String(cString: t.topic)] = Int(t.partition_cnt) }
        }
        return result
    }
}
