extension [Unicode.Scalar] {
    /// The Unicode scalars of `text`, decoded straight from its UTF-8 (valid, as every String's
    /// is) into storage of its UTF-8 length, which bounds their number. Much faster than
    /// appending `text.unicodeScalars` one by one; the parser and the extractor both start here.
    public init(scalarsOf text: String) {
        let decoded = text.utf8.withContiguousStorageIfAvailable { utf8 in
            [Unicode.Scalar](unsafeUninitializedCapacity: utf8.count) { buffer, count in
                var i = 0
                var n = 0
                while i < utf8.count {
                    let b0 = UInt32(utf8[i])
                    if b0 < 0x80 {
                        buffer[n] = Unicode.Scalar(UInt8(truncatingIfNeeded: b0))
                        n += 1
                        i += 1
                        continue
                    }
                    var v = b0
                    if b0 >= 0xF0 {
                        v =
                            (b0 & 0x07) << 18 | UInt32(utf8[i + 1] & 0x3F) << 12 | UInt32(utf8[i + 2] & 0x3F) << 6
                            | UInt32(utf8[i + 3] & 0x3F)
                        i += 4
                    } else if b0 >= 0xE0 {
                        v = (b0 & 0x0F) << 12 | UInt32(utf8[i + 1] & 0x3F) << 6 | UInt32(utf8[i + 2] & 0x3F)
                        i += 3
                    } else if b0 >= 0xC0 {
                        v = (b0 & 0x1F) << 6 | UInt32(utf8[i + 1] & 0x3F)
                        i += 2
                    } else {
                        i += 1
                    }
                    buffer[n] = Unicode.Scalar(v) ?? "\u{FFFD}"
                    n += 1
                }
                count = n
            }
        }
        self = decoded ?? Array(text.unicodeScalars)
    }
}
