/// Counts the lines `ArticleParser.parseBatch` would parse (the non-blank ones) while an
/// NDJSON body arrives chunk by chunk, so that a batch over the line limit is refused
/// without reading or parsing the rest of it.
///
/// A line is blank when it holds only spaces, tabs and carriage returns, as in `parseBatch`.
public struct BatchLineCounter: Sendable {
    /// Non-blank lines completed so far, plus the current one once it has a non-blank byte.
    public private(set) var count = 0
    /// The 1-based number (counting every line) of the first non-blank line past `limit`.
    public private(set) var firstLineOverLimit: Int?
    /// The most non-blank lines allowed (nil: no limit).
    public let limit: Int?
    private var newlines = 0
    private var currentIsBlank = true

    /// A counter that notes the first line past `limit`.
    public init(limit: Int? = nil) {
        self.limit = limit
    }

    /// Whether more than `limit` non-blank lines arrived.
    public var isOverLimit: Bool { firstLineOverLimit != nil }

    /// Counts the lines of the next chunk of the body.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        if bytes.withContiguousStorageIfAvailable({ feed(UnsafeRawBufferPointer($0)) }) != nil { return }
        for byte in bytes { step(byte) }
    }

    /// Counts the lines of the next chunk of the body, in memory.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        for index in 0..<bytes.count { step(bytes[index]) }
    }

    @inline(__always)
    private mutating func step(_ byte: UInt8) {
        switch byte {
        case 0x0A:
            newlines += 1
            currentIsBlank = true
        case 0x20, 0x09, 0x0D:
            break
        default:
            if currentIsBlank {
                currentIsBlank = false
                count += 1
                if let limit, count == limit + 1 { firstLineOverLimit = newlines + 1 }
            }
        }
    }

    /// The non-blank lines of a whole body.
    public static func count(_ bytes: [UInt8]) -> Int {
        var counter = BatchLineCounter()
        counter.feed(bytes)
        return counter.count
    }
}
