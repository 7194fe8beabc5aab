/// Finds the bytes a JSON string cannot hold as they are — `"`, `\` and the controls below
/// 0x20 — eight bytes at a time, for `JSONWriter` (which escapes them) and `JSONReader`
/// (which stops at them). Article texts are kilobytes long with one such byte per paragraph
/// (a newline), so the long runs between them are what costs; testing a byte at a time was
/// most of the writer's and the reader's string time.
enum JSONSpecialBytes {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// The index of the first special byte in `bytes[from...]`, or `bytes.count` when none.
    @inline(__always)
    static func first(in bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        var i = from
        let count = bytes.count
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i + 8 <= count {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                let found = specialMask(word)
                if found != 0 { return i + found.trailingZeroBitCount >> 3 }
                i += 8
            }
        }
        while i < count, !isSpecial(bytes[i]) { i += 1 }
        return i
    }

    /// Whether one byte is special.
    @inline(__always)
    static func isSpecial(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// A word whose lowest set bit is the high bit of the first special byte of `word`
    /// (little-endian), zero when it has none. Bits above the first special byte may be
    /// set falsely (a borrow carries into the next byte), so only the lowest one counts.
    /// Bytes of 0x80 and above (UTF-8 sequences) are never special: their high bit is
    /// masked off by `~word` or `~(word ^ pattern)`.
    @inline(__always)
    private static func specialMask(_ word: UInt64) -> UInt64 {
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let isQuote = (quote &- ones) & ~quote
        let isBackslash = (backslash &- ones) & ~backslash
        let isControl = (word &- ones &* 0x20) & ~word
        return (isQuote | isBackslash | isControl) & highBits
    }
}
