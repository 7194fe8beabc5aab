/// `Lexicon.classes` and the `WordID`s as an open-addressing table over the lowercase ASCII
/// bytes of a word (FNV-1a), so the tokenizer finds a word's lists and id without building and
/// hashing a String, and reuses the table's String for a listed word instead of building one.
struct ByteClassTable: Sendable {
    /// A slot in 16 bytes: its word's classes and id, where the word is in `bytes`, and the low
    /// half of its hash (length 0: an empty slot). A probe reads one place, a different word is
    /// mostly told by its hash, and a found word's classes and id are in the same place.
    private struct Entry {
        var classes: WordClass = []
        var hash: UInt32 = 0
        var offset: UInt16 = 0
        var length: UInt8 = 0
        var id: WordID = .unlisted
    }
    /// Slot i holds the word `bytes[entries[i].offset ..< offset + length]`.
    private let bytes: [UInt8]
    private let entries: [Entry]
    /// Slot i's word as a String (empty for an empty slot).
    private let words: [String]
    private let mask: Int

    /// A table of the words in `table` and `ids` (a word in only one of them has no classes,
    /// or is `.unlisted`).
    init(_ table: [String: WordClass], ids: [String: WordID] = [:]) {
        precondition(table.count + ids.count <= 8192, "a token keeps its byte-table slot in 16 bits")
        var table = table
        for word in ids.keys where table[word] == nil { table[word] = [] }
        var size = 16
        while size < table.count * 4 { size *= 2 }
        var bytes: [UInt8] = []
        var entries = [Entry](repeating: Entry(), count: size)
        var words = [String](repeating: "", count: size)
        for (word, c) in table.sorted(by: { $0.key < $1.key }) where word.utf8.allSatisfy({ $0 < 128 }) && !word.isEmpty
        {
            let key = Array(word.utf8)
            let hash = Self.hash(key)
            var slot = Int(truncatingIfNeeded: hash) & (size - 1)
            while entries[slot].length != 0 { slot = (slot + 1) & (size - 1) }
            entries[slot] = Entry(
                classes: c, hash: UInt32(truncatingIfNeeded: hash), offset: UInt16(bytes.count),
                length: UInt8(key.count), id: ids[word] ?? .unlisted)
            bytes += key
            words[slot] = word
        }
        self.bytes = bytes
        precondition(bytes.count <= Int(UInt16.max), "the lexicon outgrew the byte table's offsets")
        self.entries = entries
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
        return entries.withUnsafeBufferPointer { entries in
            bytes.withUnsafeBufferPointer { bytes in
                while true {
                    let entry = entries[slot]
                    if entry.length == 0 { return nil }
                    if entry.hash == UInt32(truncatingIfNeeded: h), Int(entry.length) == length {
                        let o = Int(entry.offset)
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
    }

    /// The classes of the word in a slot.
    func classes(at slot: Int) -> WordClass { entries[slot].classes }

    /// The id of the word in a slot.
    func id(at slot: Int) -> WordID { entries[slot].id }

    /// The (lowercase) word in a slot.
    func word(at slot: Int) -> String { words[slot] }
}
