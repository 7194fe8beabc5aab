import ArticleParsing
import AttacheModels
import AttacheTesting
import Foundation
import Testing

/// Titles, datelines, image credits, paragraphs, countries and the normalisation rules.
@Suite("Layout and normalisation")
struct LayoutTests {
    @Test(
        "datelines",
        arguments: [
            ("ASTANA \u{2013} Text.", "ASTANA", nil),
            ("ASTANA \u{2014} Text.", "ASTANA", nil),
            ("ASTANA - Text.", "ASTANA", nil),
            ("ASTANA -- Text.", "ASTANA", nil),
            ("ASTANA. KAZINFORM \u{2013} Text.", "ASTANA", "KAZINFORM"),
            ("NUR-SULTAN. KAZINFORM - Text.", "NUR-SULTAN", "KAZINFORM"),
            ("ALMATY, KAZINFORM - Text.", "ALMATY", "KAZINFORM"),
            ("NEW YORK (Reuters) - Text.", "NEW YORK", "Reuters"),
            ("Astana \u{2013} Text.", "Astana", nil),
        ] as [(String, String, String?)])
    func datelines(_ body: String, _ place: String, _ agency: String?) throws {
        let article = try Fixture.article(Fixture.parse(" date 2023-06-30 " + body))
        #expect(article.dateline == Dateline(place: place, agency: agency))
        #expect(article.text.hasPrefix(place), "the dateline stays in the text")
    }

    @Test(
        "not datelines",
        arguments: [
            "Today, on 29 June 2022, the parties met.",
            "Kazakhstan - Parliamentary Assembly of the Council of Europe.",
            "EU - Kazakhstan relations grow.",
            "ASTANA is the capital - of Kazakhstan.",
            "Luxembourg - a small country - hosted the talks.",
            "THE TALKS WENT WELL.",
        ])
    func notDatelines(_ body: String) throws {
        let article = try Fixture.article(Fixture.parse(" date 2023-06-30 " + body))
        #expect(article.dateline == nil)
    }

    @Test func datelineCountryJoinsTheCountries() throws {
        #expect(try Fixture.article(Fixture.parse(" date 2023-06-30 ALMATY - Talks were held.")).countries == ["KZ"])
        #expect(try Fixture.article(Fixture.parse(" date 2023-06-30 BRUSSELS - Talks were held.")).countries == ["EU"])
        #expect(try Fixture.article(Fixture.parse(" date 2023-06-30 GENEVA - Talks were held.")).countries == [])
    }

    @Test(
        "image credits",
        arguments: [
            ("Images | gov.kz", "gov.kz"), ("Photo: Akorda", "Akorda"),
            ("Photo by Akorda press service", "Akorda press service"),
            ("© gov.kz", "gov.kz"), ("Image: © Kazinform.", "Kazinform"),
            ("PHOTO | primeminister.kz", "primeminister.kz"),
        ])
    func credits(_ line: String, _ source: String) throws {
        let article = try Fixture.article(Fixture.parse(" date 2023-06-30 \(line)\n\nThe parties met in Astana."))
        #expect(article.source == source)
        #expect(article.text == "The parties met in Astana.")
        #expect(article.title == nil)
    }

    @Test func creditThenTitle() throws {
        let article = try Fixture.article(
            Fixture.parse(
                " date 2023-06-30 Photo: Akorda\n\nTokayev meets Luxembourg minister\n\nASTANA - The talks were held."))
        #expect(article.source == "Akorda")
        #expect(article.title == "Tokayev meets Luxembourg minister")
        #expect(article.dateline == Dateline(place: "ASTANA"))
        #expect(article.paragraphs.count == 1)
        #expect(article.countries == ["KZ", "LU"])
    }

    @Test func sourceAtTheEnd() throws {
        let article = try Fixture.article(
            Fixture.parse(" date 2023-06-30 The talks were held.\n\nThey went well.\n\nSource: Kazinform"))
        #expect(article.source == "Kazinform")
        #expect(article.paragraphs.count == 2)
    }

    @Test func notCredits() throws {
        let long = try Fixture.article(
            Fixture.parse(
                " date 2023-06-30 Source: the ministry said that the trade turnover between the two countries grew a lot this year.\n\nMore."
            ))
        #expect(long.source == nil)
        let photography = try Fixture.article(Fixture.parse(" date 2023-06-30 Photographers gathered.\n\nMore."))
        #expect(photography.source == nil)
    }

    @Test(
        "titles",
        arguments: [
            ("Kazakhstan, Luxembourg discuss trade\n\nThe parties met.", "Kazakhstan, Luxembourg discuss trade"),
            ("What next for EU-Kazakhstan trade?\n\nThe parties met.", "What next for EU-Kazakhstan trade?"),
            ("Tokayev: \"We are ready\"\n\nThe parties met.", "Tokayev: \"We are ready\""),
            ("Tokayev meets Asselborn\nASTANA. KAZINFORM - The parties met.", "Tokayev meets Asselborn"),
        ])
    func titles(_ body: String, _ title: String) throws {
        let article = try Fixture.article(Fixture.parse(" date 2023-06-30 " + body))
        #expect(article.title == title)
        #expect(!article.text.contains(title))
    }

    @Test(
        "no titles",
        arguments: [
            "The parties met today.\n\nThey talked.",
            "A single paragraph without an ending",
            "the first line is lowercase\n\nSecond.",
            "Kazakhstan and Luxembourg discussed\nthe prospects of cooperation.\n\nSecond.",
            "ASTANA - The parties met\n\nSecond.",
        ])
    func noTitles(_ body: String) throws {
        let article = try Fixture.article(Fixture.parse(" date 2023-06-30 " + body))
        #expect(article.title == nil)
    }

    @Test func paragraphsCollapseBlankRunsAndKeepSingleBreaks() throws {
        let article = try Fixture.article(
            Fixture.parse(" date 2023-06-30 First line\nsame paragraph.\n\n\n\n \n\t\nSecond   paragraph.  \n\n\n"))
        #expect(article.text == "First line\nsame paragraph.\n\nSecond paragraph.")
        #expect(article.paragraphs == [TextSpan(start: 0, end: 26), TextSpan(start: 28, end: 45)])
    }

    @Test func spansCountUnicodeScalars() throws {
        let article = try Fixture.article(Fixture.parse(" date 2023-06-30 Türkiye 🇰🇿 e\u{301}.\n\nNext – one."))
        #expect(article.text == "Türkiye 🇰🇿 é.\n\nNext - one.")
        try #require(article.paragraphs == [TextSpan(start: 0, end: 13), TextSpan(start: 15, end: 26)])
        #expect(article.text.text(in: article.paragraphs[1]) == "Next - one.")
        #expect(article.countries == ["TR"])
    }

    @Test func characterMapping() {
        let input =
            "\u{FEFF}A\u{A0}B\u{202F}C\u{2009}D\tE \u{2010}\u{2011}\u{2012}\u{2013}\u{2014}\u{2015}\u{2212} ‘x’ ‚y‛ “q” „r‟ «g» ‹h› ´ \u{AD}so\u{AD}ft\u{200B}zw …"
        #expect(TextNormalisation.normalise(input) == "A B C D E ------- 'x' 'y' \"q\" \"r\" \"g\" 'h' ' softzw …")
        #expect(TextNormalisation.normalise("a\r\nb\rc\u{2028}d\u{2029}e\u{85}f") == "a\nb\nc\nd\n\ne\nf")
        #expect(TextNormalisation.normaliseLine("  Title\non two\n\nlines ") == "Title on two lines")
    }

    /// Runs of printable ASCII are laid out whole; the space rules must hold at their edges.
    @Test func asciiRunsKeepTheSpaceRules() {
        #expect(
            TextNormalisation.normalise("one two  three   four \nfive\tsix \u{00A0}seven ")
                == "one two three four\nfive six seven")
        #expect(TextNormalisation.normalise(" a b  ") == "a b")
        #expect(TextNormalisation.normalise("a ") == "a")
        #expect(TextNormalisation.normalise("x y\u{2014}z é q\r\n\r\n\r\nr s") == "x y-z é q\n\nr s")
    }

    @Test func homoglyphsOnlyInsideLatinWords() {
        #expect(TextNormalisation.normalise("\u{041C}inister Nurtleu") == "Minister Nurtleu")
        #expect(TextNormalisation.normalise("K\u{0430}z\u{0430}khst\u{0430}n") == "Kazakhstan")
        // Words in Cyrillic stay Cyrillic, and so do mixed words with a letter that has no look-alike.
        #expect(TextNormalisation.normalise("Министр Астана") == "Министр Астана")
        #expect(TextNormalisation.normalise("Kаzaқ") == "Kаzaқ")
    }

    @Test("look-alikes are fixed the same around line and paragraph breaks, with and without NFC")
    func homoglyphsAcrossTheLayout() {
        let text = "  \u{041A}\u{0430}z\u{0430}khst\u{0430}n  \u{2029}\u{0430}nd  \n\n\n Астана\u{0435}"
        #expect(TextNormalisation.normalise(text) == "Kazakhstan\n\nand\n\nАстанае")
        // The same text with a scalar NFC changes goes the way of map, NFC, then layout.
        #expect(TextNormalisation.normalise(text + " Re\u{301}sume\u{301}") == "Kazakhstan\n\nand\n\nАстанае Résumé")
    }

    @Test func nfc() {
        #expect(TextNormalisation.normalise("Re\u{301}sume\u{301}") == "Résumé")
        #expect(TextNormalisation.normalise("\u{212B}ngstr\u{F6}m").unicodeScalars.first == "\u{C5}")
    }

    @Test func countriesByNameAdjectiveAndPossessive() throws {
        let article = try Fixture.article(
            Fixture.parse(
                " date 2023-06-30 Luxembourg’s minister met Kazakh officials and European Union envoys; the EU and Russian and Chinese delegates watched. A turkey was served."
            ))
        #expect(article.countries == ["CN", "EU", "KZ", "LU", "RU"])
        let capitals = try Fixture.article(Fixture.parse(" date 2023-06-30 Talks in Moscow and Nur-Sultan."))
        #expect(capitals.countries == [], "a capital in the text does not make the article mention a country")
        let hyphen = try Fixture.article(Fixture.parse(" date 2023-06-30 Kazakh-Luxembourg relations."))
        #expect(hyphen.countries == ["KZ", "LU"])
    }

    @Test func titleCountriesCount() throws {
        let article = try Fixture.article(
            Fixture.parse(" date 2023-06-30 Kazakhstan and Japan sign a deal\n\nThe parties met."))
        #expect(article.countries == ["JP", "KZ"])
    }

    @Test func jsonTitleOverridesAndIsStrippedFromText() throws {
        let article = try Fixture.article(
            Fixture.parseJSON(
                #"{"published": "2023-06-30", "title": "Talks  in\nAstana", "source": "Akorda", "text": "Talks in Astana\n\nImages | gov.kz\n\nASTANA - Text."}"#
            ))
        #expect(article.title == "Talks in Astana")
        #expect(article.source == "Akorda", "a given source wins over the credit line")
        #expect(article.text == "ASTANA - Text.")
        #expect(article.dateline == Dateline(place: "ASTANA"))
    }

    @Test func gazetteerAdditionsAndBoundaries() {
        // Former names of Kazakhstan's capitals (capitals: matched, but not a mention of the country).
        for name in ["Alma-Ata", "Akmola", "Tselinograd", "Akmolinsk", "Nur-Sultan"] {
            let matches = Countries.matches(in: "Talks in \(name) today.")
            #expect(matches.map(\.code) == ["KZ"] && matches.first?.role == .capital, "\(name)")
            #expect(matches.first?.span == TextSpan(start: 9, end: 9 + name.unicodeScalars.count))
        }
        #expect(Countries.mentioned(in: "Turkiye and Türkiye") == ["TR"])
        // Word boundaries with ASCII and non-ASCII neighbours.
        #expect(Countries.mentioned(in: "Kazakh2 Kazakhé éKazakh xKazakh") == [])
        #expect(Countries.mentioned(in: "(Kazakh) «Luxembourg»; EU-China") == ["CN", "EU", "KZ", "LU"])
    }
}
