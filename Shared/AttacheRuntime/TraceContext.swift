import AttacheKafka

/// W3C Trace Context (`traceparent`) for records: a record caused by another carries the
/// same trace id with a new span id, so a trace follows an article through every topic.
public enum TraceContext {
    /// A `traceparent` continuing `parent` (a header value), or starting a new trace when
    /// it is missing or malformed.
    public static func child(of parent: String?) -> String {
        var generator = SystemRandomNumberGenerator()
        let span = hex(generator.next(), digits: 16)
        if let parent, let traceID = traceID(of: parent) {
            return "00-\(traceID)-\(span)-01"
        }
        return "00-\(hex(generator.next(), digits: 16))\(hex(generator.next(), digits: 16))-\(span)-01"
    }

    /// The `traceparent` for a record caused by `message`.
    public static func child(of message: KafkaMessage) -> String {
        child(of: message.header("traceparent")?.text)
    }

    /// The trace id of a well-formed `traceparent` (`00-<32 hex>-<16 hex>-<2 hex>`).
    public static func traceID(of header: String) -> String? {
        let parts = header.split(separator: "-")
        guard parts.count == 4, parts[0].count == 2, parts[1].count == 32, parts[2].count == 16, parts[3].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isHexDigit) }), parts[1] != String(repeating: "0", count: 32) else { return nil }
        return String(parts[1])
    }

    private static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
