import AttacheModels
import AttacheTesting
import Testing

@testable import Extraction

/// One hand-made sentence that must yield one anniversary with these properties.
struct AnniversaryCase: Sendable, CustomTestStringConvertible {
    var text: String
    var date: String = "2024-05-15"
    var kind: AnniversaryKind
    var subject: String
    var ordinal: Int
    var year: Int
    var baseYear: Int
    var baseDate: String? = nil
    var onPublicationDay: Bool = false
    var next: (Int, Int)
    var testDescription: String { text }
}

enum AnniversaryCases {
    static let all: [AnniversaryCase] = [
        AnniversaryCase(
            text: "The ministers noted the 32nd anniversary of diplomatic relations between Kazakhstan and Germany.",
            kind: .diplomaticRelations,
            subject: "diplomatic relations between Kazakhstan and Germany", ordinal: 32, year: 2024, baseYear: 1992,
            next: (35, 2027)),
        AnniversaryCase(
            text: "Germany and Kazakhstan celebrate the 32nd anniversary of the establishment of diplomatic relations.",
            kind: .diplomaticRelations,
            subject: "diplomatic relations between Kazakhstan and Germany", ordinal: 32, year: 2024, baseYear: 1992,
            next: (35, 2027)),
        AnniversaryCase(
            text: "Next year Kazakhstan and France will mark the thirtieth anniversary of diplomatic relations.",
            kind: .diplomaticRelations,
            subject: "diplomatic relations between Kazakhstan and France", ordinal: 30, year: 2025, baseYear: 1995,
            next: (35, 2030)),
        AnniversaryCase(
            text: "In 2022, Kazakhstan and Japan marked the thirty-first anniversary of diplomatic ties.",
            kind: .diplomaticRelations,
            subject: "diplomatic relations between Kazakhstan and Japan", ordinal: 31, year: 2022, baseYear: 1991,
            next: (35, 2026)),
        AnniversaryCase(
            text: "32 years ago on January 12 Kazakhstan and China established diplomatic relations.",
            date: "2024-01-12", kind: .diplomaticRelations,
            subject: "diplomatic relations between Kazakhstan and China", ordinal: 32, year: 2024, baseYear: 1992,
            baseDate: "1992-01-12", onPublicationDay: true, next: (35, 2027)),
        AnniversaryCase(
            text: "Thirty years ago Kazakhstan and Korea established diplomatic relations.", date: "2022-01-28",
            kind: .diplomaticRelations,
            subject: "diplomatic relations between Kazakhstan and South Korea", ordinal: 30, year: 2022, baseYear: 1992,
            next: (35, 2027)),
        AnniversaryCase(
            text: "This year, Kazakhstan and Italy are celebrating 30 years of diplomatic relations.",
            date: "2022-03-01", kind: .diplomaticRelations,
            subject: "diplomatic relations between Kazakhstan and Italy", ordinal: 30, year: 2022, baseYear: 1992,
            next: (35, 2027)),
        AnniversaryCase(
            text: "Today, Kazakhstan and Austria commemorate the 32nd anniversary of diplomatic relations.",
            date: "2024-02-04", kind: .diplomaticRelations,
            subject: "diplomatic relations between Kazakhstan and Austria", ordinal: 32, year: 2024, baseYear: 1992,
            baseDate: "1992-02-04", onPublicationDay: true, next: (35, 2027)),
        AnniversaryCase(
            text: "On 4 February 2024, Kazakhstan and Austria marked the 32nd anniversary of diplomatic relations.",
            date: "2024-02-06", kind: .diplomaticRelations,
            subject: "diplomatic relations between Kazakhstan and Austria", ordinal: 32, year: 2024, baseYear: 1992,
            baseDate: "1992-02-04", onPublicationDay: false, next: (35, 2027)),
        AnniversaryCase(
            text:
                "The sides noted the 25th anniversary of the Treaty on Eternal Friendship between Kazakhstan and Uzbekistan.",
            kind: .agreement,
            subject: "Treaty on Eternal Friendship between Kazakhstan and Uzbekistan", ordinal: 25, year: 2024,
            baseYear: 1999, next: (30, 2029)),
        AnniversaryCase(
            text:
                "Kazakhstan and the EU mark the 10th anniversary of the signing of the Enhanced Partnership and Cooperation Agreement.",
            date: "2025-10-20", kind: .agreement,
            subject: "Enhanced Partnership and Cooperation Agreement between Kazakhstan and the European Union",
            ordinal: 10, year: 2025, baseYear: 2015, next: (15, 2030)),
        AnniversaryCase(
            text:
                "In 2020, Kazakhstan celebrated the 175th anniversary of the birth of the great poet Abai Kunanbayev.",
            kind: .birth,
            subject: "Abai Kunanbayev", ordinal: 175, year: 2020, baseYear: 1845, next: (180, 2025)),
        AnniversaryCase(
            text: "An exhibition in Rome marked the 150th anniversary of the composer Kurmangazy Sagyrbayuly.",
            date: "2018-05-01", kind: .birth,
            subject: "Kurmangazy Sagyrbayuly", ordinal: 150, year: 2018, baseYear: 1868, next: (155, 2023)),
        AnniversaryCase(
            text: "The university celebrates the centenary of its founding this autumn.", date: "2028-03-01",
            kind: .founding,
            subject: "its founding", ordinal: 100, year: 2028, baseYear: 1928, next: (105, 2033)),
        AnniversaryCase(
            text: "Air Astana celebrated its 20th anniversary with a gala in Almaty.", date: "2022-05-15",
            kind: .founding,
            subject: "Air Astana", ordinal: 20, year: 2022, baseYear: 2002, next: (25, 2027)),
        AnniversaryCase(
            text: "The country celebrates the 33rd anniversary of the independence of Kazakhstan.", kind: .founding,
            subject: "independence of Kazakhstan", ordinal: 33, year: 2024, baseYear: 1991, next: (35, 2026)),
    ]
}

@Test(arguments: AnniversaryCases.all) func anniversaryForms(_ c: AnniversaryCase) {
    let article = Fixtures.article(c.text, date: c.date)
    let found = Fixtures.extractor.extract(article).anniversaries
    #expect(found.count == 1, "\(found.map { "\($0.ordinal) \($0.subject)" })")
    guard let a = found.first else { return }
    #expect(a.kind == c.kind)
    #expect(a.subject == c.subject)
    #expect(a.ordinal == c.ordinal)
    #expect(a.year == c.year)
    #expect(a.baseYear == c.baseYear)
    #expect(a.baseDate?.description == c.baseDate)
    #expect(a.onPublicationDay == c.onPublicationDay)
    #expect(a.next.ordinal == c.next.0)
    #expect(a.next.year == c.next.1)
    #expect(a.id == StableID.anniversary(kind: c.kind, subject: c.subject, baseYear: c.baseYear))
    #expect(article.text.text(in: a.span) == a.text)
}

/// Sentences that look like figures, changes or anniversaries and are none.
struct NearMiss: Sendable, CustomTestStringConvertible {
    var text: String
    var date: String = "2024-05-15"
    var testDescription: String { text }
}

enum NearMisses {
    static let all: [NearMiss] = [
        // Trade between two countries neither of which is the home country is theirs, not the
        // home country's (we once extracted it with the first country as reporter; a figure
        // outside the home country's pairs is noise for its subscribers).
        NearMiss(text: "The volume of trade between Russia and China reached $240 billion in 2023."),
        // Targets and forecasts.
        NearMiss(text: "The parties aim to bring trade between Kazakhstan and Germany to $5 billion by 2030."),
        NearMiss(text: "Kazakhstan and Italy plan to increase trade to $3 billion."),
        NearMiss(text: "Trade with France is expected to reach $4 billion in 2025."),
        NearMiss(text: "Trade with Korea will exceed $1 billion next year."),
        NearMiss(text: "The sides set a goal of $2 billion in trade with Japan."),
        NearMiss(text: "Trade with Türkiye is forecast to grow by 20% in 2026."),
        NearMiss(text: "The ministers agreed to double trade with Austria."),
        NearMiss(text: "Trade with Hungary could reach $1 billion in 2027.", date: "2024-05-15"),
        // Shares and counts.
        NearMiss(text: "The EU accounts for more than 30% of Kazakhstan's foreign trade and investments."),
        NearMiss(
            text:
                "There are currently 178 enterprises operating in Kazakhstan with the participation of Luxembourg capital."
        ),
        NearMiss(text: "The number of flights between Kazakhstan and Luxembourg will increase to 21 per week."),
        NearMiss(text: "Kazakhstan exported 1.5 million tonnes of grain to Italy in 2023."),
        NearMiss(text: "Some 2,500 Kazakh students study in Germany, 12% more than in 2022."),
        NearMiss(text: "Trade with China accounts for 20% of the total."),
        // Ordinals that are no anniversaries.
        NearMiss(
            text: "Tokayev met Bettel on the sidelines of the 77th session of the United Nations General Assembly."),
        NearMiss(text: "He presented the orders of Dostyk of the first and second degree."),
        NearMiss(text: "The 10th summit of the Organization of Turkic States was held in Astana."),
        NearMiss(text: "Kazakhstan chaired the council for the 5th time."),
        NearMiss(text: "The company has 30 years of experience in Kazakhstan."),
        NearMiss(text: "Ten years ago trade between Kazakhstan and Poland was small."),
        NearMiss(text: "On the anniversary of the agreement, the ministers met in Astana."),
        // Numbers without money or metric.
        NearMiss(text: "The delegation of 25 members arrived in Kazakhstan on May 3."),
        NearMiss(text: "The population of Kazakhstan reached 20 million in 2023."),
        NearMiss(text: "The 2024 plan was discussed by Kazakhstan and Germany."),
        NearMiss(text: "Trade and investment cooperation with Germany was discussed in 2023."),
        NearMiss(text: "Kazakhstan may sign 12 agreements with France in May."),
        NearMiss(text: "The grant of $2 million was announced by Germany in 2023."),
        NearMiss(text: "Inflation in Kazakhstan rose by 8.5% in 2023."),
        NearMiss(text: "The 2nd meeting of the Kazakhstan-EU Cooperation Council took place in Brussels."),
        NearMiss(text: "Kazakhstan ranks 25th in the world in terms of trade with Europe."),
        NearMiss(text: "Trade with Germany grew significantly in 2023."),
        NearMiss(text: "The share of Germany in Kazakhstan's trade rose to 5% in 2023."),
        NearMiss(text: "Kazakhstan's GDP grew by 5.1% in 2023, the ministry said."),
        NearMiss(text: "An agreement worth $500 million was signed by Kazakhstan and Korea in 2023."),
        NearMiss(text: "Oil exports to Italy are projected to rise by 10% in 2025."),
        NearMiss(text: "In 2023, 1,200 Kazakh companies exported goods to Poland."),
        NearMiss(text: "An investment fund of $1 billion supports projects in Kazakhstan and Qatar."),
        NearMiss(text: "Tokayev thanked Scholz for the 30 years of fruitful cooperation with Germany."),
        NearMiss(text: "The Kazakh delegation visited Berlin for the 3rd time since 2019."),
    ]
}

@Test(arguments: NearMisses.all) func nearMissesYieldNothing(_ c: NearMiss) {
    let e = Fixtures.extract(c.text, date: c.date)
    #expect(e.figures.isEmpty, "figures: \(e.figures.map(\.text))")
    #expect(e.changes.isEmpty, "changes: \(e.changes.map(\.text))")
    #expect(e.anniversaries.isEmpty, "anniversaries: \(e.anniversaries.map(\.text))")
}
