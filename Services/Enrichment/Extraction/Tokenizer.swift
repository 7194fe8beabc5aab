import AttacheModels

/// A word, number or symbol of an article, with Unicode-scalar offsets into `Article.text`.
///
/// Plain data laid out small (24 bytes: the offsets as `Int32`, the one-byte fields last)
/// because an article's tokens are built, copied and read by every recogniser: its lowercase
/// text is kept beside it (`TokenReading.words`), so copying or freeing tokens touches no
/// reference count.
struct Token: Sendable {
    enum Kind: UInt8, Sendable { case word, number, symbol }
    /// The lexicon classes of the word or symbol (`$` is a currency prefix); empty for numbers.
    var classes: WordClass
    private var first: Int32
    private var last: Int32
    var kind: Kind
    /// True when no whitespace separates this token from the previous one.
    var attached: Bool
    /// True when a line break precedes this token (a paragraph or line boundary).
    var newline: Bool
    /// The listed word or symbol this token is (`.unlisted` for any other and for numbers).
    var id: WordID
    /// Whether the first scalar (as folded) is uppercase.
    var isCapitalised: Bool
    /// Whether every scalar is ASCII (then none is a combining mark).
    var isASCII: Bool
    /// The slot of an ASCII token's word in `Lexicon.classTable` plus one (0: in no slot), where
    /// `TokenWords` finds its text.
    var slot: UInt16 = 0

    /// The scalar offset where the token starts.
    var start: Int { Int(first) }
    /// The scalar offset after the token.
    var end: Int { Int(last) }

    /// A token of scalars `start..<end` (an article's text is far below 2^31 scalars).
    init(
        kind: Kind, start: Int, end: Int, attached: Bool, newline: Bool, classes: WordClass = [],
        id: WordID = .unlisted, isCapitalised: Bool, isASCII: Bool = true
    ) {
        self.classes = classes
        self.first = Int32(truncatingIfNeeded: start)
        self.last = Int32(truncatingIfNeeded: end)
        self.kind = kind
        self.attached = attached
        self.newline = newline
        self.id = id
        self.isCapitalised = isCapitalised
        self.isASCII = isASCII
    }
}

/// Splits text into tokens. Offsets count Unicode scalars.
enum Tokenizer {
    /// An article's tokens, and the lowercase text of each (same index, `TokenWords`, built when
    /// read). (The text as written, case kept, is `Tokenizer.raw(_:in:)`, built on demand: only
    /// names need it.)
    typealias Tokens = (tokens: [Token], words: TokenWords)

    static func fold(_ s: Unicode.Scalar) -> Unicode.Scalar {
        switch s.value {
        case 0x2018, 0x2019, 0x201A, 0x201B, 0x2032, 0x00B4, 0x0060: return "'"
        case 0x201C, 0x201D, 0x201E, 0x201F, 0x00AB, 0x00BB, 0x2033: return "\""
        case 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xFE58, 0xFE63, 0xFF0D: return "-"
        default: return s
        }
    }

    static func isSpace(_ s: Unicode.Scalar) -> Bool {
        if s.value < 128 { return s == " " || (s.value >= 9 && s.value <= 13) }
        return s.properties.isWhitespace || s.value == 0xA0 || s.value == 0x202F || s.value == 0x2009
    }

    static func isNewline(_ s: Unicode.Scalar) -> Bool {
        s == "\n" || s == "\r" || s.value == 0x2028 || s.value == 0x2029 || s.value == 0x85
    }

    static func isLetter(_ s: Unicode.Scalar) -> Bool {
        if s.value < 128 { return (s.value >= 65 && s.value <= 90) || (s.value >= 97 && s.value <= 122) }
        return s.properties.isAlphabetic
    }

    /// Control and format characters (zero-width joiners, BOM) are skipped like spaces.
    static func isIgnorable(_ s: Unicode.Scalar) -> Bool {
        if s.value < 128 { return s.value < 32 || s.value == 127 }
        if s.value < 0xA0 { return true }
        let c = s.properties.generalCategory
        return c == .control || c == .format
    }

    static func isDigit(_ s: Unicode.Scalar) -> Bool { s.value >= 48 && s.value <= 57 }

    /// Each ASCII character as a String, for the text of one-character tokens (`,`, `.`, `$`, `5`).
    static let asciiStrings: [String] = (0..<128).map { String(Unicode.Scalar(UInt8($0))) }

    /// Each ASCII character's slot in `Lexicon.classTable` (-1: none), so a one-character
    /// symbol (`,`, `.`, `$`) is not looked up in the table again and again.
    static let asciiSlots: [Int] = (0..<128).map { v in
        let symbol = [Unicode.Scalar(UInt8(v))]
        let hash = ByteClassTable.step(ByteClassTable.seed, UInt8(v))
        return symbol.withUnsafeBufferPointer { Lexicon.classTable.slot(ofASCII: $0, hash: hash) } ?? -1
    }

    static func tokenize(_ scalars: [Unicode.Scalar]) -> Tokens {
        var wordStarts: [Int] = []
        return tokenize(scalars, wordStarts: &wordStarts)
    }

    /// The tokens and their text, and in `wordStarts` where names may begin (country names,
    /// `Countries.matches`): at each word token, and inside one after a combining mark.
    static func tokenize(_ scalars: [Unicode.Scalar], wordStarts: inout [Int]) -> Tokens {
        wordStarts.reserveCapacity(scalars.count / 6)
        let (tokens, foldedIndices, foldedText) = scalars.withUnsafeBufferPointer {
            tokenize($0, wordStarts: &wordStarts)
        }
        return (
            tokens,
            TokenWords(tokens: tokens, scalars: scalars, foldedIndices: foldedIndices, foldedText: foldedText)
        )
    }

    /// The tokens, and the indices and lowercase text of those with a scalar outside ASCII (the
    /// text of the others is read from the scalars, `TokenWords`).
    static func tokenize(
        _ scalars: UnsafeBufferPointer<Unicode.Scalar>, wordStarts: inout [Int]
    ) -> (tokens: [Token], foldedIndices: [Int32], foldedText: [String]) {
        var tokens: [Token] = []
        tokens.reserveCapacity(scalars.count / 4)
        var foldedIndices: [Int32] = []
        var foldedText: [String] = []
        let table = Lexicon.classTable
        let asciiSlots = Self.asciiSlots
        var i = 0
        var attached = false
        var newline = true
        let n = scalars.count
        while i < n {
            let s = scalars[i]
            if s.value < 128 ? (s.value <= 32 || s.value == 127) : (isSpace(s) || isIgnorable(s)) {
                if isNewline(s) { newline = true }
                attached = false
                i += 1
                continue
            }
            let start = i
            var kind: Token.Kind
            // Whether the token is ASCII, and the FNV-1a hash of its lowercase
            // bytes (for the lexicon's byte table), gathered while it is scanned.
            var ascii = true
            var hash = ByteClassTable.seed
            if isDigit(s) {
                // Digits, `,` and `.`: ASCII, and in no word list.
                kind = .number
                i += 1
                while i < n {
                    if isDigit(scalars[i]) { i += 1; continue }
                    // An internal separator followed by a digit: 1,200 or 202.5 (or 3,5).
                    if scalars[i] == "," || scalars[i] == ".", i + 1 < n, isDigit(scalars[i + 1]) { i += 2; continue }
                    break
                }
            } else if isLetter(s) {
                kind = .word
                wordStarts.append(start)
                while i < n {
                    let c = scalars[i]
                    let v = c.value
                    if v < 128 {
                        // ASCII: only a letter continues the word (v | 0x20 folds A-Z onto a-z).
                        guard (v | 0x20) >= 97 && (v | 0x20) <= 122 else { break }
                        hash = ByteClassTable.step(hash, UInt8(truncatingIfNeeded: v | 0x20))
                    } else if isLetter(c) || (v >= 0x300 && c.properties.generalCategory == .nonspacingMark) {
                        ascii = false
                    } else {
                        break
                    }
                    i += 1
                }
            } else {
                kind = .symbol
                i += 1
                if s.value < 128 {
                    hash = ByteClassTable.step(hash, UInt8(truncatingIfNeeded: s.value))
                } else {
                    ascii = false
                }
            }
            var token: Token
            if ascii {
                // The common case: the word's lists and id from the byte table (no String hashing,
                // no String built).
                let word = UnsafeBufferPointer(rebasing: scalars[start..<i])
                let slot: Int?
                switch kind {
                case .number: slot = nil
                case .symbol: slot = asciiSlots[Int(word[0].value)] >= 0 ? asciiSlots[Int(word[0].value)] : nil
                case .word: slot = table.slot(ofASCII: word, hash: hash)
                }
                let first = word[0].value
                token = Token(
                    kind: kind, start: start, end: i, attached: attached, newline: newline,
                    classes: slot.map { table.classes(at: $0) } ?? [], id: slot.map { table.id(at: $0) } ?? .unlisted,
                    isCapitalised: first >= 65 && first <= 90)
                if let slot { token.slot = UInt16(truncatingIfNeeded: slot + 1) }
            } else {
                let lower: String
                (token, lower) = folded(
                    UnsafeBufferPointer(rebasing: scalars[start..<i]), kind: kind, start: start, attached: attached,
                    newline: newline)
                foldedIndices.append(Int32(truncatingIfNeeded: tokens.count))
                foldedText.append(lower)
                if kind == .word {
                    for k in (start + 1)..<i where scalars[k - 1].value >= 0x300 { wordStarts.append(k) }
                }
            }
            tokens.append(token)
            attached = true
            newline = false
        }
        return (tokens, foldedIndices, foldedText)
    }

    /// A token as written (case kept, quotes and dashes folded as in `lower`), for names.
    static func raw(_ token: Token, in scalars: [Unicode.Scalar]) -> String {
        var text = ""
        let word = scalars[token.start..<token.end]
        // Only a token with a scalar outside ASCII is folded (an ASCII backquote stays).
        let ascii = word.allSatisfy { $0.value < 128 }
        for s in word { text.unicodeScalars.append(ascii ? s : fold(s)) }
        return text
    }

    /// A token with a scalar outside ASCII, and its lowercase text: quotes and dashes folded,
    /// lowercased scalar by scalar, its lists and id found by that text.
    static func folded(
        _ scalars: UnsafeBufferPointer<Unicode.Scalar>, kind: Token.Kind, start: Int, attached: Bool, newline: Bool
    ) -> (Token, String) {
        var lower = ""
        for s in scalars {
            let f = fold(s)
            if f.value < 128 {
                if f.value >= 65 && f.value <= 90 {
                    lower.unicodeScalars.append(Unicode.Scalar(f.value + 32)!)
                } else {
                    lower.unicodeScalars.append(f)
                }
            } else {
                let mapped = f.properties.lowercaseMapping.unicodeScalars
                if mapped.count == 1 {
                    lower.unicodeScalars.append(mapped.first!)
                } else {
                    lower.unicodeScalars.append(f)
                }
            }
        }
        let classes = kind == .number ? [] : Lexicon.classes[lower] ?? []
        let id = kind == .number ? .unlisted : WordID.byText[lower] ?? .unlisted
        let token = Token(
            kind: kind, start: start, end: start + scalars.count, attached: attached,
            newline: newline, classes: classes, id: id, isCapitalised: fold(scalars[0]).properties.isUppercase,
            isASCII: false)
        return (token, lower)
    }
}
