import AttacheKafka
import Synchronization

/// W3C Trace Context (`traceparent`) for records: a record caused by another carries the
/// same trace id with a new span id, so a trace follows an article through every topic.
public enum TraceContext {
    /// A `traceparent` continuing `parent` (a header value), or starting a new trace when
    /// it is missing or malformed. Works on UTF-8 bytes: it runs for every output record.
    public static func child(of parent: String?) -> String {
        var bytes = [UInt8](repeating: UInt8(ascii: "-"), count: length)
        bytes[0] = UInt8(ascii: "0")
        bytes[1] = UInt8(ascii: "0")
        bytes[53] = UInt8(ascii: "0")
        bytes[54] = UInt8(ascii: "1")
        if let parent, let traceID = traceIDBytes(of: parent) {
            bytes.replaceSubrange(3..<35, with: traceID)
        } else {
            writeHex(nextID(), into: &bytes, at: 3)
            writeHex(nextID(), into: &bytes, at: 19)
        }
        writeHex(nextID(), into: &bytes, at: 36)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The SplitMix64 state: a random start, advanced by a fixed odd step per identifier.
    private static let state = Atomic<UInt64>(UInt64.random(in: 1...UInt64.max))

    /// A new 64-bit identifier: SplitMix64's output of the next state. The step is odd and
    /// the output function a bijection, so identifiers do not repeat within a process (for
    /// 2^64 calls) and look random across processes, without a system call per record
    /// (`SystemRandomNumberGenerator` asks the kernel every time).
    static func nextID() -> UInt64 {
        let step: UInt64 = 0x9E37_79B9_7F4A_7C15
        var z = state.wrappingAdd(step, ordering: .relaxed).newValue
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The `traceparent` for a record caused by `message`.
    public static func child(of message: KafkaMessage) -> String {
        child(of: message.header("traceparent")?.text)
    }

    /// The trace id of a well-formed `traceparent` (`00-<32 hex>-<16 hex>-<2 hex>`, trace id
    /// not all zeros).
    public static func traceID(of header: String) -> String? {
        traceIDBytes(of: header).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The length of a version-00 `traceparent`.
    private static let length = 55

    private static func traceIDBytes(of header: String) -> ArraySlice<UInt8>? {
        var header = header
        return header.withUTF8 { utf8 -> ArraySlice<UInt8>? in
            guard utf8.count == length else { return nil }
            var allZero = true
            for (index, byte) in utf8.enumerated() {
                if index == 2 || index == 35 || index == 52 {
                    guard byte == UInt8(ascii: "-") else { return nil }
                } else {
                    guard isHexDigit(byte) else { return nil }
                    if (3..<35).contains(index), byte != UInt8(ascii: "0") { allZero = false }
                }
            }
            return allZero ? nil : Array(utf8[3..<35])[...]
        }
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Writes `value` as 16 lowercase hex digits at `offset`.
    private static func writeHex(_ value: UInt64, into bytes: inout [UInt8], at offset: Int) {
        for digit in 0..<16 {
            bytes[offset + digit] = hexDigits[Int((value >> UInt64(60 - 4 * digit)) & 0xF)]
        }
    }
}
