/// A librdkafka pointer that may cross threads: librdkafka's handles are thread-safe.
struct KafkaHandle: @unchecked Sendable {
    let raw: OpaquePointer
}

/// The text of a NUL-terminated buffer that librdkafka filled (error strings).
func text(ofBuffer buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// An error-string buffer of the size librdkafka's calls expect.
func errorBuffer() -> [CChar] { [CChar](repeating: 0, count: 512) }
