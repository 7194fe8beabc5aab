import AttacheModels
import Testing

@Suite("Countries")
struct CountriesTests {
    @Test(
        "sentences like the seeds'",
        arguments: [
            (
                "President of Kazakhstan Kassym-Jomart Tokayev met with Luxembourg's Minister of Foreign Affairs",
                ["KZ", "LU"]
            ),
            ("Tokayev recalled a dialogue with Luxembourg’s Prime Minister Xavier Bettel", ["LU"]),
            ("to strengthen Kazakh-Luxembourg relations in the spirit of trusting dialogue", ["KZ", "LU"]),
            ("shows that the European Union and Kazakhstan can build a sustainable partnership", ["EU", "KZ"]),
            ("taking into account that this year Kazakhstan and the EU mark the 10th anniversary", ["EU", "KZ"]),
            ("NUR-SULTAN. KAZINFORM - Today, on 29 June 2022", []),
            ("The meeting took place in Nur-Sultan and later in Astana", []),
            ("within the Astana International Financial Centre, the Akorda press service reported", []),
            ("Deputy Prime Minister paid a working visit to Brussels", []),
            ("including Central Asia, Afghanistan and regional integration processes", ["AF"]),
            ("the Republic of Kazakhstan and the Grand Duchy of Luxembourg", ["KZ", "LU"]),
            ("investment by European companies in Kazakhstan in 2022 increased by 23%", ["EU", "KZ"]),
            ("the thinker of the Kazakh people, the great poet Abai Kunanbayev", ["KZ"]),
            ("We had turkey and chinese food; the georgia peach; a china cup", []),
            ("Türkiye and Turkey are one country; Turkish airlines", ["TR"]),
            ("Indiana, Romanesque, Germanic, Frenchman, EUR 100, UKraine, Luxembourgs", []),
            ("the U.S. and the UK, but not the US", ["GB", "US"]),
            ("Kazakhstan's and Luxembourg's, (Kazakhstan), \"Luxembourg\", Kazakhstan.", ["KZ", "LU"]),
        ])
    func mentioned(_ sentence: String, _ codes: [String]) {
        #expect(Countries.mentioned(in: sentence) == codes, "\(sentence)")
    }

    @Test("a capital is a match, with its country's code, but not a mention")
    func capitals() throws {
        let matches = Countries.matches(in: "Nur-Sultan hosted the talks")
        #expect(matches.count == 1)
        let first = try #require(matches.first)
        #expect(first.code == "KZ")
        #expect(first.role == .capital)
        #expect(first.span == TextSpan(start: 0, end: 10))
        #expect(Countries.code(for: "Nur-Sultan") == "KZ")
        #expect(Countries.code(for: "Astana") == "KZ")
        #expect(Countries.mentioned(in: "Nur-Sultan hosted the talks").isEmpty)
    }

    @Test("the longest name wins and spans are Unicode-scalar offsets")
    func spans() throws {
        let text = "🇰🇿 Café: the Republic of Kazakhstan and Türkiye signed; South Korea too."
        let matches = Countries.matches(in: text)
        #expect(matches.map(\.code) == ["KZ", "TR", "KR"])
        #expect(matches.map(\.role) == [.country, .country, .country])
        #expect(matches.map { text.text(in: $0.span) } == ["Republic of Kazakhstan", "Türkiye", "South Korea"])
        // Two regional-indicator scalars, a space, "Café: the " (10 scalars: é is one).
        #expect(matches.first?.span.start == 13)
    }

    @Test("adjectives and hyphenated compounds")
    func adjectives() {
        let matches = Countries.matches(in: "Kazakh-Luxembourg relations")
        #expect(matches.map(\.code) == ["KZ", "LU"])
        #expect(matches.map(\.role) == [.adjective, .country])
        #expect(matches.map(\.span) == [TextSpan(start: 0, end: 6), TextSpan(start: 7, end: 17)])
        #expect(Countries.matches(in: "Kazakhstani").map(\.code) == ["KZ"])
        #expect(Countries.matches(in: "Kazakhstani").first?.span.length == 11)
    }

    @Test func namesAndCodes() {
        #expect(Countries.code(for: "Luxembourg") == "LU")
        #expect(Countries.code(for: "European Union") == "EU")
        #expect(Countries.code(for: "luxembourg") == nil)
        #expect(Countries.name(of: "LU") == "Luxembourg")
        #expect(Countries.name(of: "KZ") == "Kazakhstan")
        #expect(Countries.name(of: "XX") == nil)
        // Every code is two capital letters (ISO 3166-1 alpha-2, or EU), as the schemas require.
        #expect(
            Countries.names.allSatisfy { $0.code.count == 2 && $0.code.allSatisfy { $0.isASCII && $0.isUppercase } })
        // Longest first, so that longer names are tried before their prefixes.
        let lengths = Countries.names.map { $0.text.unicodeScalars.count }
        #expect(lengths == lengths.sorted(by: >))
    }

    @Test("text(in:) rejects spans outside the string")
    func textInSpan() {
        #expect("Astana".text(in: TextSpan(start: 0, end: 6)) == "Astana")
        #expect("Astana".text(in: TextSpan(start: 2, end: 2)) == "")
        #expect("Astana".text(in: TextSpan(start: 0, end: 7)) == nil)
        #expect("Astana".text(in: TextSpan(start: -1, end: 2)) == nil)
        #expect("Astana".text(in: TextSpan(start: 4, end: 3)) == nil)
        #expect("e\u{301}".text(in: TextSpan(start: 0, end: 1)) == "e", "combining marks are separate scalars")
    }
}
