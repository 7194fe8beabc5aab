import AttacheModels
import Testing

@testable import Extraction

/// `PeriodParser.parse(at:)` tries only the number forms on a number token and only the word
/// forms on a word: each form still parses from where it starts, to where it ends.
@Suite("Period forms by first token")
struct PeriodFormTests {
    static let published = Day(iso: "2023-05-10")!

    static func parse(_ text: String, at i: Int = 0) -> PeriodMention? {
        let (tokens, words) = Tokenizer.tokenize(Array(text.unicodeScalars))
        return PeriodParser(tokens: tokens, words: words, published: published, independence: 1991).parse(at: i)
    }

    static func days(_ start: String) -> PeriodKind {
        .absolute(.days(Day(iso: start)!, published))
    }

    @Test(
        "forms that start with a number",
        arguments: [
            ("10M2022", 0, 3, PeriodKind.absolute(Period.months(1, 10, of: 2022)!)),
            ("1st half of 2022", 0, 5, .absolute(Period.months(1, 6, of: 2022)!)),
            ("in 10 months of 2021", 1, 5, .absolute(Period.months(1, 10, of: 2021)!)),
            ("2019-2021", 0, 3, .absolute(Period.months(from: (2019, 1), to: (2021, 12))!)),
            ("since 2019", 1, 2, days("2019-01-01")),
            ("2022 was", 0, 1, .absolute(.year(2022))),
            ("30-year total", 0, 4, days("1993-01-01")),
            ("30 years ago", 0, 3, .absolute(.year(1993))),
        ])
    func numberForms(_ text: String, at: Int, end: Int, kind: PeriodKind) throws {
        let p = try #require(Self.parse(text, at: at), "\(text)")
        #expect(p.range == at..<end)
        #expect(p.kind == kind)
    }

    @Test(
        "forms that start with a word",
        arguments: [
            ("Q1 2022", 0, 3, PeriodKind.absolute(Period.months(1, 3, of: 2022)!)),
            ("the first half of 2022", 0, 5, .absolute(Period.months(1, 6, of: 2022)!)),
            ("January-March 2023", 0, 4, .absolute(Period.months(1, 3, of: 2023)!)),
            ("three decades ago", 0, 3, .absolute(.year(1993))),
            ("since independence", 0, 2, days("1991-01-01")),
            ("a year earlier", 0, 3, .previousYear),
            ("last year", 0, 2, .absolute(.year(2022))),
        ])
    func wordForms(_ text: String, at: Int, end: Int, kind: PeriodKind) throws {
        let p = try #require(Self.parse(text, at: at), "\(text)")
        #expect(p.range == at..<end)
        #expect(p.kind == kind)
    }

    @Test("a number that is no year and no period's start is none", arguments: ["1,200 tonnes", "45 percent", "2024%"])
    func notPeriods(_ text: String) {
        #expect(Self.parse(text) == nil)
    }
}
