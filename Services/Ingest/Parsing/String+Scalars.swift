extension String {
    /// The string of `scalars`, encoded as UTF-8 straight into the string's storage (faster
    /// than appending them to a `String.UnicodeScalarView` one by one).
    init(scalars: ArraySlice<Unicode.Scalar>) {
        self = scalars.withUnsafeBufferPointer { scalars in
            String(unsafeUninitializedCapacity: 4 * scalars.count) { out in
                var n = 0
                var i = 0
                let count = scalars.count
                while i < count {
                    // ASCII, most of a text, goes eight scalars at a time when all eight are.
                    if i + 8 <= count {
                        var all: UInt32 = 0
                        for k in 0..<8 { all |= scalars[i + k].value }
                        if all < 0x80 {
                            for k in 0..<8 { out[n + k] = UInt8(truncatingIfNeeded: scalars[i + k].value) }
                            n += 8
                            i += 8
                            continue
                        }
                    }
                    n += String.encode(scalars[i].value, into: out, at: n)
                    i += 1
                }
                return n
            }
        }
    }

    /// Writes the UTF-8 of scalar value `v` at `out[n...]` and returns its length in bytes.
    @inline(__always)
    private static func encode(_ v: UInt32, into out: UnsafeMutableBufferPointer<UInt8>, at n: Int) -> Int {
        if v < 0x80 {
            out[n] = UInt8(v)
            return 1
        } else if v < 0x800 {
            out[n] = UInt8(0xC0 | (v >> 6))
            out[n + 1] = UInt8(0x80 | (v & 0x3F))
            return 2
        } else if v < 0x10000 {
            out[n] = UInt8(0xE0 | (v >> 12))
            out[n + 1] = UInt8(0x80 | ((v >> 6) & 0x3F))
            out[n + 2] = UInt8(0x80 | (v & 0x3F))
            return 3
        } else {
            out[n] = UInt8(0xF0 | (v >> 18))
            out[n + 1] = UInt8(0x80 | ((v >> 12) & 0x3F))
            out[n + 2] = UInt8(0x80 | ((v >> 6) & 0x3F))
            out[n + 3] = UInt8(0x80 | (v & 0x3F))
            return 4
        }
    }
}
