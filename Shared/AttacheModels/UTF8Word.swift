/// Eight bytes of UTF-8 read as one little-endian word, for the scans that pass text eight
/// bytes at a time (`CountryNameIndex.hits(utf8:)`, `RecordCheck.scalarCount`).
enum UTF8Word {
    /// How many of the first `count` bytes of `word` start a Unicode scalar: every byte but the
    /// continuation bytes (`10xxxxxx`).
    @inline(__always)
    static func leadBytes(in word: UInt64, first count: Int = 8) -> Int {
        // ASCII (the common case) is all lead bytes, without a population count.
        if word & 0x8080_8080_8080_8080 == 0 { return count }
        // Bit 7 clear, or bit 6 (shifted up to bit 7) set, in each byte.
        var leads = (~word | (word << 1)) & 0x8080_8080_8080_8080
        if count < 8 { leads &= (1 << (8 * UInt64(count))) &- 1 }
        return leads.nonzeroBitCount
    }
}
