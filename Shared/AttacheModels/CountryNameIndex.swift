/// `Countries.names` laid out for matching without hashing or allocating: every name's UTF-8
/// bytes and Unicode scalars in flat arrays, and for each possible first byte the names that
/// start with it, in `Countries.names` order (longest first). One index serves both the
/// article parser (`Countries.mentioned(in:)` over a String's UTF-8) and the extractor
/// (`Countries.matches(inScalars:at:)` over decoded scalars); both find exactly what a
/// scalar-by-scalar comparison with every name would.
///
/// A name matches at a position when its scalars are there, the scalar before is not a word
/// scalar (letter or digit) and the scalar after is not one either. Names are tried longest
/// first and matches do not overlap.
struct CountryNameIndex: Sendable {
    /// The names, as `Countries.names` orders them.
    let names: [Countries.Name]
    /// Name k's UTF-8 is `bytes[byteStart[k] ..< byteStart[k + 1]]`.
    private let bytes: [UInt8]
    private let byteStart: [Int]
    /// Name k's scalars are `scalars[scalarStart[k] ..< scalarStart[k + 1]]`.
    private let scalars: [Unicode.Scalar]
    private let scalarStart: [Int]
    /// The names whose UTF-8 starts with byte b are `order[first[b] ..< first[b + 1]]`.
    private let first: [Int]
    private let order: [Int]

    init(_ names: [Countries.Name]) {
        self.names = names
        var bytes: [UInt8] = []
        var byteStart: [Int] = [0]
        var scalars: [Unicode.Scalar] = []
        var scalarStart: [Int] = [0]
        var byFirstByte = [[Int]](repeating: [], count: 256)
        for (k, name) in names.enumerated() {
            bytes += name.text.utf8
            byteStart.append(bytes.count)
            scalars += name.text.unicodeScalars
            scalarStart.append(scalars.count)
            if let lead = name.text.utf8.first { byFirstByte[Int(lead)].append(k) }
        }
        var first: [Int] = []
        var order: [Int] = []
        for list in byFirstByte {
            first.append(order.count)
            order += list
        }
        first.append(order.count)
        self.bytes = bytes
        self.byteStart = byteStart
        self.scalars = scalars
        self.scalarStart = scalarStart
        self.first = first
        self.order = order
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
        bytes.withUnsafeBufferPointer { nameBytes in
            while i < n {
                let b = text[i]
                let lo = first[Int(b)]
                let hi = first[Int(b) + 1]
                if lo == hi || (i > 0 && Self.isWordScalar(endingAt: i, in: text)) {
                    if b & 0xC0 != 0x80 { scalarOffset += 1 }
                    i += 1
                    continue
                }
                var matched = -1
                var end = i
                for k in order[lo..<hi] {
                    let s = byteStart[k]
                    let length = byteStart[k + 1] - s
                    guard i + length <= n else { continue }
                    var same = true
                    for j in 0..<length where text[i + j] != nameBytes[s + j] {
                        same = false
                        break
                    }
                    guard same, i + length == n || !Self.isWordScalar(startingAt: i + length, in: text) else {
                        continue
                    }
                    matched = k
                    end = i + length
                    break
                }
                if matched >= 0 {
                    let count = scalarStart[matched + 1] - scalarStart[matched]
                    result.append(Hit(name: matched, scalarStart: scalarOffset, scalarEnd: scalarOffset + count))
                    scalarOffset += count
                    i = end
                } else {
                    scalarOffset += 1  // b starts a scalar: continuation bytes have no names
                    i += 1
                }
            }
        }
        return result
    }

    /// The names at the scalar offsets `starts` (ascending; every other position is skipped),
    /// non-overlapping, in order.
    func hits(scalars text: UnsafeBufferPointer<Unicode.Scalar>, at starts: some Sequence<Int>) -> [Hit] {
        var result: [Hit] = []
        var next = 0
        let n = text.count
        for i in starts where i >= next && i < n {
            let lead = Int(Self.leadByte(of: text[i]))
            let lo = first[lead]
            let hi = first[lead + 1]
            guard lo < hi, i == 0 || !Self.isWordScalar(text[i - 1]) else { continue }
            for k in order[lo..<hi] {
                let s = scalarStart[k]
                let length = scalarStart[k + 1] - s
                guard i + length <= n else { continue }
                var same = true
                for j in 0..<length where text[i + j] != scalars[s + j] {
                    same = false
                    break
                }
                guard same, i + length == n || !Self.isWordScalar(text[i + length]) else { continue }
                result.append(Hit(name: k, scalarStart: i, scalarEnd: i + length))
                next = i + length
                break
            }
        }
        return result
    }

    /// The first UTF-8 byte of a scalar.
    @inline(__always)
    static func leadByte(of s: Unicode.Scalar) -> UInt8 {
        let v = s.value
        if v < 0x80 { return UInt8(v) }
        if v < 0x800 { return UInt8(0xC0 | (v >> 6)) }
        if v < 0x1_0000 { return UInt8(0xE0 | (v >> 12)) }
        return UInt8(0xF0 | (v >> 18))
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
