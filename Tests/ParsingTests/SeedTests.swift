import ArticleParsing
import AttacheModels
import AttacheTesting
import Foundation
import Testing

/// The five sample articles parse to what they state.
@Suite("Seeds")
struct SeedTests {
    struct Expected: Sendable, CustomTestStringConvertible {
        var seed: String
        var id: String
        var published: String
        var title: String?
        var dateline: Dateline?
        var source: String?
        var countries: [String]
        var paragraphs: Int
        var firstParagraphStart: String
        var lastParagraphEnd: String
        var testDescription: String { "seed \(seed)" }
    }

    static let expected: [Expected] = [
        Expected(
            seed: "000", id: "f0b26bbd289f157c", published: "2023-06-30", title: nil,
            dateline: Dateline(place: "ASTANA", agency: nil), source: nil, countries: ["EU", "KZ", "LU"],
            paragraphs: 12,
            firstParagraphStart:
                "ASTANA - President of Kazakhstan Kassym-Jomart Tokayev met with Luxembourg's Minister",
            lastParagraphEnd: "on its path of democratization and political reform,\" Asselborn said."),
        Expected(
            seed: "001", id: "4320e65723ee34fe", published: "2023-06-29",
            title: "Development of partnership with Luxembourg one of priorities of Kazakhstan's foreign policy - FM",
            dateline: Dateline(place: "ASTANA", agency: "KAZINFORM"), source: nil, countries: ["AF", "EU", "KZ", "LU"],
            paragraphs: 6,
            firstParagraphStart: "ASTANA. KAZINFORM - Development of partnership with Luxembourg",
            lastParagraphEnd: "including Central Asia, Afghanistan and regional integration processes."),
        Expected(
            seed: "002", id: "642b3c6151f1b901", published: "2025-10-20", title: nil,
            dateline: nil, source: nil, countries: ["EU", "KZ", "LU"], paragraphs: 7,
            firstParagraphStart: "The parties discussed the current state and prospects of bilateral cooperation",
            lastParagraphEnd:
                "a historic event - the abdication of Grand Duke Henri and the accession to the throne of his eldest son, Guillaume V."
        ),
        Expected(
            seed: "003", id: "782e9fe44c28c579", published: "2022-06-29", title: nil,
            dateline: Dateline(place: "NUR-SULTAN", agency: "KAZINFORM"), source: nil, countries: ["KZ", "LU"],
            paragraphs: 6,
            firstParagraphStart:
                "NUR-SULTAN. KAZINFORM - Today, on 29 June 2022, Kazakhstan and Luxembourg commemorate an important event - the 30th anniversary",
            lastParagraphEnd:
                "strengthen Kazakh-Luxembourg relations in the spirit of trusting dialogue and partnership."),
        Expected(
            seed: "004", id: "97428f4dcfa956bd", published: "2023-05-18", title: nil,
            dateline: nil, source: "gov.kz", countries: ["AF", "EU", "KZ"], paragraphs: 12,
            firstParagraphStart:
                "Deputy Prime Minister - Minister of Foreign Affairs of Kazakhstan Murat Nurtleu paid a working visit to Brussels",
            lastParagraphEnd:
                "investment by European companies in Kazakhstan in 2022 increased by 23% to 12.5 billion US dollars."),
    ]

    @Test("seed parses to its stated fields", arguments: expected)
    func seedFields(_ e: Expected) throws {
        let bytes = try Fixture.seed(e.seed)
        let article = try Fixture.article(
            Fixture.parser.parse(.seedText(bytes), origin: "file:seeds/\(e.seed)", receivedAt: Fixture.received))
        #expect(article.published.description == e.published)
        #expect(article.title == e.title)
        #expect(article.dateline == e.dateline)
        #expect(article.source == e.source)
        #expect(article.countries == e.countries)
        #expect(article.paragraphs.count == e.paragraphs)
        #expect(article.id == e.id, "the id pins the normalisation; changing it changes every article's key")
        #expect(article.origin == "file:seeds/\(e.seed)")
        #expect(article.receivedAt == Fixture.received)
        let first = try #require(article.paragraphs.first.flatMap { article.text.text(in: $0) })
        let last = try #require(article.paragraphs.last.flatMap { article.text.text(in: $0) })
        #expect(first.hasPrefix(e.firstParagraphStart), "first paragraph: \(first.prefix(120))")
        #expect(last.hasSuffix(e.lastParagraphEnd), "last paragraph: \(last.suffix(120))")
        Fixture.checkInvariants(article)
        // Title and credit lines are not part of the body.
        if let title = e.title { #expect(!article.text.contains(title)) }
        #expect(!article.text.contains("Images |"))
    }

    @Test(
        "paragraph count matches the blank-line structure of the file", arguments: ["000", "001", "002", "003", "004"])
    func paragraphCountsFromFile(_ seed: String) throws {
        let bytes = try Fixture.seed(seed)
        let article = try Fixture.article(
            Fixture.parser.parse(.seedText(bytes), origin: "t", receivedAt: Fixture.received))
        // Independent count: blocks of non-blank lines, less the title/credit line of 001 and 004.
        let blocks = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\n")
            .split(whereSeparator: { $0.trimmingCharacters(in: .whitespaces).isEmpty }).count
        let head = (article.title != nil ? 1 : 0) + (article.source != nil ? 1 : 0)
        #expect(article.paragraphs.count == blocks - head)
    }

    @Test("the dateline and the rest stay in the first paragraph; NUR-SULTAN maps to KZ")
    func datelinePlaceMapsToCountry() throws {
        // Without the country named anywhere, the dateline alone gives KZ.
        let article = try Fixture.article(
            Fixture.parse(" date 2022-06-29 NUR-SULTAN. KAZINFORM - The talks were held today.\n\nThey went well."))
        #expect(article.dateline == Dateline(place: "NUR-SULTAN", agency: "KAZINFORM"))
        #expect(article.countries == ["KZ"])
        #expect(article.text.hasPrefix("NUR-SULTAN. KAZINFORM - The talks"))
    }

    @Test("normalisation in the seeds: quotes, dashes, guillemets, a Cyrillic look-alike")
    func seedNormalisation() throws {
        let a001 = try Fixture.article(
            Fixture.parser.parse(.seedText(try Fixture.seed("001")), origin: "t", receivedAt: Fixture.received))
        #expect(a001.text.contains("\"We've just held bilateral talks"))
        #expect(a001.text.contains("Deputy Prime Minister - Minister of Foreign Affairs"))
        let a004 = try Fixture.article(
            Fixture.parser.parse(.seedText(try Fixture.seed("004")), origin: "t", receivedAt: Fixture.received))
        // The seed writes "Мinister" with a Cyrillic capital EM (U+041C).
        #expect(a004.text.contains("Minister Nurtleu briefed in detail"))
        #expect(!a004.text.unicodeScalars.contains("\u{041C}"))
        let a002 = try Fixture.article(
            Fixture.parser.parse(.seedText(try Fixture.seed("002")), origin: "t", receivedAt: Fixture.received))
        #expect(a002.text.contains("historic event - the abdication"))
    }

    @Test(
        "ids are stable under whitespace, line ending, NBSP and quote variants",
        arguments: ["000", "001", "002", "003", "004"])
    func stableIDs(_ seed: String) throws {
        let bytes = try Fixture.seed(seed)
        let original = String(decoding: bytes, as: UTF8.self)
        let base = try Fixture.article(Fixture.parse(original))
        var variants: [String: String] = [:]
        variants["CRLF"] = original.replacingOccurrences(of: "\n", with: "\r\n")
        variants["CR"] = original.replacingOccurrences(of: "\n", with: "\r")
        variants["NBSP"] = original.replacingOccurrences(of: " ", with: "\u{A0}")
        variants["narrow NBSP and tabs"] = original.replacingOccurrences(of: " the ", with: "\u{202F}the\t")
        variants["trailing spaces"] = original.replacingOccurrences(of: "\n", with: "   \n") + "\n\n\n"
        variants["more blank lines"] = original.replacingOccurrences(of: "\n\n", with: "\n \n\t\n\n")
        variants["no leading space"] = String(original.drop { $0 == " " })
        variants["BOM"] = "\u{FEFF}" + original
        variants["double spaces"] = original.replacingOccurrences(of: ". ", with: ".  ")
        variants["curly quotes straightened"] = original.replacingOccurrences(of: "\u{2019}", with: "'")
        variants["en dashes as em dashes"] = original.replacingOccurrences(of: "\u{2013}", with: "\u{2014}")
        variants["NFD"] = original.decomposedStringWithCanonicalMapping
        variants["U+2029 paragraphs"] = original.replacingOccurrences(of: "\n\n", with: "\u{2029}")
        for (name, variant) in variants.sorted(by: { $0.key < $1.key }) {
            let article = try Fixture.article(Fixture.parse(variant))
            #expect(article.id == base.id, "variant \(name)")
            #expect(article.text == base.text, "variant \(name)")
            #expect(article.paragraphs == base.paragraphs, "variant \(name)")
            #expect(
                article.title == base.title && article.dateline == base.dateline && article.source == base.source,
                "variant \(name)")
        }
        // A changed word or another day is another article.
        let changed = try Fixture.article(
            Fixture.parse(original.replacingOccurrences(of: "Kazakhstan", with: "Kazakstan")))
        #expect(changed.id != base.id)
        let otherDay = try Fixture.article(Fixture.parse(" date 2001-01-01 " + original.dropFirst(17)))
        #expect(otherDay.text == base.text)
        #expect(otherDay.id != base.id)
    }

    @Test("the same article as seed text and as JSON gets the same id", arguments: ["000", "001", "002", "003", "004"])
    func jsonMatchesSeedText(_ seed: String) throws {
        let bytes = try Fixture.seed(seed)
        let original = String(decoding: bytes, as: UTF8.self)
        let base = try Fixture.article(Fixture.parse(original))
        let afterDate = String(original.dropFirst(" date YYYY-MM-DD ".count))
        // Everything after the date line as `text`: title and credit are found as in seed text.
        let whole = try JSONSerialization.data(withJSONObject: [
            "published": base.published.description, "text": afterDate,
        ])
        let fromWhole = try Fixture.article(
            Fixture.parser.parse(.json(Array(whole)), origin: "test", receivedAt: Fixture.received))
        #expect(fromWhole.id == base.id)
        #expect(fromWhole.title == base.title && fromWhole.source == base.source && fromWhole.dateline == base.dateline)
        // The whole seed file, date line included, as `text`.
        let wrapped = try JSONSerialization.data(withJSONObject: [
            "published": base.published.description, "text": original,
        ])
        #expect(
            try Fixture.article(
                Fixture.parser.parse(.json(Array(wrapped)), origin: "test", receivedAt: Fixture.received)) == base)
        // Title and source given as fields, the body as text.
        var object: [String: Any] = ["published": base.published.description, "text": base.text, "extra": [1, 2, 3]]
        if let title = base.title { object["title"] = title }
        if let source = base.source { object["source"] = source }
        let split = try JSONSerialization.data(withJSONObject: object)
        let fromFields = try Fixture.article(
            Fixture.parser.parse(.json(Array(split)), origin: "test", receivedAt: Fixture.received))
        #expect(fromFields == base)
        // And auto-detection reads both forms.
        #expect(
            try Fixture.article(Fixture.parser.parse(raw: Array(split), origin: "test", receivedAt: Fixture.received))
                == base)
        #expect(
            try Fixture.article(Fixture.parser.parse(raw: bytes, origin: "test", receivedAt: Fixture.received)) == base)
    }

    @Test("an Article round-trips through AttacheJSON")
    func articleEncodes() throws {
        let article = try Fixture.article(
            Fixture.parser.parse(.seedText(try Fixture.seed("001")), origin: "t", receivedAt: Fixture.received))
        let decoded = try AttacheJSON.decode(Article.self, from: try AttacheJSON.encode(article))
        #expect(decoded == article)
    }
}
