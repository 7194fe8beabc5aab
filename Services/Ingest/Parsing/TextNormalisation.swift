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
        let paragraphs = paragraphs(of: mapCharacters(text.unicodeScalars))
        return paragraphs.map { $0.joined(separator: "\n") }.joined(separator: "\n\n")
    }

    /// Normalises a one-line field such as a title or source: as `normalise`, with every
    /// line break turned into a space.
    public static func normaliseLine(_ text: String) -> String {
        let lines = paragraphs(of: mapCharacters(text.unicodeScalars)).flatMap { $0 }
        return lines.joined(separator: " ")
    }

    /// The character mapping and NFC, without the layout rules.
    static func mapCharacters(_ input: some Collection<Unicode.Scalar>) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(input.count)
        var needsNFC = false
        var sawCyrillic = false
        var previous: Unicode.Scalar = "\0"
        for s in input {
            let v = s.value
            defer { previous = s }
            if v < 0x80 {
                switch v {
                case 0x0D: out.append("\n")
                case 0x0A: if previous != "\r" { out.append("\n") }
                case 0x09: out.append(" ")
                case 0x0B: out.append("\n")
                case 0x0C: out.append("\n"); out.append("\n")
                default: out.append(s)
                }
                continue
            }
            switch v {
            case 0x85, 0x2028: out.append("\n")
            case 0x2029: out.append("\n"); out.append("\n")
            case 0xA0, 0x1680, 0x2000...0x200A, 0x202F, 0x205F, 0x3000: out.append(" ")
            case 0xAD, 0x200B, 0x200E, 0x200F, 0x2060, 0xFEFF: break
            case 0x2010...0x2015, 0x2212, 0xFE58, 0xFE63, 0xFF0D: out.append("-")
            case 0x2018...0x201B, 0x2032, 0xB4, 0x2039, 0x203A, 0xFF07: out.append("'")
            case 0x201C...0x201F, 0x2033, 0xAB, 0xBB, 0xFF02: out.append("\"")
            default:
                if v >= 0x300, !isNFCStable(v) { needsNFC = true }
                if v >= 0x400 && v <= 0x4FF { sawCyrillic = true }
                out.append(s)
            }
        }
        if sawCyrillic { fixHomoglyphs(&out) }
        if needsNFC {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: out)
            out = Array(String(view).precomposedStringWithCanonicalMapping.unicodeScalars)
        }
        return out
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

    /// Cyrillic letters that look like Latin ones.
    private static let homoglyphs: [UInt32: Unicode.Scalar] = [
        0x0410: "A", 0x0412: "B", 0x0415: "E", 0x041A: "K", 0x041C: "M", 0x041D: "H", 0x041E: "O",
        0x0420: "P", 0x0421: "C", 0x0422: "T", 0x0425: "X", 0x0406: "I", 0x0408: "J", 0x0405: "S",
        0x0430: "a", 0x0435: "e", 0x043E: "o", 0x0440: "p", 0x0441: "c", 0x0443: "y", 0x0445: "x",
        0x0456: "i", 0x0458: "j", 0x0455: "s",
    ]

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
    private static func fixHomoglyphs(_ scalars: inout [Unicode.Scalar]) {
        var i = 0
        while i < scalars.count {
            guard isWordPart(scalars[i]) else { i += 1; continue }
            var end = i
            var latin = 0
            var cyrillic = 0
            var replaceable = true
            while end < scalars.count, isWordPart(scalars[end]) {
                let s = scalars[end]
                if isLatinLetter(s) { latin += 1 }
                if s.value >= 0x400 && s.value <= 0x4FF {
                    cyrillic += 1
                    if homoglyphs[s.value] == nil { replaceable = false }
                }
                end += 1
            }
            if latin > 0, cyrillic > 0, replaceable {
                for k in i..<end { if let latin = homoglyphs[scalars[k].value] { scalars[k] = latin } }
            }
            i = end
        }
    }

    /// Splits mapped scalars into paragraphs of lines, applying the layout rules.
    static func paragraphs(of scalars: [Unicode.Scalar]) -> [[String]] {
        var paragraphs: [[String]] = []
        var current: [String] = []
        var line: [UInt8] = []
        line.reserveCapacity(256)
        var pendingSpace = false
        func endLine() {
            if line.isEmpty {
                if !current.isEmpty { paragraphs.append(current); current = [] }
            } else {
                current.append(String(decoding: line, as: UTF8.self))
                line.removeAll(keepingCapacity: true)
            }
            pendingSpace = false
        }
        for s in scalars {
            if s == "\n" {
                endLine()
            } else if s == " " {
                if !line.isEmpty { pendingSpace = true }
            } else {
                if pendingSpace { line.append(0x20); pendingSpace = false }
                let v = s.value
                if v < 0x80 {
                    line.append(UInt8(v))
                } else if v < 0x800 {
                    line.append(UInt8(0xC0 | (v >> 6)))
                    line.append(UInt8(0x80 | (v & 0x3F)))
                } else if v < 0x10000 {
                    line.append(UInt8(0xE0 | (v >> 12)))
                    line.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
                    line.append(UInt8(0x80 | (v & 0x3F)))
                } else {
                    line.append(UInt8(0xF0 | (v >> 18)))
                    line.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
                    line.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
                    line.append(UInt8(0x80 | (v & 0x3F)))
                }
            }
        }
        endLine()
        if !current.isEmpty { paragraphs.append(current) }
        return paragraphs
    }
}
