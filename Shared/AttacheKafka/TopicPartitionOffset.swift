import CRdKafka
import Foundation

/// A partition and an offset in it.
public struct TopicPartitionOffset: Sendable, Hashable {
    public var topic: String
    public var partition: Int32
    /// For commits: the offset of the next record to read (last processed + 1).
    public var offset: Int64

    public init(topic: String, partition: Int32, offset: Int64) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }
}

extension Array where Element == TopicPartitionOffset {
    /// A librdkafka partition list; the caller destroys it.
    func makeList() -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
        let list = rd_kafka_topic_partition_list_new(Int32(count))!
        for item in self {
            rd_kafka_topic_partition_list_add(list, item.topic, item.partition).pointee.offset = item.offset
        }
        return list
    }

    /// Reads a librdkafka partition list.
    init(list: UnsafePointer<rd_kafka_topic_partition_list_t>) {
        let l = list.pointee
        self = (0..<Int(l.cnt)).map { i in
            let e = l.elems[i]
            return TopicPartitionOffset(topic: String(cString: e.topic), partition: e.partition, offset: e.offset)
        }
    }
}
