import AttacheKafka
import AttacheModels
import AttacheTesting
import Foundation
import Testing

@testable import Notifier

/// A poison-record campaign over the notifier's three input topics, without Kafka: valid
/// records mutated (extreme numbers, wrong types, missing fields, huge texts, garbage) with a
/// fixed seed, each read, ruled, routed, worded and encoded as the service does. A trap
/// anywhere crashes the test process; every record must come out usable or invalid with a
/// reason, never anything else.
@Suite("Notifier input: a poison-record campaign")
struct PoisonTests {
    nonisolated(unsafe) static let extremes: [Any] = [
        Int.min, Int.max, -1, 0, 1, 1001, 9999, 10000, -9_223_372_036_854_775_807, 1e308, -1e308, 1e18, 1.0000001e18,
        5e-324,
        "", String(repeating: "x", count: 70_000), "1992-06-29", "0000-00-00", "9999-12-31", "null", true, NSNull(),
        [Any](), [String: Any](),
    ]

    /// Replaces one value somewhere in a JSON object (or removes a key, or changes a type).
    static func mutate(_ object: Any, using rng: inout SeededGenerator) -> Any {
        if var dictionary = object as? [String: Any], !dictionary.isEmpty {
            let key = dictionary.keys.sorted()[Int.random(in: 0..<dictionary.count, using: &rng)]
            switch Int.random(in: 0..<10, using: &rng) {
            case 0: dictionary[key] = nil
            case 1...4: dictionary[key] = extremes[Int.random(in: 0..<extremes.count, using: &rng)]
            default: dictionary[key] = mutate(dictionary[key]!, using: &rng)
            }
            return dictionary
        }
        if var array = object as? [Any], !array.isEmpty {
            let index = Int.random(in: 0..<array.count, using: &rng)
            array[index] = mutate(array[index], using: &rng)
            return array
        }
        return extremes[Int.random(in: 0..<extremes.count, using: &rng)]
    }

    @Test("10,000 mutated records on the three topics: no trap, each one usable or invalid with a reason")
    func campaign() async throws {
        let topics = Topics()
        let reader = InputReader(topics: topics)
        let rules = NotificationRules()
        let router = Router(routes: [
            Route(match: RouteMatch(partners: ["LU"], minPercent: 10), receivers: ["a"], continue: true),
            Route(receivers: ["b"]),
        ])
        let attache = WebhookSink(
            settings: WebhookSettings(
                url: URL(string: "https://hooks.example.org/x")!,
                secrets: [WebhookSecret(key: [1, 2, 3])]), name: "a")
        let slack = WebhookSink(
            settings: WebhookSettings(url: URL(string: "https://hooks.example.org/y")!, format: .slack), name: "b")
        let seeds: [(String, [UInt8])] = [
            (
                topics.anniversaries,
                try AttacheJSON.encode(
                    Fixtures.anniversary(
                        ordinal: 30, year: 2022, onPublicationDay: true,
                        baseDate: Day(year: 1992, month: 6, day: 29)))
            ),
            (topics.deltas, try AttacheJSON.encode(Fixtures.fdiDelta())),
            (
                topics.enriched,
                try AttacheJSON.encode(
                    Fixtures.enriched(figures: [Fixtures.figure(), Fixtures.figure(.exports, amount: 36_500)]))
            ),
        ]
        var rng = SeededGenerator(seed: 20_251_020)
        var usable = 0
        var invalid: [String: Int] = [:]
        for round in 0..<10_000 {
            // A long loop: let the other tests' tasks run on this cooperative thread too.
            if round % 20 == 0 { await Task.yield() }
            let (topic, bytes) = seeds[round % seeds.count]
            var value: [UInt8]
            if round % 50 == 49 {
                value = (0..<Int.random(in: 0..<64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            } else {
                var object = try JSONSerialization.jsonObject(with: Data(bytes))
                for _ in 0...Int.random(in: 0..<3, using: &rng) { object = PoisonTests.mutate(object, using: &rng) }
                value = Array(
                    (try? JSONSerialization.data(withJSONObject: object, options: [.fragmentsAllowed]))
                        ?? Data("{".utf8))
            }
            let timestamps: [Int64?] = [nil, Int64.max, Int64.min, -1, 1_760_000_000_000]
            let message = KafkaMessage(
                topic: topic, partition: 0, offset: Int64(round), key: Array("k".utf8), value: value, headers: [],
                timestampMs: timestamps[round % timestamps.count])
            switch reader.read(message) {
            case .tombstone:
                Issue.record("a value read as a tombstone")
            case .invalid(let reason, let detail):
                invalid[reason, default: 0] += 1
                #expect(detail.contains("partition 0 offset \(round)"))
                _ = try AttacheJSON.encode(InvalidRecord(reason: reason, detail: detail, message: message, at: Date()))
            case .input(let input):
                usable += 1
                for notification in rules.notifications(for: input) {
                    _ = router.receivers(for: RouteFacts.of(input, rule: notification.rule))
                    _ = try AttacheJSON.encode(notification)
                    _ = try attache.request(for: notification)
                    _ = try slack.request(for: notification)
                    _ = ConsoleSink.line(for: notification)
                }
            }
        }
        print(
            "poison campaign: 10000 records, \(usable) usable, invalid by reason \(invalid.sorted { $0.key < $1.key })")
        #expect(usable > 0 && invalid.values.reduce(0, +) > 0)
    }
}
