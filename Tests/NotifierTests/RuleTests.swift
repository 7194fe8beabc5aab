import AttacheModels
import AttacheTesting
import Foundation
import Notifier
import Testing

/// The rules are pure: tables of inputs, including near misses, and the exact words.
@Suite("Notification rules")
struct RuleTests {
    let topics = Topics()

    func deltaInput(_ delta: TradeDelta) -> RuleInput {
        RuleInput(.delta(delta), topic: topics.deltas, key: delta.series.id, recordTime: Fixtures.recordTime)
    }

    func anniversaryInput(_ anniversary: Anniversary) -> RuleInput {
        RuleInput(
            .anniversary(anniversary), topic: topics.anniversaries, key: anniversary.id, recordTime: Fixtures.recordTime
        )
    }

    func enrichedInput(_ article: EnrichedArticle) -> RuleInput {
        RuleInput(.enriched(article), topic: topics.enriched, key: article.article.id, recordTime: Fixtures.recordTime)
    }

    // MARK: trade-delta

    struct DeltaCase: CustomTestStringConvertible, Sendable {
        var name: String
        var delta: TradeDelta
        var threshold: Double = 10
        /// nil: no notification.
        var severity: Severity?
        var title: String?
        var testDescription: String { name }
    }

    static let deltaCases: [DeltaCase] = [
        DeltaCase(
            name: "FDI KZ←LU +109.6 % (seeds 000 and 002)", delta: Fixtures.fdiDelta(), severity: .notice,
            title: "FDI inflow KZ←LU rose 109.6 % from 2022 to 2023 (202.5 M → 424.5 M USD)"),
        DeltaCase(
            name: "+22.6 % (seed 002)",
            delta: Fixtures.fdiDelta(
                from: 424_500_000, to: 520_500_000, percent: 22.614840989399294,
                ratio: 1.226148409893993, fromYear: 2023, toYear: 2024),
            severity: .notice, title: "FDI inflow KZ←LU rose 22.6 % from 2023 to 2024 (424.5 M → 520.5 M USD)"),
        DeltaCase(
            name: "exactly the threshold", delta: Fixtures.fdiDelta(from: 100, to: 110, percent: 10, ratio: 1.1),
            severity: .notice),
        DeltaCase(
            name: "near miss: +9.9 %", delta: Fixtures.fdiDelta(from: 1000, to: 1099, percent: 9.9, ratio: 1.099),
            severity: nil),
        DeltaCase(
            name: "near miss: small delta +2 %",
            delta: Fixtures.fdiDelta(from: 100e6, to: 102e6, percent: 2, ratio: 1.02), severity: nil),
        DeltaCase(
            name: "a fall of 12 %", delta: Fixtures.fdiDelta(from: 100e6, to: 88e6, percent: -12, ratio: 0.88),
            severity: .notice,
            title: "FDI inflow KZ←LU fell 12 % from 2022 to 2023 (100 M → 88 M USD)"),
        DeltaCase(
            name: "inconsistent stated change, small",
            delta: Fixtures.fdiDelta(from: 100e6, to: 102e6, percent: 2, ratio: 1.02, consistent: false),
            severity: .warning,
            title:
                "FDI inflow KZ←LU rose 2 % from 2022 to 2023 (100 M → 102 M USD): the stated change disagrees with the figures"
        ),
        DeltaCase(
            name: "stated 2.5 times, no amounts, no percent",
            delta: Fixtures.fdiDelta(
                from: nil, to: nil, percent: nil, ratio: 2.5, basis: .stated,
                fromYear: 2021, series: Fixtures.turnover),
            severity: .notice, title: "Trade turnover KZ–LU rose 150 % from 2021 to 2023"),
        DeltaCase(
            name: "implied earlier amount (+38 %)",
            delta: Fixtures.fdiDelta(
                from: 28_913_043_478, to: 39.9e9, percent: 38, ratio: 1.38,
                basis: .implied, fromYear: 2021, toYear: 2022, series: Fixtures.turnover),
            severity: .notice, title: "Trade turnover KZ–LU rose 38 % from 2021 to 2022 (28.91 B → 39.9 B USD)"),
        DeltaCase(
            name: "no change known at all",
            delta: Fixtures.fdiDelta(from: nil, to: 5e6, percent: nil, ratio: nil, basis: .stated), severity: nil),
        DeltaCase(
            name: "amounts only: computed percent",
            delta: Fixtures.fdiDelta(
                from: 36_500, to: 73_000, percent: nil, ratio: nil,
                series: Series(metric: .exports, reporter: "KZ", partner: "LU", currency: "USD")),
            severity: .notice, title: "Exports KZ→LU rose 100 % from 2022 to 2023 (36.5 K → 73 K USD)"),
        DeltaCase(
            name: "higher threshold: +22.6 % stays quiet",
            delta: Fixtures.fdiDelta(from: 424.5e6, to: 520.5e6, percent: 22.6, ratio: 1.226),
            threshold: 50, severity: nil),
    ]

    @Test("trade-delta", arguments: deltaCases)
    func tradeDelta(_ c: DeltaCase) throws {
        let rules = NotificationRules(settings: RuleSettings(deltaThresholdPercent: c.threshold))
        let result = rules.notifications(for: deltaInput(c.delta))
        guard let severity = c.severity else {
            #expect(result.isEmpty, "unexpected: \(result.map(\.title))")
            return
        }
        let n = try #require(result.first)
        #expect(result.count == 1)
        #expect(n.rule == "trade-delta")
        #expect(n.kind == "trade_delta")
        #expect(n.severity == severity)
        if let title = c.title { #expect(n.title == title) }
        #expect(n.id == StableID.notification(rule: "trade-delta", subjectID: c.delta.id))
        #expect(n.subject == SubjectRef(topic: topics.deltas, key: c.delta.series.id, schema: .tradeDelta))
        #expect(n.createdAt == Fixtures.recordTime)
        #expect(n.body.contains(c.delta.id))
    }

    @Test("trade-delta: one id per pair of periods, whatever version of the delta")
    func deltaIDs() {
        let rules = NotificationRules()
        let a = rules.notifications(for: deltaInput(Fixtures.fdiDelta()))
        let updated = rules.notifications(for: deltaInput(Fixtures.fdiDelta(to: 430e6, percent: 112.3, ratio: 2.123)))
        let other = rules.notifications(
            for: deltaInput(
                Fixtures.fdiDelta(
                    from: 424.5e6, to: 520.5e6, percent: 22.6, ratio: 1.226,
                    fromYear: 2023, toYear: 2024)))
        #expect(a.map(\.id) == updated.map(\.id))
        #expect(a.map(\.id) != other.map(\.id))
    }

    @Test("trade-delta body: amounts, change, basis, articles")
    func deltaBody() throws {
        let n = try #require(NotificationRules().notifications(for: deltaInput(Fixtures.fdiDelta())).first)
        #expect(
            n.body.hasPrefix(
                "FDI inflow between KZ and LU in USD: 2022 202.5 M, 2023 424.5 M. Change: +222 M USD, +109.6 %, ×2.1. Computed from two stated figures."
            ))
        #expect(n.body.contains("0a1b2c3d4e5f6a7b, 8c9d0e1f2a3b4c5d"))
        let inconsistent = try #require(
            NotificationRules().notifications(for: deltaInput(Fixtures.fdiDelta(consistent: false))).first)
        #expect(inconsistent.body.contains("disagree beyond rounding"))
    }

    // MARK: anniversary-milestone

    struct AnniversaryCase: CustomTestStringConvertible, Sendable {
        var name: String
        var anniversary: Anniversary
        var severity: Severity?
        var title: String?
        var testDescription: String { name }
    }

    static let june29 = Day(year: 1992, month: 6, day: 29)!

    static let anniversaryCases: [AnniversaryCase] = [
        AnniversaryCase(
            name: "30th, on the day (seed 003)",
            anniversary: Fixtures.anniversary(ordinal: 30, year: 2022, onPublicationDay: true, baseDate: june29),
            severity: .notice,
            title:
                "Today: 30th anniversary of diplomatic relations between Kazakhstan and Luxembourg in 2022 (since 1992-06-29)"
        ),
        AnniversaryCase(
            name: "31st on the publication day (seed 001)",
            anniversary: Fixtures.anniversary(ordinal: 31, year: 2023, onPublicationDay: true, baseDate: june29),
            severity: .notice,
            title:
                "Today: 31st anniversary of diplomatic relations between Kazakhstan and Luxembourg in 2023 (since 1992-06-29)"
        ),
        AnniversaryCase(
            name: "near miss: 31st, not on the day, next milestone 4 years away (seed 000)",
            anniversary: Fixtures.anniversary(ordinal: 31, year: 2023), severity: nil),
        AnniversaryCase(
            name: "near miss: 33rd, next milestone 2 years away",
            anniversary: Fixtures.anniversary(ordinal: 33, year: 2025), severity: nil),
        AnniversaryCase(
            name: "34th: the 35th is next year",
            anniversary: Fixtures.anniversary(ordinal: 34, year: 2026, baseDate: june29), severity: .info,
            title:
                "34th anniversary of diplomatic relations between Kazakhstan and Luxembourg in 2026 (since 1992-06-29); the 35th is on 2027-06-29"
        ),
        AnniversaryCase(
            name: "10th of an agreement (seed 002)",
            anniversary: Fixtures.anniversary(
                ordinal: 10, year: 2025, subject: "the EU-Kazakhstan Enhanced Partnership and Cooperation Agreement",
                kind: .agreement),
            severity: .notice,
            title:
                "10th anniversary of the EU-Kazakhstan Enhanced Partnership and Cooperation Agreement in 2025 (since 2015)"
        ),
        AnniversaryCase(
            name: "175th birth anniversary (seed 003)",
            anniversary: Fixtures.anniversary(ordinal: 175, year: 2020, subject: "Abai Kunanbayev", kind: .birth),
            severity: .notice),
        AnniversaryCase(
            name: "near miss: 1st", anniversary: Fixtures.anniversary(ordinal: 1, year: 2024), severity: nil),
        AnniversaryCase(
            name: "near miss: 112th", anniversary: Fixtures.anniversary(ordinal: 112, year: 2024), severity: nil),
    ]

    @Test("anniversary-milestone", arguments: anniversaryCases)
    func anniversaryMilestone(_ c: AnniversaryCase) throws {
        let result = NotificationRules().notifications(for: anniversaryInput(c.anniversary))
        guard let severity = c.severity else {
            #expect(result.isEmpty, "unexpected: \(result.map(\.title))")
            return
        }
        let n = try #require(result.first)
        #expect(result.count == 1)
        #expect(n.rule == "anniversary-milestone")
        #expect(n.kind == "anniversary")
        #expect(n.severity == severity)
        if let title = c.title { #expect(n.title == title) }
        #expect(n.id == AnniversaryMilestoneRule.notificationID(c.anniversary))
        #expect(n.subject == SubjectRef(topic: topics.anniversaries, key: c.anniversary.id, schema: .anniversary))
        #expect(n.createdAt == Fixtures.recordTime)
        #expect(n.body.contains("The next round anniversary, the \(Wording.ordinal(c.anniversary.next.ordinal))"))
    }

    @Test("anniversary-milestone: one id per anniversary and ordinal")
    func anniversaryIDs() throws {
        let rules = NotificationRules()
        let thirtieth = try #require(
            rules.notifications(
                for: anniversaryInput(Fixtures.anniversary(ordinal: 30, year: 2022, onPublicationDay: true))
            ).first)
        let onTheDay = try #require(
            rules.notifications(
                for: anniversaryInput(Fixtures.anniversary(ordinal: 31, year: 2023, onPublicationDay: true))
            ).first)
        let sameYearLater = try #require(
            rules.notifications(
                for: anniversaryInput(
                    Fixtures.anniversary(ordinal: 31, year: 2023, onPublicationDay: true, baseDate: RuleTests.june29))
            ).first)
        // The same event (kind, subject, base year): one anniversary id, one notification per ordinal.
        #expect(Fixtures.anniversary(ordinal: 30, year: 2022).id == Fixtures.anniversary(ordinal: 31, year: 2023).id)
        #expect(thirtieth.id != onTheDay.id)
        #expect(onTheDay.id == sameYearLater.id)
    }

    // MARK: new-figures

    @Test("new-figures: an article with a stated figure")
    func newFigures() throws {
        let article = Fixtures.enriched(figures: [
            Fixtures.figure(),
            Fixtures.figure(.tradeBalance, amount: -19_463_500, year: 2024, derived: true),
            Fixtures.figure(.tradeTurnover, amount: 19_540_000, year: 2024, qualifier: .approximately),
        ])
        let result = NotificationRules().notifications(for: enrichedInput(article))
        let n = try #require(result.first)
        #expect(result.count == 1)
        #expect(n.rule == "new-figures")
        #expect(n.kind == "new_figures")
        #expect(n.severity == .info)
        #expect(
            n.title
                == "New figures: FDI inflow KZ←LU 2022: 202.5 M USD and 1 more (“Kazakhstan and Luxembourg discuss investment”, 2023-06-30)"
        )
        #expect(
            n.body
                == "“Kazakhstan and Luxembourg discuss investment”, published 2023-06-30 (ASTANA, KAZINFORM), states FDI inflow KZ←LU 2022: 202.5 M USD; Trade turnover KZ–LU 2024: about 19.54 M USD. Derived: one figure. Article 5e1f0c2d3b4a6978."
        )
        #expect(n.createdAt == Fixtures.enrichedAt)
        #expect(n.id == StableID.notification(rule: "new-figures", subjectID: article.article.id))
        #expect(n.subject == SubjectRef(topic: topics.enriched, key: article.article.id, schema: .enrichedArticle))
    }

    @Test("new-figures: near misses — only derived figures, no figures")
    func newFiguresNearMisses() {
        let derivedOnly = Fixtures.enriched(figures: [
            Fixtures.figure(.tradeBalance, amount: -19_463_500, derived: true)
        ])
        #expect(NotificationRules().notifications(for: enrichedInput(derivedOnly)).isEmpty)
        #expect(NotificationRules().notifications(for: enrichedInput(Fixtures.enriched(figures: []))).isEmpty)
    }

    @Test("new-figures: one figure, no title; more than ten are counted")
    func newFiguresWording() throws {
        let one = try #require(
            NotificationRules().notifications(
                for: enrichedInput(Fixtures.enriched(title: nil, figures: [Fixtures.figure()]))
            ).first)
        #expect(one.title == "New figures: FDI inflow KZ←LU 2022: 202.5 M USD (2023-06-30)")
        #expect(
            one.body
                == "The article 5e1f0c2d3b4a6978, published 2023-06-30 (ASTANA, KAZINFORM), states FDI inflow KZ←LU 2022: 202.5 M USD. Article 5e1f0c2d3b4a6978."
        )
        let many = (0..<12).map { Fixtures.figure(amount: Double($0 + 1) * 1e6, year: 2000 + $0) }
        let n = try #require(
            NotificationRules().notifications(for: enrichedInput(Fixtures.enriched(figures: many))).first)
        #expect(n.body.contains("; and 2 more."))
    }

    // MARK: Settings and determinism

    @Test("rules can be turned off")
    func disabledRules() {
        let rules = NotificationRules(settings: RuleSettings(enabled: ["new-figures"]))
        #expect(rules.notifications(for: deltaInput(Fixtures.fdiDelta())).isEmpty)
        #expect(rules.notifications(for: anniversaryInput(Fixtures.anniversary(ordinal: 30, year: 2022))).isEmpty)
        #expect(!rules.notifications(for: enrichedInput(Fixtures.enriched(figures: [Fixtures.figure()]))).isEmpty)
    }

    @Test("the same input gives the same notifications, byte for byte")
    func deterministic() throws {
        let inputs = [
            deltaInput(Fixtures.fdiDelta()), anniversaryInput(Fixtures.anniversary(ordinal: 30, year: 2022)),
            enrichedInput(Fixtures.enriched(figures: [Fixtures.figure()])),
        ]
        for input in inputs {
            let a = try NotificationRules().notifications(for: input).map { try AttacheJSON.line($0) }
            let b = try NotificationRules().notifications(for: input).map { try AttacheJSON.line($0) }
            #expect(a == b)
            #expect(a.count == 1)
        }
    }

    // MARK: Wording

    @Test("amounts, percentages and ordinals in words")
    func wording() {
        #expect(Wording.amount(202_500_000) == "202.5 M")
        #expect(Wording.amount(3.5e9) == "3.5 B")
        #expect(Wording.amount(36_500) == "36.5 K")
        #expect(Wording.amount(-19_463_500) == "-19.46 M")
        #expect(Wording.amount(950) == "950")
        #expect(Wording.signedAmount(222e6) == "+222 M")
        #expect(Wording.percent(109.62962) == "109.6 %")
        #expect(Wording.percent(-38) == "38 %")
        #expect(
            [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31, 101, 111, 112, 175].map(Wording.ordinal)
                == [
                    "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "31st", "101st",
                    "111th", "112th", "175th",
                ])
        #expect(Wording.pair(Series(metric: .exports, reporter: "KZ", partner: "LU", currency: "USD")) == "KZ→LU")
        #expect(Wording.pair(Series(metric: .imports, reporter: "KZ", partner: "EU", currency: "USD")) == "KZ←EU")
        #expect(Wording.pair(Series(metric: .tradeTurnover, reporter: "KZ", partner: "EU", currency: "USD")) == "KZ–EU")
    }
}
