/// `Lexicon.classes` and the `WordID`s as an open-addressing table over the lowercase ASCII bytes of a word (FNV-1a),
/// so the tokenizer finds a word's lists without building and hashing a String, and reuses the
/// table's String for a word written in lowercase instead of building one per token.
struct ByteClassTable: Sendable {
    /// Slot i holds the word `bytes[offsets[i] ..< offsets[i] + lengths[i]]` (length 0: empty).
    private let bytes: [UInt8]
    private let offsets: [Int]
    private let lengths: [Int]
    private let values: [WordClass]
    private let ids: [WordID]
    /// Slot i's word as a String (empty for an empty slot).
    private let words: [String]
    private let mask: Int

    /// A table of the words in `table` and `ids` (a word in only one of them has no classes,
    /// or is `.unlisted`).
    init(_ table: [String: WordClass], ids: [String: WordID] = [:]) {
        var table = table
        for word in ids.keys where table[word] == nil { table[word] = [] }
        var size = 16
        while size < table.count * 4 { size *= 2 }
        var bytes: [UInt8] = []
        var offsets = [Int](repeating: 0, count: size)
        var lengths = [Int](repeating: 0, count: size)
        var values = [WordClass](repeating: [], count: size)
        var idValues = [WordID](repeating: .unlisted, count: size)
        var words = [String](repeating: "", count: size)
        for (word, c) in table.sorted(by: { $0.key < $1.key }) where word.utf8.allSatisfy({ $0 < 128 }) && !word.isEmpty
        {
            let key = Array(word.utf8)
            var slot = Int(truncatingIfNeeded: Self.hash(key)) & (size - 1)
            while lengths[slot] != 0 { slot = (slot + 1) & (size - 1) }
            offsets[slot] = bytes.count
            lengths[slot] = key.count
            bytes += key
            values[slot] = c
            idValues[slot] = ids[word] ?? .unlisted
            words[slot] = word
        }
        self.bytes = bytes
        self.offsets = offsets
        self.lengths = lengths
        self.values = values
        self.ids = idValues
        self.words = words
        self.mask = size - 1
    }

    /// FNV-1a: the starting value and one step per (lowercase) byte.
    static let seed: UInt64 = 0xcbf2_9ce4_8422_2325
    @inline(__always) static func step(_ h: UInt64, _ b: UInt8) -> UInt64 { (h ^ UInt64(b)) &* 0x100_0000_01b3 }

    static func hash(_ bytes: [UInt8]) -> UInt64 {
        var h = seed
        for b in bytes { h = step(h, b) }
        return h
    }

    /// The slot of the ASCII word `word` (compared in lowercase) whose lowercase bytes hash to
    /// `hash`, or nil when the table does not hold it.
    func slot(ofASCII word: UnsafeBufferPointer<Unicode.Scalar>, hash h: UInt64) -> Int? {
        var slot = Int(truncatingIfNeeded: h) & mask
        let length = word.count
        return bytes.withUnsafeBufferPointer { bytes in
            while true {
                let l = lengths[slot]
                if l == 0 { return nil }
                if l == length {
                    let o = offsets[slot]
                    var same = true
                    for k in 0..<length {
                        var b = UInt8(truncatingIfNeeded: word[k].value)
                        if b >= 65 && b <= 90 { b += 32 }
                        if bytes[o + k] != b { same = false; break }
                    }
                    if same { return slot }
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// The classes of the word in a slot.
    func classes(at slot: Int) -> WordClass { values[slot] }

    /// The id of the word in a slot.
    func id(at slot: Int) -> WordID { ids[slot] }

    /// The (lowercase) word in a slot.
    func word(at slot: Int) -> String { words[slot] }
}
