/// The lowercase text of an article's tokens, by token index (`TokenReading.words`): lowercased,
/// with curly quotes and dashes folded to `'` and `-`.
///
/// Built on demand rather than stored: most words of an article are in no list and no
/// recogniser ever reads their text, so making a `String` for each of them (as the tokenizer
/// did) was wasted work. A listed word's text is the lexicon's (`Lexicon.classTable`), any other
/// ASCII word's is lowercased from its scalars when read, and only a token with
/// a scalar outside ASCII (rare: curly quotes, accented names) keeps the text the tokenizer
/// folded for it.
struct TokenWords: RandomAccessCollection, Sendable {
    let tokens: [Token]
    let scalars: [Unicode.Scalar]
    /// The indices of the tokens that are not ASCII, ascending, and their folded text.
    private let foldedIndices: [Int32]
    private let foldedText: [String]

    init(tokens: [Token], scalars: [Unicode.Scalar], foldedIndices: [Int32], foldedText: [String]) {
        self.tokens = tokens
        self.scalars = scalars
        self.foldedIndices = foldedIndices
        self.foldedText = foldedText
    }

    var startIndex: Int { 0 }
    var endIndex: Int { tokens.count }

    /// The lowercase text of token i (the same `String` the tokenizer would have built).
    subscript(i: Int) -> String {
        let t = tokens[i]
        if !t.isASCII { return folded(i) }
        if t.slot != 0 { return Lexicon.classTable.word(at: Int(t.slot) - 1) }
        let start = t.start
        let count = t.end - start
        if count == 1 { return Tokenizer.asciiStrings[Int(Self.lower(scalars[start].value))] }
        return scalars.withUnsafeBufferPointer { scalars in
            String(unsafeUninitializedCapacity: count) { buffer in
                for k in 0..<count { buffer[k] = Self.lower(scalars[start + k].value) }
                return count
            }
        }
    }

    /// An ASCII scalar's byte, A-Z lowered.
    @inline(__always)
    private static func lower(_ v: UInt32) -> UInt8 {
        let b = UInt8(truncatingIfNeeded: v)
        return b >= 65 && b <= 90 ? b + 32 : b
    }

    /// The text kept for a token outside ASCII (binary search of the few such tokens).
    private func folded(_ i: Int) -> String {
        var lo = 0
        var hi = foldedIndices.count
        let key = Int32(truncatingIfNeeded: i)
        while lo < hi {
            let mid = (lo + hi) / 2
            if foldedIndices[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        return foldedText[lo]
    }
}
