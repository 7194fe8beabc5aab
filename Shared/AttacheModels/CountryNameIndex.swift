/// `Countries.names` laid out for matching without hashing or allocating: every name's UTF-8
/// bytes and Unicode scalars in flat arrays, and buckets of names keyed by their first two
/// code units, in `Countries.names` order (longest first). One index serves both the article
/// parser (`Countries.mentioned(in:)` over a String's UTF-8) and the extractor
/// (`Countries.matches(inScalars:at:)` over decoded scalars); both find exactly what a
/// scalar-by-scalar comparison with every name, longest first, would.
///
/// A name matches at a position when its scalars are there, the scalar before is not a word
/// scalar (letter or digit) and the scalar after is not one either. Names are tried longest
/// first and matches do not overlap. Every name has at least two scalars (and so two bytes)
/// and starts with a capital ASCII letter (the UTF-8 scan passes over text without one).
struct CountryNameIndex: Sendable {
    /// The names, as `Countries.names` orders them.
    let names: [Countries.Name]
    /// Name k's UTF-8 is `bytes[byteStart[k] ..< byteStart[k + 1]]`.
    private let bytes: [UInt8]
    private let byteStart: [Int]
    /// Name k's scalars are `scalars[scalarStart[k] ..< scalarStart[k + 1]]`.
    private let scalars: [Unicode.Scalar]
    private let scalarStart: [Int]
    /// The names whose first two UTF-8 bytes have bucket key `key`, in `names` order.
    private let byteBuckets: Buckets
    /// The names whose first two scalars have bucket key `key`, in `names` order.
    private let scalarBuckets: Buckets

    /// Lists of names by a key of their first two code units: bucket b is
    /// `order[first[b] ..< first[b + 1]]`. Keys keep 7 bits of each unit, so a bucket may hold
    /// names that do not match (they are compared in full); it holds every name that may.
    struct Buckets: Sendable {
        var first: [Int32]
        var order: [Int]
        /// Whether any name's first unit has these low 7 bits: a quick no before the buckets.
        var starts: [Bool]

        static let count = 128 * 128

        @inline(__always)
        static func key(_ a: UInt32, _ b: UInt32) -> Int { Int(a & 0x7F) << 7 | Int(b & 0x7F) }

        init(_ keys: [Int]) {
            var lists = [[Int]](repeating: [], count: Self.count)
            starts = [Bool](repeating: false, count: 128)
            for (name, key) in keys.enumerated() {
                lists[key].append(name)
                starts[key >> 7] = true
            }
            first = []
            order = []
            for list in lists {
                first.append(Int32(order.count))
                order += list
            }
            first.append(Int32(order.count))
        }
    }

    init(_ names: [Countries.Name]) {
        self.names = names
        var bytes: [UInt8] = []
        var byteStart: [Int] = [0]
        var scalars: [Unicode.Scalar] = []
        var scalarStart: [Int] = [0]
        var byteKeys: [Int] = []
        var scalarKeys: [Int] = []
        for name in names {
            let u = Array(name.text.utf8)
            precondition(
                u[0] >= 0x41 && u[0] <= 0x5A, "a country name starts with a capital ASCII letter: \(name.text)")
            let s = Array(name.text.unicodeScalars)
            precondition(s.count >= 2, "a country name has at least two scalars: \(name.text)")
            bytes += u
            byteStart.append(bytes.count)
            scalars += s
            scalarStart.append(scalars.count)
            byteKeys.append(Buckets.key(UInt32(u[0]), UInt32(u[1])))
            scalarKeys.append(Buckets.key(s[0].value, s[1].value))
        }
        self.bytes = bytes
        self.byteStart = byteStart
        self.scalars = scalars
        self.scalarStart = scalarStart
        self.byteBuckets = Buckets(byteKeys)
        self.scalarBuckets = Buckets(scalarKeys)
    }

    /// A name found: its index in `names`, and its Unicode-scalar offsets in the text.
    struct Hit {
        var name: Int
        var scalarStart: Int
        var scalarEnd: Int
    }

    /// Every non-overlapping name in UTF-8 text, in order.
    func hits(utf8 text: UnsafeBufferPointer<UInt8>) -> [Hit] {
        var result: [Hit] = []
        let n = text.count
        var i = 0
        var scalarOffset = 0
        let starts = byteBuckets.starts
        byteBuckets.first.withUnsafeBufferPointer { first in
            byteBuckets.order.withUnsafeBufferPointer { order in
                bytes.withUnsafeBufferPointer { nameBytes in
                    byteStart.withUnsafeBufferPointer { byteStart in
                        while i + 1 < n {
                            // Every name starts with a capital ASCII letter: the bytes before the
                            // next one start none, and are passed eight at a time.
                            if i + 8 <= n {
                                let word = UnsafeRawPointer(text.baseAddress! + i).loadUnaligned(as: UInt64.self)
                                let capitals = Self.capitals(in: word)
                                let skip = capitals == 0 ? 8 : capitals.trailingZeroBitCount / 8
                                if skip > 0 {
                                    scalarOffset += UTF8Word.leadBytes(in: word, first: skip)
                                    i += skip
                                    continue
                                }
                            }
                            let b = text[i]
                            if !starts[Int(b & 0x7F)] {
                                if b & 0xC0 != 0x80 { scalarOffset += 1 }
                                i += 1
                                continue
                            }
                            let key = Buckets.key(UInt32(b), UInt32(text[i + 1]))
                            let lo = Int(first[key])
                            let hi = Int(first[key + 1])
                            // Continuation bytes start no name (names are valid UTF-8), nor a scalar.
                            if lo == hi || b & 0xC0 == 0x80 || (i > 0 && Self.isWordScalar(endingAt: i, in: text)) {
                                if b & 0xC0 != 0x80 { scalarOffset += 1 }
                                i += 1
                                continue
                            }
                            var matched = -1
                            for o in lo..<hi {
                                let k = order[o]
                                let s = byteStart[k]
                                let length = byteStart[k + 1] - s
                                guard i + length <= n else { continue }
                                var same = true
                                for j in 0..<length where text[i + j] != nameBytes[s + j] {
                                    same = false
                                    break
                                }
                                guard same, i + length == n || !Self.isWordScalar(startingAt: i + length, in: text)
                                else {
                                    continue
                                }
                                matched = k
                                break
                            }
                            if matched >= 0 {
                                let count = scalarStart[matched + 1] - scalarStart[matched]
                                result.append(
                                    Hit(name: matched, scalarStart: scalarOffset, scalarEnd: scalarOffset + count))
                                scalarOffset += count
                                i += byteStart[matched + 1] - byteStart[matched]
                            } else {
                                scalarOffset += 1
                                i += 1
                            }
                        }
                    }
                }
            }
        }
        return result
    }

    /// The high bit of each byte of `word` that is a capital ASCII letter (A–Z), exactly (no
    /// carry crosses a byte): the byte is below 0x80, its low seven bits t have 0xDA − t ≥ 0x80
    /// (t ≤ 0x5A) and t + 0x3F ≥ 0x80 (t ≥ 0x41).
    @inline(__always)
    static func capitals(in word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let t = word & ~highs
        return (ones &* 0xDA &- t) & ~word & (t &+ ones &* 0x3F) & highs
    }

    /// The names at the scalar offsets `starts` (ascending; every other position is skipped),
    /// non-overlapping, in order. Its comparison loop is `hits(utf8:)`'s over scalars: one
    /// generic loop taking the word-end test as a closure made both scans about 5 % slower.
    func hits(scalars text: UnsafeBufferPointer<Unicode.Scalar>, at starts: some Sequence<Int>) -> [Hit] {
        var result: [Hit] = []
        var next = 0
        let n = text.count
        let firsts = scalarBuckets.starts
        scalarBuckets.first.withUnsafeBufferPointer { first in
            scalarBuckets.order.withUnsafeBufferPointer { order in
                scalarStart.withUnsafeBufferPointer { scalarStart in
                    scalars.withUnsafeBufferPointer { names in
                        for i in starts where i >= next && i + 1 < n && firsts[Int(text[i].value & 0x7F)] {
                            let key = Buckets.key(text[i].value, text[i + 1].value)
                            let lo = Int(first[key])
                            let hi = Int(first[key + 1])
                            guard lo < hi, i == 0 || !Self.isWordScalar(text[i - 1]) else { continue }
                            for o in lo..<hi {
                                let k = order[o]
                                let s = scalarStart[k]
                                let length = scalarStart[k + 1] - s
                                guard i + length <= n else { continue }
                                var same = true
                                for j in 0..<length where text[i + j] != names[s + j] {
                                    same = false
                                    break
                                }
                                guard same, i + length == n || !Self.isWordScalar(text[i + length]) else { continue }
                                result.append(Hit(name: k, scalarStart: i, scalarEnd: i + length))
                                next = i + length
                                break
                            }
                        }
                    }
                }
            }
        }
        return result
    }

    /// Letters and digits (a hyphen separates words: "Kazakh-Luxembourg relations" names both).
    @inline(__always)
    static func isWordScalar(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 {
            // ASCII fast path (the Unicode property lookup is slow).
            return (v >= 0x61 && v <= 0x7A) || (v >= 0x41 && v <= 0x5A) || (v >= 0x30 && v <= 0x39)
        }
        return s.properties.isAlphabetic || s.properties.numericType != nil
    }

    /// Whether the scalar whose UTF-8 starts at byte i (a lead byte) is a word scalar.
    static func isWordScalar(startingAt i: Int, in text: UnsafeBufferPointer<UInt8>) -> Bool {
        let b = text[i]
        if b < 0x80 { return isWordScalar(Unicode.Scalar(b)) }
        return isWordScalar(decode(text, at: i))
    }

    /// Whether the scalar whose UTF-8 ends just before byte i is a word scalar.
    static func isWordScalar(endingAt i: Int, in text: UnsafeBufferPointer<UInt8>) -> Bool {
        let b = text[i - 1]
        if b < 0x80 { return isWordScalar(Unicode.Scalar(b)) }
        var j = i - 1
        while j > 0, text[j] & 0xC0 == 0x80 { j -= 1 }
        return isWordScalar(decode(text, at: j))
    }

    /// The scalar whose (valid) UTF-8 starts at byte i.
    static func decode(_ text: UnsafeBufferPointer<UInt8>, at i: Int) -> Unicode.Scalar {
        let b0 = UInt32(text[i])
        func next(_ k: Int) -> UInt32 { i + k < text.count ? UInt32(text[i + k] & 0x3F) : 0 }
        let v: UInt32
        if b0 < 0x80 {
            v = b0
        } else if b0 < 0xE0 {
            v = (b0 & 0x1F) << 6 | next(1)
        } else if b0 < 0xF0 {
            v = (b0 & 0x0F) << 12 | next(1) << 6 | next(2)
        } else {
            v = (b0 & 0x07) << 18 | next(1) << 12 | next(2) << 6 | next(3)
        }
        return Unicode.Scalar(v) ?? "\u{FFFD}"
    }
}
