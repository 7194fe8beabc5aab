import CRdKafka
import Foundation

/// Where a produced record was stored.
public struct DeliveryReport: Sendable, Hashable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
}
