import AttacheKafka
import AttacheModels
import AttacheRuntime
import AttacheTesting
import Foundation
import Notifier
import Testing

/// The scenarios of docs/notifier.md over the embedded broker and a real HTTP receiver:
/// a receiver answering 503, a notifier killed and restarted, a receiver restarting, a slow
/// receiver while another keeps receiving, redirects, poison records, redrive. Each prints
/// its counts: delivered, retried, dead-lettered, duplicated.
@Suite("Notifier scenarios: 503, restarts, slow receivers, redirects, poison, redrive")
struct ScenarioTests {
    let topics = Topics()

    static func anniversaries(_ count: Int, tag: String) -> [Anniversary] {
        (0..<count).map { Fixtures.anniversary(ordinal: 30, year: 2022, subject: "relations \(tag) number \($0)") }
    }

    /// Per id, accepted more than once.
    static func duplicates(_ receiver: WebhookReceiver) -> Int {
        receiver.acceptedCounts.values.reduce(0) { $0 + max(0, $1 - 1) }
    }

    static func report(_ name: String, delivered: Int, retried: Double, dead: Int, duplicated: Int) {
        print(
            "scenario \(name): delivered \(delivered), retried \(Int(retried)), dead-lettered \(dead), duplicated \(duplicated)"
        )
    }

    @Test(
        "503: each notification answered 503 twice, three always: retried, then dead-lettered; redrive delivers them once"
    )
    func serviceUnavailable() async throws {
        let broker = try brokerWithTopics()
        let records = ScenarioTests.anniversaries(30, tag: "503")
        let doomed = Set(records.suffix(3).map(AnniversaryMilestoneRule.notificationID))
        let recovered = LockedFlag()
        let receiver = try await WebhookReceiver(status: { request, seen in
            if doomed.contains(request.webhookID ?? "") && !recovered.value { return 503 }
            return seen < 2 ? 503 : 200
        })
        let group = unique("notifier")
        let sink = WebhookSink(settings: WebhookSettings(url: receiver.url), name: "ops")
        let retry = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(20), maxDelay: .milliseconds(100))
        let running = try RunningNotifier(broker: broker, group: group, sinks: [sink], retry: retry)
        try await running.waitReady()
        try await publish(try records.map { try anniversaryRecord($0) }, to: broker)
        try await running.waitDelivered(27, timeout: .seconds(60))
        #expect(try await waitCommitted(group: group, topics: inputTopics(), broker: broker, timeout: .seconds(60)))
        try await running.stop()
        let retried = running.metrics.value("attache_notifier_retries_total", labels: ["receiver": "ops"])
        let dead = try await readAll(topics.notificationsDead, broker: broker)
        #expect(dead.count == 3)
        #expect(Set(dead.compactMap(\.keyText)) == doomed)
        #expect(retried == 27 * 2 + 3 * 3)
        #expect(ScenarioTests.duplicates(receiver) == 0)

        // The receiver recovers; redrive sends the three dead letters once; a second redrive none.
        recovered.value = true
        let options = ServiceOptions(brokers: broker.bootstrapServers, httpHost: "127.0.0.1", groupID: group)
        let configuration = NotifierConfiguration(receivers: [
            ReceiverSpec(name: "ops", kind: .webhook(WebhookSettings(url: receiver.url)))
        ])
        let redrive = Redrive(
            options: options, configuration: configuration, settings: NotifierSettings(retry: retry), logger: testLogger
        )
        let first = try await redrive.run()
        #expect(first.delivered == 3 && first.failed == 0 && first.alreadyDelivered == 0)
        let second = try await redrive.run(receiver: "ops")
        #expect(second.delivered == 0 && second.alreadyDelivered == 3)
        #expect(try await redrive.run(receiver: "nobody").letters == 0)
        #expect(receiver.acceptedCounts.count == 30)
        #expect(ScenarioTests.duplicates(receiver) == 0)
        let listed = try await NotificationHistory.read(options: options)
        #expect(listed.count == 30)
        #expect(listed.allSatisfy { $0.states["ops"].map { if case .delivered = $0 { true } else { false } } ?? false })
        ScenarioTests.report(
            "503", delivered: receiver.acceptedCounts.count, retried: retried, dead: dead.count,
            duplicated: ScenarioTests.duplicates(receiver))
        await receiver.stop()
    }

    @Test(
        "a notifier killed mid-stream and restarted while the receiver restarts: nothing lost, duplicates only from the deliveries in flight at the kill"
    )
    func killedAndRestarted() async throws {
        let broker = try brokerWithTopics()
        let records = ScenarioTests.anniversaries(40, tag: "kill")
        let receiver = try await WebhookReceiver(reply: { _, _ in Reply(status: 200, delay: .milliseconds(300)) })
        let group = unique("notifier")
        let settings = NotifierSettings(
            retry: RetryPolicy(maxAttempts: 40, baseDelay: .milliseconds(50), maxDelay: .milliseconds(300)),
            maxInFlight: 2)
        let first = try RunningNotifier(
            broker: broker, group: group,
            sinks: [WebhookSink(settings: WebhookSettings(url: receiver.url), name: "ops")],
            settings: settings)
        try await first.waitReady()
        try await publish(try records.map { try anniversaryRecord($0) }, to: broker)
        try await first.waitDelivered(10, timeout: .seconds(60))
        try await first.halt()
        let acceptedAtKill = receiver.acceptedCounts.count

        // The receiver goes away for a while and comes back on the same port.
        await receiver.stop()
        let second = try RunningNotifier(
            broker: broker, group: group,
            sinks: [WebhookSink(settings: WebhookSettings(url: receiver.url), name: "ops")],
            settings: settings)
        try await second.waitReady()
        try await Task.sleep(for: .milliseconds(1500))
        try await receiver.restart()
        #expect(try await waitCommitted(group: group, topics: inputTopics(), broker: broker, timeout: .seconds(90)))
        try await second.stop()
        let ids = Set(records.map(AnniversaryMilestoneRule.notificationID))
        #expect(
            Set(receiver.acceptedCounts.keys) == ids, "lost: \(ids.subtracting(receiver.acceptedCounts.keys).count)")
        let duplicated = ScenarioTests.duplicates(receiver)
        #expect(duplicated <= 2, "more duplicates than deliveries in flight at the kill")
        #expect(acceptedAtKill < records.count, "everything was delivered before the kill")
        let retried =
            first.metrics.value("attache_notifier_retries_total", labels: ["receiver": "ops"])
            + second.metrics.value("attache_notifier_retries_total", labels: ["receiver": "ops"])
        #expect(retried > 0, "the receiver was down: retries expected")
        let dead = try await readAll(topics.notificationsDead, broker: broker).count
        #expect(dead == 0)
        print("scenario kill: \(acceptedAtKill) accepted before the kill")
        ScenarioTests.report(
            "kill-and-restart", delivered: receiver.acceptedCounts.count, retried: retried, dead: dead,
            duplicated: duplicated)
        await receiver.stop()
    }

    @Test(
        "attache serve notifier SIGKILLed mid-stream and started again: nothing lost, duplicates only from what was in flight, every delivery signed"
    )
    func sigkill() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let binary = root.appendingPathComponent(".build/debug/attache").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            try Test.cancel("skipped: \(binary) is not built (swift build --build-tests builds it)")
        }
        let broker = try brokerWithTopics()
        let records = ScenarioTests.anniversaries(40, tag: "sigkill")
        let receiver = try await WebhookReceiver(reply: { _, _ in Reply(status: 200, delay: .milliseconds(300)) })
        let secret = WebhookSecret(key: Array("a signing key for the sigkill test".utf8))
        let group = unique("notifier")
        try await publish(try records.map { try anniversaryRecord($0) }, to: broker)
        let environment = ProcessInfo.processInfo.environment.merging([
            "ATTACHE_BROKERS": broker.bootstrapServers, "ATTACHE_GROUP_ID": group, "ATTACHE_HTTP_PORT": "0",
            "ATTACHE_HTTP_HOST": "127.0.0.1",
            "ATTACHE_NOTIFY_CONSOLE": "off", "ATTACHE_NOTIFY_WEBHOOKS": receiver.url.absoluteString,
            "ATTACHE_NOTIFY_WEBHOOK_SECRET": secret.text, "ATTACHE_NOTIFY_MAX_IN_FLIGHT": "2",
            "ATTACHE_NOTIFY_BACKOFF_MS": "50",
            "ATTACHE_NOTIFY_MAX_ATTEMPTS": "40", "ATTACHE_LOG_LEVEL": "error", "ATTACHE_NOTIFY_CONFIG": "",
        ]) { $1 }
        func start() throws -> Process {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["serve", "notifier"]
            process.environment = environment
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            return process
        }
        let first = try start()
        let deadline = ContinuousClock.now + .seconds(60)
        while receiver.acceptedCounts.count < 10, ContinuousClock.now < deadline, first.isRunning {
            try await Task.sleep(for: .milliseconds(20))
        }
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let acceptedAtKill = receiver.acceptedCounts.count
        #expect(acceptedAtKill >= 10 && acceptedAtKill < records.count)
        let second = try start()
        #expect(try await waitCommitted(group: group, topics: inputTopics(), broker: broker, timeout: .seconds(90)))
        second.terminate()
        second.waitUntilExit()
        #expect(second.terminationStatus == 0)
        let ids = Set(records.map(AnniversaryMilestoneRule.notificationID))
        #expect(
            Set(receiver.acceptedCounts.keys) == ids, "lost: \(ids.subtracting(receiver.acceptedCounts.keys).count)")
        let duplicated = ScenarioTests.duplicates(receiver)
        #expect(duplicated <= 2, "more duplicates than deliveries in flight at the kill")
        for request in receiver.requests {
            let timestamp = Int64(request.headers["webhook-timestamp"] ?? "") ?? 0
            #expect(
                WebhookSignature.verify(
                    header: request.headers["webhook-signature"] ?? "", id: request.webhookID ?? "",
                    timestamp: timestamp, body: Array(request.body), secrets: [secret]))
        }
        print("scenario sigkill: \(acceptedAtKill) accepted before the kill")
        ScenarioTests.report(
            "sigkill-and-restart", delivered: receiver.acceptedCounts.count, retried: 0,
            dead: try await readAll(topics.notificationsDead, broker: broker).count, duplicated: duplicated)
        await receiver.stop()
    }

    @Test("a notifier stopped gracefully mid-stream and restarted: nothing lost, nothing twice")
    func stoppedAndRestarted() async throws {
        let broker = try brokerWithTopics()
        let records = ScenarioTests.anniversaries(30, tag: "stop")
        let receiver = try await WebhookReceiver(reply: { _, _ in Reply(status: 200, delay: .milliseconds(50)) })
        let group = unique("notifier")
        let first = try RunningNotifier(
            broker: broker, group: group,
            sinks: [WebhookSink(settings: WebhookSettings(url: receiver.url), name: "ops")])
        try await first.waitReady()
        try await publish(try records.map { try anniversaryRecord($0) }, to: broker)
        try await first.waitDelivered(8, timeout: .seconds(60))
        try await first.stop()
        let second = try RunningNotifier(
            broker: broker, group: group,
            sinks: [WebhookSink(settings: WebhookSettings(url: receiver.url), name: "ops")])
        try await second.waitReady()
        #expect(try await waitCommitted(group: group, topics: inputTopics(), broker: broker, timeout: .seconds(60)))
        try await second.stop()
        #expect(receiver.acceptedCounts.count == 30)
        #expect(ScenarioTests.duplicates(receiver) == 0)
        ScenarioTests.report(
            "graceful-restart", delivered: receiver.acceptedCounts.count, retried: 0, dead: 0,
            duplicated: ScenarioTests.duplicates(receiver))
        await receiver.stop()
    }

    @Test(
        "a receiver backing off longer than max.poll.interval.ms: its partitions pause, the other receiver keeps receiving, the member stays in the group"
    )
    func slowReceiver() async throws {
        let broker = try brokerWithTopics()
        // The slow receiver answers 503 until the test opens it, after the fast one got its
        // deltas and after more than max.poll.interval.ms of backing off.
        let open = LockedFlag()
        let slow = try await WebhookReceiver(status: { _, _ in open.value ? 200 : 503 })
        let fast = try await WebhookReceiver()
        let group = unique("notifier")
        let router = Router(routes: [
            Route(match: RouteMatch(rules: ["anniversary-milestone"]), receivers: ["slow"]),
            Route(match: RouteMatch(rules: ["trade-delta"]), receivers: ["fast"]),
        ])
        let settings = NotifierSettings(
            retry: RetryPolicy(maxAttempts: 1_000, baseDelay: .milliseconds(200), maxDelay: .milliseconds(800)))
        let running = try RunningNotifier(
            broker: broker, group: group,
            sinks: [
                WebhookSink(settings: WebhookSettings(url: slow.url), name: "slow"),
                WebhookSink(settings: WebhookSettings(url: fast.url), name: "fast"),
            ],
            router: router, settings: settings,
            kafka: ["session.timeout.ms": "6000", "max.poll.interval.ms": "6000"])
        try await running.waitReady()
        try await publish(try ScenarioTests.anniversaries(3, tag: "slow").map { try anniversaryRecord($0) }, to: broker)
        let failing = ContinuousClock.now + .seconds(60)
        while slow.requests.count < 3, ContinuousClock.now < failing { try await Task.sleep(for: .milliseconds(20)) }
        let firstFailure = ContinuousClock.now
        #expect(slow.requests.count >= 3)
        let deltas = (0..<4).map { Fixtures.fdiDelta(fromYear: 2010 + $0, toYear: 2011 + $0) }
        try await publish(try deltas.map { try deltaRecord($0) }, to: broker)
        try await running.waitDelivered(4, timeout: .seconds(60))
        // The deltas went to the fast receiver while the slow one was backing off, its partitions paused.
        #expect(fast.acceptedCounts.count == 4)
        #expect(slow.acceptedCounts.isEmpty)
        #expect(running.metrics.value("attache_notifier_pauses_total") >= 1)
        #expect(running.metrics.value("attache_notifier_paused_partitions") >= 1)
        // Back off for longer than max.poll.interval.ms (6 s) before the slow receiver recovers.
        try await Task.sleep(until: firstFailure + .seconds(9))
        open.value = true
        try await running.waitDelivered(7, timeout: .seconds(60))
        // Resumed once the slow receiver accepts again.
        let resumed = ContinuousClock.now + .seconds(10)
        while running.metrics.value("attache_notifier_paused_partitions") > 0, ContinuousClock.now < resumed {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(running.metrics.value("attache_notifier_paused_partitions") == 0)
        #expect(try await waitCommitted(group: group, topics: inputTopics(), broker: broker, timeout: .seconds(30)))
        // One assignment: backing off for longer than max.poll.interval.ms did not cost the membership.
        #expect(running.metrics.value("attache_notifier_assignments_total") == 1)
        #expect(running.health.isAlive)
        try await running.stop()
        #expect(slow.acceptedCounts.count == 3 && ScenarioTests.duplicates(slow) == 0)
        await slow.stop()
        await fast.stop()
    }

    @Test(
        "a stop while a receiver backs off interrupts the delivery (no dead letter, offset not committed); after a restart it is delivered once"
    )
    func stopWhileBackingOff() async throws {
        let broker = try brokerWithTopics()
        let open = LockedFlag()
        let receiver = try await WebhookReceiver(status: { _, _ in open.value ? 200 : 503 })
        let anniversary = Fixtures.anniversary(ordinal: 30, year: 2022, subject: "interrupted relations")
        try await publish([try anniversaryRecord(anniversary)], to: broker)
        let group = unique("notifier")
        let retry = RetryPolicy(maxAttempts: 1_000, baseDelay: .milliseconds(100), maxDelay: .milliseconds(300))
        let first = try RunningNotifier(
            broker: broker, group: group,
            sinks: [WebhookSink(settings: WebhookSettings(url: receiver.url), name: "ops")],
            retry: retry)
        try await first.waitReady()
        let failing = ContinuousClock.now + .seconds(60)
        while receiver.requests.count < 2, ContinuousClock.now < failing {
            try await Task.sleep(for: .milliseconds(20))
        }
        let stopping = ContinuousClock.now
        try await first.stop()
        print("scenario stop-while-backing-off: stopped in \(stopping.duration(to: .now))")
        #expect(try await first.service.backlog() == 1)
        #expect(try await readAll(topics.notificationsDead, broker: broker).isEmpty)
        open.value = true
        let second = try RunningNotifier(
            broker: broker, group: group,
            sinks: [WebhookSink(settings: WebhookSettings(url: receiver.url), name: "ops")],
            retry: retry)
        try await second.waitReady()
        try await second.waitDelivered(1)
        #expect(try await waitCommitted(group: group, topics: inputTopics(), broker: broker))
        try await second.stop()
        #expect(receiver.acceptedCounts == [AnniversaryMilestoneRule.notificationID(anniversary): 1])
        await receiver.stop()
    }

    @Test(
        "redirects are never followed: a 302 or a 307 is a failed attempt; the target gets nothing",
        arguments: [302, 307, 301, 308])
    func redirects(status: Int) async throws {
        let target = try await WebhookReceiver()
        let redirecting = try await WebhookReceiver(reply: { _, _ in
            .redirect(status, to: "http://127.0.0.1:\(target.port)/elsewhere")
        })
        let sink = WebhookSink(
            settings: WebhookSettings(url: redirecting.url, token: "t0ken", timeout: 5), name: "redirecting")
        do {
            try await sink.deliver(SinkTests.sample)
            Issue.record("a \(status) counted as delivered")
        } catch let error as SinkError {
            #expect(error.description.contains("HTTP \(status)") && error.description.contains("redirect"))
            #expect(error.isPermanent == (status == 301 || status == 308))
        }
        try await Task.sleep(for: .milliseconds(300))
        #expect(redirecting.requests.count == 1)
        #expect(target.requests.isEmpty, "the redirect was followed: \(target.requests.map(\.method))")
        await target.stop()
        await redirecting.stop()
    }

    @Test(
        "a poison anniversary (ordinal Int.min on its publication day) is dead-lettered with reason and place; the next record is delivered"
    )
    func poisonRecord() async throws {
        let broker = try brokerWithTopics()
        var poison = Fixtures.anniversary(ordinal: 30, year: 2022, onPublicationDay: true)
        poison.ordinal = Int.min
        var wrongNext = Fixtures.anniversary(ordinal: 31, year: 2023)
        wrongNext.next.year = Int.min
        let good = Fixtures.anniversary(ordinal: 30, year: 2022)
        // Same key: same partition, poison first.
        let records = [
            try OutgoingRecord.json(topic: topics.anniversaries, key: good.id, value: poison, traceparent: nil),
            try OutgoingRecord.json(topic: topics.anniversaries, key: good.id, value: wrongNext, traceparent: nil),
            try anniversaryRecord(good),
        ]
        try await publish(records, to: broker)
        let recording = RecordingSink(name: "ops")
        let group = unique("notifier")
        let running = try RunningNotifier(broker: broker, group: group, sinks: [recording])
        try await running.waitReady()
        try await running.waitDelivered(1)
        #expect(try await waitCommitted(group: group, topics: inputTopics(), broker: broker))
        try await running.stop()
        #expect(recording.received.map(\.id) == [AnniversaryMilestoneRule.notificationID(good)])
        let dead = try await readAll(topics.notificationsDead, broker: broker)
        let invalid = try dead.map { try JSONDecoder.attache.decode(InvalidRecord.self, from: Data($0.value ?? [])) }
        #expect(invalid.count == 2)
        #expect(invalid.allSatisfy { $0.reason == "out_of_range" && $0.topic == topics.anniversaries })
        #expect(invalid.map(\.offset) == [0, 1])
        #expect(invalid[0].detail.contains("ordinal -9223372036854775808"))
        #expect(invalid[1].detail.contains("next.year"))
        #expect(running.health.isAlive)
    }
}

/// A flag shared with a receiver's closure.
final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    var value: Bool {
        get { lock.withLock { flag } }
        set { lock.withLock { flag = newValue } }
    }
}
