import AttacheModels
import Testing

/// `Countries.matches(in:)`, `matches(inScalars:)`, `matches(inScalars:at:)` and `mentioned(in:)`
/// go through `CountryNameIndex` (buckets by the first two code units, UTF-8 or scalars); each
/// must find exactly what comparing every name, longest first, scalar by scalar finds.
@Suite("CountryNameIndex")
struct CountryNameIndexTests {
    /// The plain algorithm: at each scalar after a non-word scalar, the first name (longest
    /// first) whose scalars are there and that ends before a non-word scalar.
    /// A match as plain data (`Countries.Match` has no public initialiser).
    struct Found: Hashable {
        var code: String
        var role: Countries.Name.Role
        var span: TextSpan
        init(code: String, role: Countries.Name.Role, span: TextSpan) {
            self.code = code
            self.role = role
            self.span = span
        }
        init(_ m: Countries.Match) { self.init(code: m.code, role: m.role, span: m.span) }
    }

    static func reference(_ text: String) -> [Found] {
        let scalars = Array(text.unicodeScalars)
        func isWord(_ s: Unicode.Scalar) -> Bool { s.properties.isAlphabetic || s.properties.numericType != nil }
        var result: [Found] = []
        var i = 0
        while i < scalars.count {
            var matched: Found?
            if i == 0 || !isWord(scalars[i - 1]) {
                for name in Countries.names {
                    let n = Array(name.text.unicodeScalars)
                    let end = i + n.count
                    guard end <= scalars.count, Array(scalars[i..<end]) == n,
                        end == scalars.count || !isWord(scalars[end])
                    else { continue }
                    matched = Found(code: name.code, role: name.role, span: TextSpan(start: i, end: end))
                    break
                }
            }
            if let matched {
                result.append(matched)
                i = matched.span.end
            } else {
                i += 1
            }
        }
        return result
    }

    static let texts: [String] = [
        "Kazakhstan",
        "Kazakhstani investors met Kazakh and Kazakhs in the Kazakh SSR",
        "the Republic of Kazakhstan, the Republic of Korea and South Korea",
        "Türkiye, Turkiye, Turkey and Turkish; turkey",
        "Cafe\u{301} Russia; Russia\u{301}n; e\u{301}Russia; Russia2; 2Russia; Russia-Kazakhstan",
        "🇰🇿 Kazakhstan 🇱🇺 Luxembourg’s Luxembourgers",
        "U.S. and U.K. and USA and UK and UAE and EU and the EUR",
        "Kyrgyz Republic, Kyrgyzstan, Kyrgyz; Kuala Lumpur; Kuwaiti",
        "The Hague, New Delhi, Abu Dhabi, Buenos Aires, Nur-Sultan, Alma-Ata",
        "ÉKazakhstan Kazakhstanï Kazakhstanç",
        "Ka", "K", "", "EU", "E",
        "NUR-SULTAN. KAZINFORM – Astana\u{00A0}Almaty\u{2028}Moscow",
        // Long stretches without a capital, which the UTF-8 scan passes eight bytes at a time.
        "a quiet préface of lowercase words, ñ and ü, before Kazakhstan and after it Russia",
        "xxxxxxxKazakhstan xxxxxxx Kazakhstan éééééééKazakhstan éééé Kazakhstan ééé-Luxembourg",
    ]

    @Test("every API agrees with the plain algorithm", arguments: texts)
    func agrees(_ text: String) {
        let expected = Self.reference(text)
        #expect(Countries.matches(in: text).map(Found.init) == expected, "\(text)")
        let scalars = Array(text.unicodeScalars)
        #expect(Countries.matches(inScalars: scalars).map(Found.init) == expected, "\(text)")
        #expect(
            Countries.matches(inScalars: scalars, at: Array(scalars.indices)).map(Found.init) == expected, "\(text)")
        let codes = Set(expected.filter { $0.role != .capital }.map(\.code)).sorted()
        #expect(Countries.mentioned(in: text) == codes, "\(text)")
    }

    @Test("every name, glued to others by separators and non-ASCII neighbours")
    func everyName() {
        // Deterministic mixtures: names joined by spaces, hyphens, letters, digits, accents, emoji.
        let separators = [" ", "-", "x", "7", "é", "\u{301}", "🇰🇿", "’s ", ", ", "\n\n"]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % n
        }
        for _ in 0..<300 {
            var text = ""
            for _ in 0..<6 {
                text += Countries.names[next(Countries.names.count)].text
                text += separators[next(separators.count)]
            }
            let expected = Self.reference(text)
            #expect(Countries.matches(in: text).map(Found.init) == expected, "\(text)")
            #expect(Countries.matches(inScalars: Array(text.unicodeScalars)).map(Found.init) == expected, "\(text)")
            #expect(
                Countries.mentioned(in: text) == Set(expected.filter { $0.role != .capital }.map(\.code)).sorted(),
                "\(text)")
        }
    }

    @Test("only the given starts are tried")
    func givenStarts() {
        let text = Array("Kazakhstan and Russia".unicodeScalars)
        #expect(Countries.matches(inScalars: text, at: [15]).map(\.code) == ["RU"])
        #expect(Countries.matches(inScalars: text, at: [1, 16]).isEmpty)
        #expect(Countries.matches(inScalars: text, at: [0, 15]).map(\.code) == ["KZ", "RU"])
    }

    @Test("a name's code by its exact text, the first name winning")
    func codes() {
        for name in Countries.names {
            #expect(Countries.code(for: name.text) == Countries.names.first { $0.text == name.text }?.code)
        }
        #expect(Countries.code(for: "Kazakhstan ") == nil)
        #expect(Countries.code(for: "") == nil)
    }
}
