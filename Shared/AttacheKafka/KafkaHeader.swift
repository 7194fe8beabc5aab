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
