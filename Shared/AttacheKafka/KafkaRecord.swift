import CRdKafka
import Foundation

/// A record header: a name and a value (which Kafka allows to be null).
public struct KafkaHeader: Sendable, Hashable {
    public var name: String
    public var value: [UInt8]?

    public init(_ name: String, _ value: [UInt8]?) {
        self.name = name
        self.value = value
    }

    public init(_ name: String, _ value: String) {
        self.init(name, Array(value.utf8))
    }

    /// The value as UTF-8 text.
    public var text: String? { value.map { String(decoding: $0, as: UTF8.self) } }
}

/// A record to produce.
public struct OutgoingRecord: Sendable, Hashable {
    public var topic: String
    /// Nil lets the partitioner choose (murmur2 over the key, as Java clients do).
    public var partition: Int32?
    public var key: [UInt8]?
    /// Nil is a tombstone.
    public var value: [UInt8]?
    public var headers: [KafkaHeader]
    /// The record's create time in milliseconds since the epoch; nil (the usual) for now.
    public var timestampMs: Int64?

    public init(topic: String, partition: Int32? = nil, key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader] = [],
                timestampMs: Int64? = nil) {
        self.topic = topic
        self.partition = partition
        self.key = key
        self.value = value
        self.headers = headers
        self.timestampMs = timestampMs
    }

    public init(topic: String, key: String?, value: [UInt8]?, headers: [KafkaHeader] = []) {
        self.init(topic: topic, key: key.map { Array($0.utf8) }, value: value, headers: headers)
    }
}

/// Where a produced record was stored.
public struct DeliveryReport: Sendable, Hashable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
}

/// A consumed record.
public struct KafkaMessage: Sendable, Hashable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var key: [UInt8]?
    public var value: [UInt8]?
    public var headers: [KafkaHeader]
    /// The record's timestamp in milliseconds since the epoch, when it has one.
    public var timestampMs: Int64?

    public init(topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8]?,
                headers: [KafkaHeader], timestampMs: Int64?) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestampMs = timestampMs
    }

    /// The key as UTF-8 text.
    public var keyText: String? { key.map { String(decoding: $0, as: UTF8.self) } }

    /// The offset after this record (what a commit of it stores). Offsets come from the
    /// broker: checked arithmetic, so that even `Int64.max` cannot trap.
    public var nextOffset: Int64 {
        let (next, overflow) = offset.addingReportingOverflow(1)
        return overflow ? Int64.max : next
    }

    /// The first header of that name.
    public func header(_ name: String) -> KafkaHeader? { headers.first { $0.name == name } }

    /// Copies a message out of librdkafka (which keeps ownership of `message`).
    init(copying message: UnsafeMutablePointer<rd_kafka_message_t>) {
        let m = message.pointee
        topic = m.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
        partition = m.partition
        offset = m.offset
        key = m.key.map { Array(UnsafeRawBufferPointer(start: $0, count: m.key_len)) }
        value = m.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: m.len)) }
        var kind = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let ts = rd_kafka_message_timestamp(message, &kind)
        timestampMs = kind == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : ts
        var parsed: [KafkaHeader] = []
        var hdrs: OpaquePointer?
        if rd_kafka_message_headers(message, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR, let hdrs {
            var index = 0
            var name: UnsafePointer<CChar>?
            var value: UnsafeRawPointer?
            var size = 0
            while rd_kafka_header_get_all(hdrs, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
                let bytes = value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }
                parsed.append(KafkaHeader(name.map { String(cString: $0) } ?? "", bytes))
                index += 1
            }
        }
        headers = parsed
    }
}

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
