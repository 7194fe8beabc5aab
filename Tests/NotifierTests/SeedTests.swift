import AttacheKafka
import AttacheModels
import AttacheRuntime
import AttacheTesting
import Foundation
import Notifier
import Testing

/// The notifications of the five seeds, as `attache demo` shows them.
@Suite("Notifications of the seeds")
struct SeedTests {
    let topics = Topics()

    /// The records enrichment publishes for the seeds, in publication order: each enriched
    /// article, then its deltas (keyed by series) and anniversaries (keyed by id).
    func seedRecords() throws -> [OutgoingRecord] {
        var records: [OutgoingRecord] = []
        for article in try SeedRecords.enriched().sorted(by: { $0.article.published < $1.article.published }) {
            records.append(try enrichedRecord(article))
            records += try article.deltas.map { try deltaRecord($0) }
            records += try article.anniversaries.map { try anniversaryRecord($0) }
        }
        return records
    }

    /// What the rules give for the seed records, by id.
    func expectedNotifications() throws -> [String: Notification] {
        let rules = NotificationRules()
        var result: [String: Notification] = [:]
        for record in try seedRecords() {
            let value = record.value ?? []
            let key = String(decoding: record.key ?? [], as: UTF8.self)
            let input: RuleInput.Record
            switch record.topic {
            case topics.enriched: input = .enriched(try AttacheJSON.decode(EnrichedArticle.self, from: value))
            case topics.deltas: input = .delta(try AttacheJSON.decode(TradeDelta.self, from: value))
            default: input = .anniversary(try AttacheJSON.decode(Anniversary.self, from: value))
            }
            for n in rules.notifications(
                for: RuleInput(input, topic: record.topic, key: key, recordTime: Fixtures.recordTime))
            where result[n.id] == nil {
                result[n.id] = n
            }
        }
        return result
    }

    @Test("the rules over the seeds: 3 articles with figures, 6 deltas, 5 anniversaries")
    func rules() throws {
        let notifications = Array(try expectedNotifications().values)
        let byRule = Dictionary(grouping: notifications, by: \.rule).mapValues(\.count)
        #expect(byRule == ["new-figures": 3, "trade-delta": 6, "anniversary-milestone": 5])
        let titles = Set(notifications.map(\.title))
        for title in [
            "FDI inflow KZ←LU rose 109.6 % from 2022 to 2023 (202.5 M → 424.5 M USD)",
            "FDI inflow KZ←LU rose 22.6 % from 2023 to 2024 (424.5 M → 520.5 M USD)",
            "Trade turnover KZ–EU rose 38 % from 2021 to 2022 (28.91 B → 39.9 B USD)",
            "Trade turnover KZ–LU rose 150 % from 2021 to 2022",
            "Today: 30th anniversary of diplomatic relations between Kazakhstan and Luxembourg in 2022 (since 1992-06-29)",
            "Today: 31st anniversary of diplomatic relations between Kazakhstan and Luxembourg in 2023 (since 1992-06-29)",
            "175th anniversary of Abai Kunanbayev in 2020 (since 1845)",
        ] {
            #expect(titles.contains(title), "missing: \(title)\nhave: \(titles.sorted().joined(separator: "\n"))")
        }
        // Seed 000's 31st (not on its day, the 35th four years away) notifies nothing of its own.
        #expect(!titles.contains { $0.hasPrefix("31st anniversary") })
    }

    @Test("the service over the seeds delivers each notification once, as the demo prints them")
    func service() async throws {
        let broker = try brokerWithTopics()
        try await publish(try seedRecords(), to: broker)
        let expected = try expectedNotifications()
        let lines = LockedLines()
        let group = unique("notifier-seeds")
        let running = try RunningNotifier(
            broker: broker, group: group, sinks: [ConsoleSink(write: { lines.append($0) })])
        try await running.waitReady()
        let delivered = try await running.waitDelivered(expected.count)
        #expect(try await waitCommitted(group: group, topics: inputTopics(), broker: broker))
        try await running.stop()
        #expect(delivered.count == expected.count)
        #expect(Set(delivered.map(\.id)) == Set(expected.keys))
        #expect(Set(lines.all) == Set(expected.values.map { ConsoleSink.line(for: $0) + "\n" }))
        if ProcessInfo.processInfo.environment["NOTIFIER_TEST_PRINT"] != nil { print(lines.all.joined()) }
    }
}
