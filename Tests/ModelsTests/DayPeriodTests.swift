import AttacheModels
import Foundation
import Testing

@Suite("Day")
struct DayTests {
    @Test(
        "only real Gregorian dates exist",
        arguments: [
            ("2023-02-30", false), ("2023-02-29", false), ("2024-02-29", true), ("2000-02-29", true),
            ("1900-02-29", false),
            ("2100-02-29", false), ("2023-04-31", false), ("2023-04-30", true), ("2023-12-31", true),
            ("2023-13-01", false),
            ("2023-00-10", false), ("2023-06-00", false), ("0000-01-01", false), ("0001-01-01", true),
            ("9999-12-31", true),
        ])
    func validity(_ text: String, _ valid: Bool) {
        #expect((Day(iso: text) != nil) == valid, "\(text)")
    }

    @Test(
        "only exactly YYYY-MM-DD parses",
        arguments: [
            "2023-6-30", "23-06-30", "2023-06-30T00:00:00Z", " 2023-06-30", "2023-06-30 ", "2023/06/30", "20230630",
            "+023-06-30", "2023-06--3", "２０２３-06-30", "2023-٠٦-30", "", "2023-06",
        ])
    func strictFormat(_ text: String) {
        #expect(Day(iso: text) == nil, "\(text)")
    }

    @Test func leapYears() {
        #expect(Day.isLeap(2024) && Day.isLeap(2000) && Day.isLeap(1992))
        #expect(!Day.isLeap(2023) && !Day.isLeap(1900) && !Day.isLeap(2100))
        #expect(Day.daysIn(month: 2, year: 2024) == 29)
        #expect(Day.daysIn(month: 2, year: 2025) == 28)
        #expect(Day.last(ofMonth: 2, year: 2024)?.description == "2024-02-29")
        #expect(Day.last(ofMonth: 13, year: 2024) == nil)
        #expect(Day(year: 2023, month: 2, day: 30) == nil)
    }

    @Test func descriptionComparisonAndCoding() throws {
        let day = try #require(Day(year: 992, month: 6, day: 9))
        #expect(day.description == "0992-06-09")
        #expect(Day(iso: "1992-06-29")! < Day(iso: "1992-06-30")!)
        #expect(Day(iso: "1992-12-31")! < Day(iso: "1993-01-01")!)
        #expect(Day(iso: "2023-06-30")! == Day(year: 2023, month: 6, day: 30)!)
        let encoded = try AttacheJSON.line([Day(iso: "2023-06-30")!])
        #expect(encoded == #"["2023-06-30"]"#)
        #expect(
            try AttacheJSON.decoder().decode([Day].self, from: Data(#"["2024-02-29"]"#.utf8)) == [
                Day(iso: "2024-02-29")!
            ])
        #expect(throws: DecodingError.self) {
            try AttacheJSON.decoder().decode([Day].self, from: Data(#"["2023-02-30"]"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try AttacheJSON.decoder().decode([Day].self, from: Data(#"[20230630]"#.utf8))
        }
    }
}

@Suite("Period")
struct PeriodTests {
    let janAug2025 = Period.months(1, 8, of: 2025)!
    let janAug2024 = Period.months(1, 8, of: 2024)!
    /// Seed 002: "from 2005 to the second quarter of 2025".
    let cumulative = Period.months(from: (2005, 1), to: (2025, 6))!

    @Test func years() {
        let year = Period.year(2024)
        #expect(year.start.description == "2024-01-01")
        #expect(year.end.description == "2024-12-31")
        #expect(year.label == "2024")
        #expect(year.monthCount == 12)
        #expect(Period.months(1, 12, of: 2024) == year, "a whole year is labelled as a year")
    }

    @Test("a year outside what a Day can hold does not crash (the year before 0001, the year after 9999)")
    func extremeYears() {
        #expect(Period.year(0).label == "0001")
        #expect(Period.year(-5).start.description == "0001-01-01")
        #expect(Period.year(10_000).end.description == "9999-12-31")
        #expect(Period.year(1).label == "0001")
        #expect(Period.year(9999).label == "9999")
    }

    @Test func months() {
        #expect(janAug2025.start.description == "2025-01-01")
        #expect(janAug2025.end.description == "2025-08-31")
        #expect(janAug2025.label == "2025-01..2025-08")
        #expect(janAug2025.monthCount == 8)
        #expect(Period.months(2, 2, of: 2024)?.end.description == "2024-02-29")
        #expect(Period.months(1, 3, of: 2022)?.label == "2022-01..2022-03")
        #expect(Period.months(7, 12, of: 2022)?.label == "2022-07..2022-12")
        #expect(Period.months(8, 1, of: 2025) == nil)
        #expect(Period.months(0, 3, of: 2025) == nil)
        #expect(Period.months(1, 13, of: 2025) == nil)
        #expect(cumulative.start.description == "2005-01-01")
        #expect(cumulative.end.description == "2025-06-30")
        #expect(cumulative.label == "2005-01..2025-06")
        #expect(cumulative.monthCount == 246)
        #expect(Period.months(from: (2025, 1), to: (2024, 12)) == nil)
    }

    @Test("comparable: the same length at the same place in another year; cumulative never")
    func comparability() {
        #expect(janAug2025.isComparable(with: janAug2024))
        #expect(janAug2024.isComparable(with: janAug2025))
        #expect(!janAug2025.isComparable(with: .year(2024)), "January–August is not a year")
        #expect(!Period.year(2024).isComparable(with: janAug2025))
        #expect(Period.year(2023).isComparable(with: .year(2024)))
        #expect(Period.year(2021).isComparable(with: .year(2024)))
        #expect(!Period.year(2024).isComparable(with: .year(2024)), "a period is not compared with itself")
        #expect(!Period.months(1, 3, of: 2022)!.isComparable(with: Period.months(4, 6, of: 2022)!), "Q1 vs Q2")
        #expect(
            !Period.months(1, 3, of: 2022)!.isComparable(with: Period.months(4, 6, of: 2023)!), "Q1 vs next year's Q2")
        #expect(Period.months(1, 6, of: 2022)!.isComparable(with: Period.months(1, 6, of: 2023)!), "first halves")
        // Cumulative ranges are never compared, even with one of the same length.
        let earlier = Period.months(from: (2004, 1), to: (2024, 6))!
        #expect(earlier.monthCount == cumulative.monthCount)
        #expect(!cumulative.isComparable(with: earlier))
        #expect(!cumulative.isComparable(with: .year(2024)))
        #expect(!Period.year(2025).isComparable(with: cumulative))
        // A year to date that does not end on a month boundary has no month count.
        let yearToDate = Period(
            start: Day(iso: "2025-01-01")!, end: Day(iso: "2025-10-20")!, label: "2025-01-01..2025-10-20")
        #expect(yearToDate.monthCount == nil)
        #expect(
            !yearToDate.isComparable(
                with: Period(
                    start: Day(iso: "2024-01-01")!, end: Day(iso: "2024-10-20")!,
                    label: "2024-01-01..2024-10-20")))
    }

    @Test func ordering() {
        let sorted = [Period.year(2024), janAug2025, .year(2022), cumulative, janAug2024].sorted()
        #expect(sorted.map(\.label) == ["2005-01..2025-06", "2022", "2024-01..2024-08", "2024", "2025-01..2025-08"])
    }
}

@Suite("Labels without Foundation's formatter")
struct PaddedLabelTests {
    @Test(
        "Day.padded writes what String(format: \"%0Nd\") writes",
        arguments: [0, 1, 9, 10, 99, 100, 999, 1000, 2024, 9999, 12345, -1, -42, -2024])
    func padded(_ n: Int) {
        #expect(Day.padded(n, 4) == String(format: "%04d", n))
        #expect(Day.padded(n, 2) == String(format: "%02d", n))
    }

    @Test func countryMatchesOnScalarsEqualMatchesOnText() {
        let text = "Kazakh-Luxembourg relations: Kazakhstan, the Grand Duchy and Nur-Sultan; Türkiye's trade"
        #expect(Countries.matches(inScalars: Array(text.unicodeScalars)) == Countries.matches(in: text))
        // Trying only where words begin finds the same names.
        let scalars = Array(text.unicodeScalars)
        let starts = scalars.indices.filter { i in
            scalars[i].properties.isAlphabetic && (i == 0 || !scalars[i - 1].properties.isAlphabetic)
        }
        #expect(Countries.matches(inScalars: scalars, at: starts) == Countries.matches(in: text))
    }
}
