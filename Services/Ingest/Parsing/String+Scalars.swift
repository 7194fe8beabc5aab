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
                    // ASCII, most of a text, goes four scalars at a time when all four are.
                    if i + 4 <= count {
                        let a = scalars[i].value
                        let b = scalars[i + 1].value
                        let c = scalars[i + 2].value
                        let d = scalars[i + 3].value
                        if (a | b | c | d) < 0x80 {
                            out[n] = UInt8(truncatingIfNeeded: a)
                            out[n + 1] = UInt8(truncatingIfNeeded: b)
                            out[n + 2] = UInt8(truncatingIfNeeded: c)
                            out[n + 3] = UInt8(truncatingIfNeeded: d)
                            n += 4
                            i += 4
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
