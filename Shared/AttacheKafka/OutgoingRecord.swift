import CRdKafka
import Foundation

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

    public init(
        topic: String, partition: Int32? = nil, key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader] = [],
        timestampMs: Int64? = nil
    ) {
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
