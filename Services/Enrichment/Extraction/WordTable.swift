/// A word list with a value per word (`Lexicon.months`, `Lexicon.scales`, …), looked up by
/// the word's UTF-8 bytes: FNV-1a and open addressing instead of `Dictionary`'s seeded SipHash,
/// which the recognisers paid on every month, number word, scale and currency they met.
///
/// The hash is of the bytes as written, so a lookup finds a word only in the spelling it was
/// stored in (a `Dictionary` also finds canonically equivalent spellings). For the lexicon's
/// words and a token's lowercase text that is the same thing: the words are ASCII (and currency
/// signs that nothing decomposes to), and the only scalars that decompose to ASCII alone are
/// `;`, `` ` `` and the Kelvin sign, which no word contains or which lowercasing turns into `k`.
/// Tables keyed by anything else (configuration, codes) stay dictionaries.
struct WordTable<Value: Sendable>: Sendable, ExpressibleByDictionaryLiteral {
    /// Slot i holds `words[i]` with `values[i]` when `used[i]`; `hashes[i]` is its hash.
    private let words: [String]
    private let values: [Value?]
    private let hashes: [UInt64]
    private let used: [Bool]
    private let mask: Int
    /// The words, in no particular order.
    let keys: [String]

    init(_ pairs: [(String, Value)]) {
        var size = 16
        while size < pairs.count * 4 { size *= 2 }
        var words = [String](repeating: "", count: size)
        var values = [Value?](repeating: nil, count: size)
        var hashes = [UInt64](repeating: 0, count: size)
        var used = [Bool](repeating: false, count: size)
        var keys: [String] = []
        for (word, value) in pairs {
            let h = Self.hash(word)
            var slot = Int(truncatingIfNeeded: h) & (size - 1)
            while used[slot], words[slot] != word { slot = (slot + 1) & (size - 1) }
            precondition(!used[slot], "a word appears twice in a word table: \(word)")
            words[slot] = word
            values[slot] = value
            hashes[slot] = h
            used[slot] = true
            keys.append(word)
        }
        self.words = words
        self.values = values
        self.hashes = hashes
        self.used = used
        self.mask = size - 1
        self.keys = keys
    }

    init(dictionaryLiteral elements: (String, Value)...) {
        self.init(elements)
    }

    init(_ dictionary: [String: Value]) {
        self.init(dictionary.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    /// FNV-1a over the word's UTF-8 bytes.
    @inline(__always)
    static func hash(_ word: String) -> UInt64 {
        var h = ByteClassTable.seed
        for b in word.utf8 { h = ByteClassTable.step(h, b) }
        return h
    }

    /// The value of a word, or nil when the table does not hold it.
    subscript(_ word: String) -> Value? {
        let h = Self.hash(word)
        var slot = Int(truncatingIfNeeded: h) & mask
        while used[slot] {
            if hashes[slot] == h, words[slot] == word { return values[slot] }
            slot = (slot + 1) & mask
        }
        return nil
    }
}
