import AttacheModels
import AttacheTesting
import Testing

@testable import Extraction

/// One hand-made sentence that must yield one stated change with these properties.
struct ChangeCase: Sendable, CustomTestStringConvertible {
    var text: String
    var date: String = "2024-05-15"
    var metric: Metric = .tradeTurnover
    var partner: String
    var from: String
    var to: String
    var percent: Double? = nil
    var ratio: Double? = nil
    var absolute: Double? = nil
    var qualifier: Qualifier? = nil
    var testDescription: String { text }
}

enum ChangeCases {
    static let all: [ChangeCase] = [
        ChangeCase(
            text: "In 2023, trade with Germany increased by 23%.", partner: "DE", from: "2022", to: "2023", percent: 23),
        ChangeCase(
            text: "Trade with Germany rose 12.5 percent in 2023.", partner: "DE", from: "2022", to: "2023",
            percent: 12.5),
        ChangeCase(
            text: "Trade with Germany grew by 7 per cent in 2023.", partner: "DE", from: "2022", to: "2023", percent: 7),
        ChangeCase(
            text: "Trade with Germany fell by 8% in 2023.", partner: "DE", from: "2022", to: "2023", percent: -8),
        ChangeCase(
            text: "Trade with Germany declined 4.2% in 2023.", partner: "DE", from: "2022", to: "2023", percent: -4.2),
        ChangeCase(
            text: "Exports to Germany dropped by nearly 15% in 2023.", metric: .exports, partner: "DE", from: "2022",
            to: "2023", percent: -15, qualifier: .approximately),
        ChangeCase(
            text: "Trade with Germany went up by 9% in 2023.", partner: "DE", from: "2022", to: "2023", percent: 9),
        ChangeCase(
            text: "Trade with Germany in 2023 was 38% higher than in the previous year.", partner: "DE", from: "2022",
            to: "2023", percent: 38),
        ChangeCase(
            text: "Trade with Germany in 2023 was 11% lower than a year earlier.", partner: "DE", from: "2022",
            to: "2023", percent: -11),
        ChangeCase(
            text: "Trade with Germany in 2023 was up 6% year-on-year.", partner: "DE", from: "2022", to: "2023",
            percent: 6),
        ChangeCase(
            text: "Imports from Germany in 2023 were down 3% compared to 2022.", metric: .imports, partner: "DE",
            from: "2022", to: "2023", percent: -3),
        ChangeCase(
            text: "Trade with Germany showed an increase of 14% in 2023.", partner: "DE", from: "2022", to: "2023",
            percent: 14),
        ChangeCase(
            text: "Trade with Germany posted a 14% increase in 2023.", partner: "DE", from: "2022", to: "2023",
            percent: 14),
        ChangeCase(
            text: "The trade turnover with Germany grew nearly 2.5 times in 2022.", partner: "DE", from: "2021",
            to: "2022", ratio: 2.5, qualifier: .approximately),
        ChangeCase(
            text: "Trade with Germany increased three times in 2022.", partner: "DE", from: "2021", to: "2022", ratio: 3
        ),
        ChangeCase(
            text: "Trade with Germany saw a four-fold increase in 2022.", partner: "DE", from: "2021", to: "2022",
            ratio: 4),
        ChangeCase(
            text: "Trade with Germany grew fourfold in 2022.", partner: "DE", from: "2021", to: "2022", ratio: 4),
        ChangeCase(text: "Trade with Germany doubled in 2022.", partner: "DE", from: "2021", to: "2022", ratio: 2),
        ChangeCase(
            text: "Trade with Germany almost tripled in 2022.", partner: "DE", from: "2021", to: "2022", ratio: 3,
            qualifier: .approximately),
        ChangeCase(text: "Trade with Germany halved in 2022.", partner: "DE", from: "2021", to: "2022", ratio: 0.5),
        ChangeCase(
            text: "Trade with Germany was 3 times higher in 2022 than in 2021.", partner: "DE", from: "2021",
            to: "2022", ratio: 3),
        ChangeCase(
            text: "Trade with Germany decreased 2 times in 2022.", partner: "DE", from: "2021", to: "2022", ratio: 0.5),
        ChangeCase(
            text: "Trade with Germany increased by $250 million in 2023.", partner: "DE", from: "2022", to: "2023",
            absolute: 250e6),
        ChangeCase(
            text: "In January-August 2025, trade with Germany grew by 10% compared to the same period of last year.",
            date: "2025-10-01", partner: "DE", from: "2024-01..2024-08", to: "2025-01..2025-08", percent: 10),
        ChangeCase(
            text: "In the first half of 2024 exports to Germany rose by over 20%.", date: "2024-09-01",
            metric: .exports, partner: "DE", from: "2023-01..2023-06", to: "2024-01..2024-06", percent: 20,
            qualifier: .atLeast),
        ChangeCase(
            text: "Investment from Germany increased by 23% in 2022.", metric: .investment, partner: "DE", from: "2021",
            to: "2022", percent: 23),
        ChangeCase(
            text: "In 2020 trade with Germany grew by 5% compared with 2019.", partner: "DE", from: "2019", to: "2020",
            percent: 5),
    ]
}

@Test(arguments: ChangeCases.all) func changeForms(_ c: ChangeCase) {
    let article = Fixtures.article(c.text, date: c.date)
    let changes = Fixtures.extractor.extract(article).changes
    #expect(
        changes.count == 1,
        "expected one change in: \(c.text) — got \(changes.map { "\($0.from.label)>\($0.to.label) \($0.percent ?? .nan) \($0.ratio ?? .nan)" })"
    )
    guard let ch = changes.first else { return }
    #expect(ch.series.metric == c.metric)
    #expect(ch.series.reporter == "KZ")
    #expect(ch.series.partner == c.partner)
    #expect(ch.from.label == c.from)
    #expect(ch.to.label == c.to)
    #expect(ch.percent == c.percent)
    #expect(ch.ratio == c.ratio)
    #expect(ch.absolute == c.absolute)
    #expect(ch.qualifier == c.qualifier)
    #expect(article.text.text(in: ch.span) == ch.text)
}

/// Explicit comparisons give a figure for the earlier period, and with it a computed delta.
struct ComparisonCase: Sendable, CustomTestStringConvertible {
    var text: String
    var date: String = "2024-05-15"
    var earlier: (String, Double)
    var later: (String, Double)
    var testDescription: String { text }
}

enum ComparisonCases {
    static let all: [ComparisonCase] = [
        ComparisonCase(
            text: "Trade with Germany amounted to $5.5 billion in 2023, compared to $4.4 billion in 2022.",
            earlier: ("2022", 4.4e9), later: ("2023", 5.5e9)),
        ComparisonCase(
            text: "Trade with Germany amounted to $5.5 billion in 2023 (in 2022 it was $4.4 billion).",
            earlier: ("2022", 4.4e9), later: ("2023", 5.5e9)),
        ComparisonCase(
            text: "Trade with Germany rose to $5.5 billion in 2023, up from $4.4 billion in 2022.",
            earlier: ("2022", 4.4e9), later: ("2023", 5.5e9)),
        ComparisonCase(
            text: "Trade with Germany amounted to $5.5 billion in 2023 against $4.4 billion in 2022.",
            earlier: ("2022", 4.4e9), later: ("2023", 5.5e9)),
        ComparisonCase(
            text: "In 2023 trade with Germany amounted to $5.5 billion, while in 2022 it was $4.4 billion.",
            earlier: ("2022", 4.4e9), later: ("2023", 5.5e9)),
    ]
}

@Test(arguments: ComparisonCases.all) func comparisonForms(_ c: ComparisonCase) {
    let article = Fixtures.article(c.text, date: c.date)
    let e = Fixtures.extractor.extract(article)
    let stated = e.figures.filter { !$0.derived }
    #expect(stated.count == 2, "\(stated.map { "\($0.period.label)=\($0.amount)" })")
    #expect(
        stated.contains {
            $0.period.label == c.earlier.0 && $0.amount == c.earlier.1 && $0.partner == "DE"
                && $0.metric == .tradeTurnover
        })
    #expect(
        stated.contains {
            $0.period.label == c.later.0 && $0.amount == c.later.1 && $0.partner == "DE" && $0.metric == .tradeTurnover
        })
    let deltas = e.deltas(article: article)
    #expect(deltas.count == 1)
    #expect(deltas.first?.basis == .computed)
    #expect(deltas.first?.absolute == c.later.1 - c.earlier.1)
}

/// A stated change with one figure implies the other end.
@Test func impliedEarlierValueFromPercent() {
    let article = Fixtures.article("In 2023 exports to Italy increased by 25% to $10 billion.")
    let e = Fixtures.extractor.extract(article)
    let derived = e.figures.filter(\.derived)
    #expect(derived.count == 1)
    #expect(derived.first?.period.label == "2022")
    #expect(derived.first?.amount == 8e9)
    #expect(derived.first?.metric == .exports)
    let d = e.deltas(article: article)
    #expect(d.count == 1)
    #expect(d.first?.basis == .implied)
    #expect(d.first?.percent == 25)
    #expect(d.first?.from.amount == 8e9)
}

@Test func impliedLaterValueFromRatio() {
    let article = Fixtures.article("Trade with Italy was $2 billion in 2022. In 2023 trade with Italy doubled.")
    let e = Fixtures.extractor.extract(article)
    #expect(e.figures.contains { $0.derived && $0.period.label == "2023" && $0.amount == 4e9 })
    #expect(e.deltas(article: article).first?.basis == .implied)
}

@Test func statedChangeContradictingFiguresIsInconsistent() {
    let article = Fixtures.article(
        "Trade with Italy amounted to $5 billion in 2023, compared to $4 billion in 2022. In 2023 trade with Italy grew by 60%."
    )
    let d = Fixtures.extractor.extract(article).deltas(article: article)
    #expect(d.count == 1)
    #expect(d.first?.basis == .computed)
    #expect(d.first?.consistent == false)
    #expect(d.first?.percent == 25)
}

@Test func statedChangeAgreeingWithFiguresIsConsistent() {
    let article = Fixtures.article(
        "Trade with Italy amounted to $5 billion in 2023, compared to $4 billion in 2022. In 2023 trade with Italy grew by nearly 25%."
    )
    let d = Fixtures.extractor.extract(article).deltas(article: article)
    #expect(d.count == 1)
    #expect(d.first?.consistent == true)
}
