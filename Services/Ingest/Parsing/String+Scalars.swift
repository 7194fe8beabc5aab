extension String {
    /// The string of `scalars`, encoded as UTF-8 straight into the string's storage (faster
    /// than appending them to a `String.UnicodeScalarView` one by one).
    init(scalars: ArraySlice<Unicode.Scalar>) {
        self = scalars.withUnsafeBufferPointer { scalars in
            String(unsafeUninitializedCapacity: 4 * scalars.count) { out in
                var n = 0
                for s in scalars {
                    let v = s.value
                    if v < 0x80 {
                        out[n] = UInt8(v)
                        n += 1
                    } else if v < 0x800 {
                        out[n] = UInt8(0xC0 | (v >> 6))
                        out[n + 1] = UInt8(0x80 | (v & 0x3F))
                        n += 2
                    } else if v < 0x10000 {
                        out[n] = UInt8(0xE0 | (v >> 12))
                        out[n + 1] = UInt8(0x80 | ((v >> 6) & 0x3F))
                        out[n + 2] = UInt8(0x80 | (v & 0x3F))
                        n += 3
                    } else {
                        out[n] = UInt8(0xF0 | (v >> 18))
                        out[n + 1] = UInt8(0x80 | ((v >> 12) & 0x3F))
                        out[n + 2] = UInt8(0x80 | ((v >> 6) & 0x3F))
                        out[n + 3] = UInt8(0x80 | (v & 0x3F))
                        n += 4
                    }
                }
                return n
            }
        }
    }
}
