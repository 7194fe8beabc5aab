import AttacheModels
import Foundation

/// How Attache normalises article text. `Article.text`, its `paragraphs` and every span of
/// the downstream records index the result, in Unicode scalars.
///
/// Character by character:
/// - line breaks: CRLF, lone CR, NEL (U+0085), LINE SEPARATOR (U+2028) and VT → LF;
///   PARAGRAPH SEPARATOR (U+2029) and FF → a blank line;
/// - spaces: tab, NO-BREAK SPACE (U+00A0), NARROW NO-BREAK SPACE (U+202F), FIGURE SPACE,
///   the typographic spaces U+2000–U+200A, U+205F, U+3000 and U+1680 → SPACE;
/// - removed: SOFT HYPHEN (U+00AD), ZERO WIDTH SPACE (U+200B), LRM/RLM (U+200E/U+200F),
///   WORD JOINER (U+2060) and BOM/ZWNBSP (U+FEFF);
/// - dashes: HYPHEN (U+2010), NON-BREAKING HYPHEN (U+2011), FIGURE DASH (U+2012), EN DASH
///   (U+2013), EM DASH (U+2014), HORIZONTAL BAR (U+2015), MINUS SIGN (U+2212), small and
///   fullwidth hyphen-minus (U+FE58, U+FE63, U+FF0D) → `-` (HYPHEN-MINUS);
/// - single quotes: U+2018, U+2019, U+201A, U+201B, PRIME (U+2032), ACUTE ACCENT (U+00B4)
///   used as an apostrophe, single guillemets (U+2039, U+203A), U+FF07 → `'`;
/// - double quotes: U+201C, U+201D, U+201E, U+201F, DOUBLE PRIME (U+2033), guillemets
///   (U+00AB, U+00BB), U+FF02 → `"`;
/// - Cyrillic look-alikes inside a Latin word (`Мinister` with a Cyrillic М) → their Latin
///   letters; words written in Cyrillic are left alone;
/// - then Unicode NFC.
///
/// Then the layout: spaces at the ends of lines are dropped, runs of spaces become one,
/// a run of blank lines becomes one blank line (a paragraph break), leading and trailing
/// blank lines are dropped. Single line breaks inside a paragraph are kept. Everything else
/// (ellipsis, letters, digits, other punctuation) is kept as written.
public enum TextNormalisation {
    /// Normalises a whole text: the character mapping, NFC and the layout rules above.
    /// Idempotent: normalising the result again changes nothing.
    public static func normalise(_ text: String) -> String {
        LaidOutText.normalising(text.unicodeScalars).string
    }

    /// Normalises a one-line field such as a title or source: as `normalise`, with every
    /// line break turned into a space.
    public static func normaliseLine(_ text: String) -> String {
        let laidOut = LaidOutText.normalising(text.unicodeScalars)
        return laidOut.lines.indices.map(laidOut.line).joined(separator: " ")
    }

    /// The character mapping and NFC, without the layout rules.
    static func mapCharacters(_ input: some Collection<Unicode.Scalar>) -> [Unicode.Scalar] {
        input.withContiguousStorageIfAvailable(mapCharacters) ?? Array(input).withUnsafeBufferPointer(mapCharacters)
    }

    /// `mapCharacters` over scalars in memory, written straight into the result's storage.
    private static func mapCharacters(_ input: UnsafeBufferPointer<Unicode.Scalar>) -> [Unicode.Scalar] {
        var seen = MappingFlags()
        // At most two scalars out for one in (FF and PARAGRAPH SEPARATOR become a blank line).
        var out = [Unicode.Scalar](unsafeUninitializedCapacity: 2 * input.count) { buffer, count in
            var n = 0
            seen = map(input) { s in
                buffer[n] = s
                n += 1
            }
            count = n
        }
        if seen.cyrillic { fixHomoglyphs(&out) }
        if seen.needsNFC {
            out = [Unicode.Scalar](scalarsOf: String(scalars: out[...]).precomposedStringWithCanonicalMapping)
        }
        return out
    }

    /// What the character mapping saw that calls for more than the mapping.
    struct MappingFlags {
        /// A Cyrillic letter: look-alikes in Latin words may need replacing (`fixHomoglyphs`).
        var cyrillic = false
        /// A scalar that NFC may change or combine.
        var needsNFC = false
    }

    /// The character mapping alone, one scalar at a time: gives `emit` the mapped scalars in
    /// order (none, one or two for each scalar of `input`) and says what else the text needs.
    @inline(__always)
    static func map(_ input: UnsafeBufferPointer<Unicode.Scalar>, emit: (Unicode.Scalar) -> Void) -> MappingFlags {
        var seen = MappingFlags()
        for i in input.indices { map(input, at: i, seen: &seen, emit: emit) }
        return seen
    }

    /// The character mapping of `input[i]` (it reads the scalar before, for CRLF): gives
    /// `emit` none, one or two scalars and notes in `seen` what else the text needs.
    @inline(__always)
    static func map(
        _ input: UnsafeBufferPointer<Unicode.Scalar>, at i: Int, seen: inout MappingFlags,
        emit: (Unicode.Scalar) -> Void
    ) {
        let s = input[i]
        let v = s.value
        if v >= 0x20 && v < 0x80 {
            emit(s)
            return
        }
        if v < 0x80 {
            switch v {
            case 0x0D, 0x0B: emit("\n")
            case 0x0A: if i == 0 || input[i - 1] != "\r" { emit("\n") }
            case 0x09: emit(" ")
            case 0x0C: emit("\n"); emit("\n")
            default: emit(s)
            }
            return
        }
        switch v {
        case 0x85, 0x2028: emit("\n")
        case 0x2029: emit("\n"); emit("\n")
        case 0xA0, 0x1680, 0x2000...0x200A, 0x202F, 0x205F, 0x3000: emit(" ")
        case 0xAD, 0x200B, 0x200E, 0x200F, 0x2060, 0xFEFF: break
        case 0x2010...0x2015, 0x2212, 0xFE58, 0xFE63, 0xFF0D: emit("-")
        case 0x2018...0x201B, 0x2032, 0xB4, 0x2039, 0x203A, 0xFF07: emit("'")
        case 0x201C...0x201F, 0x2033, 0xAB, 0xBB, 0xFF02: emit("\"")
        default:
            if v >= 0x300, !isNFCStable(v) { seen.needsNFC = true }
            if v >= 0x400 && v <= 0x4FF { seen.cyrillic = true }
            emit(s)
        }
    }

    /// Scalars at or above U+0300 that NFC never changes and that never combine with a
    /// neighbour (so text made of them and of scalars below U+0300 is already NFC): Cyrillic
    /// letters, general punctuation (after the spaces), currency signs, letterlike symbols
    /// before OHM SIGN, emoji.
    @inline(__always)
    private static func isNFCStable(_ v: UInt32) -> Bool {
        (v >= 0x400 && v <= 0x482) || (v >= 0x48A && v <= 0x52F) || (v >= 0x2016 && v <= 0x205E)
            || (v >= 0x20A0 && v <= 0x20C0) || (v >= 0x2100 && v <= 0x2125) || (v >= 0x1F000 && v <= 0x1FAFF)
    }

    /// The Latin letter a Cyrillic letter looks like, if any.
    private static func latinLookAlike(_ v: UInt32) -> Unicode.Scalar? {
        switch v {
        case 0x0410: "A"
        case 0x0412: "B"
        case 0x0415: "E"
        case 0x041A: "K"
        case 0x041C: "M"
        case 0x041D: "H"
        case 0x041E: "O"
        case 0x0420: "P"
        case 0x0421: "C"
        case 0x0422: "T"
        case 0x0425: "X"
        case 0x0406: "I"
        case 0x0408: "J"
        case 0x0405: "S"
        case 0x0430: "a"
        case 0x0435: "e"
        case 0x043E: "o"
        case 0x0440: "p"
        case 0x0441: "c"
        case 0x0443: "y"
        case 0x0445: "x"
        case 0x0456: "i"
        case 0x0458: "j"
        case 0x0455: "s"
        default: nil
        }
    }

    private static func isLatinLetter(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A)
            || (v >= 0xC0 && v <= 0x24F && v != 0xD7 && v != 0xF7)
    }

    /// Letters and combining marks make up words.
    private static func isWordPart(_ s: Unicode.Scalar) -> Bool {
        if s.isASCII { return (s >= "a" && s <= "z") || (s >= "A" && s <= "Z") }
        if s.properties.isAlphabetic { return true }
        switch s.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    /// In each word (a run of letters and marks) that has Latin letters, replaces Cyrillic look-alikes,
    /// but only when every Cyrillic letter of the word has a Latin look-alike.
    ///
    /// Only words with a Cyrillic letter can change, so it looks for those letters and reads
    /// the word around each. Words are never joined or split by the layout rules (they only
    /// drop or add spaces and line breaks next to other spaces and line breaks), so this gives
    /// the same result before the layout or after it.
    static func fixHomoglyphs(_ scalars: inout [Unicode.Scalar]) {
        scalars.withUnsafeMutableBufferPointer { fixHomoglyphs(in: $0) }
    }

    /// `fixHomoglyphs` over scalars in memory (no uniqueness or bounds checks per scalar).
    private static func fixHomoglyphs(in scalars: UnsafeMutableBufferPointer<Unicode.Scalar>) {
        var i = 0
        while i < scalars.count {
            let v = scalars[i].value
            guard v >= 0x400 && v <= 0x4FF, isWordPart(scalars[i]) else { i += 1; continue }
            var start = i
            while start > 0, isWordPart(scalars[start - 1]) { start -= 1 }
            var end = start
            var latin = 0
            var cyrillic = 0
            var replaceable = true
            while end < scalars.count, isWordPart(scalars[end]) {
                let s = scalars[end]
                if isLatinLetter(s) { latin += 1 }
                if s.value >= 0x400 && s.value <= 0x4FF {
                    cyrillic += 1
                    if latinLookAlike(s.value) == nil { replaceable = false }
                }
                end += 1
            }
            if latin > 0, cyrillic > 0, replaceable {
                for k in start..<end { if let latin = latinLookAlike(scalars[k].value) { scalars[k] = latin } }
            }
            i = end
        }
    }
}
