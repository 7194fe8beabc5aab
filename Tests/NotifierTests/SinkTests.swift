import AttacheModels
import AttacheRuntime
import AttacheTesting
import Foundation
import Notifier
import Testing

/// Sinks, configuration and the retry policy, without Kafka.
@Suite("Sinks, configuration, retries")
struct SinkTests {
    static let sample: Notification = {
        let rules = NotificationRules()
        return rules.notifications(
            for: RuleInput(
                .delta(Fixtures.fdiDelta()), topic: "trade.deltas",
                key: Fixtures.fdi.id, recordTime: Fixtures.recordTime))[0]
    }()

    static let other: Notification = {
        NotificationRules().notifications(
            for: RuleInput(
                .anniversary(Fixtures.anniversary(ordinal: 30, year: 2022)), topic: "anniversaries",
                key: "k", recordTime: Fixtures.recordTime))[0]
    }()

    @Test("console: one readable line per notification")
    func console() async throws {
        let lines = LockedLines()
        let sink = ConsoleSink(write: { lines.append($0) })
        try await sink.deliver(SinkTests.sample)
        #expect(
            lines.all == [
                "[notice] trade-delta \(SinkTests.sample.id): FDI inflow KZ←LU rose 109.6 % from 2022 to 2023 (202.5 M → 424.5 M USD)\n"
            ])
        #expect(sink.name == "console")
    }

    @Test("file: JSON lines, an id already in the file is not written again, also after reopening")
    func file() async throws {
        let path = temporaryPath("notifications.jsonl")
        let sink = FileSink(path: path)
        try await sink.deliver(SinkTests.sample)
        try await sink.deliver(SinkTests.sample)
        try await sink.deliver(SinkTests.other)
        #expect(try fileNotifications(path) == [SinkTests.sample, SinkTests.other])
        let reopened = FileSink(path: path)
        try await reopened.deliver(SinkTests.sample)
        #expect(try fileNotifications(path).count == 2)
        #expect(try await reopened.storedIDs() == [SinkTests.sample.id, SinkTests.other.id])
    }

    @Test("file: a line cut short by a crash is not a delivery, and the next line starts on its own")
    func fileAfterCrash() async throws {
        let path = temporaryPath("cut.jsonl")
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let cut = String(try AttacheJSON.line(SinkTests.sample).prefix(40))
        try cut.write(toFile: path, atomically: true, encoding: .utf8)
        try await FileSink(path: path).deliver(SinkTests.sample)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(try AttacheJSON.decode(Notification.self, from: Array(lines[1].utf8)) == SinkTests.sample)
    }

    @Test("webhook: request method, headers and body")
    func webhookRequest() throws {
        let sink = WebhookSink(
            url: URL(string: "https://hooks.example.com:8443/services/T0/B0/secret")!, token: "s3cret")
        let request = try sink.request(for: SinkTests.sample)
        #expect(request.httpMethod == "POST")
        #expect(request.value(forHTTPHeaderField: "Idempotency-Key") == SinkTests.sample.id)
        #expect(request.value(forHTTPHeaderField: "Content-Type") == "application/json")
        #expect(request.value(forHTTPHeaderField: "Authorization") == "Bearer s3cret")
        #expect(try AttacheJSON.decode(Notification.self, from: Array(request.httpBody ?? Data())) == SinkTests.sample)
        #expect(sink.name == "webhook:hooks.example.com:8443")
        let anonymous = try WebhookSink(url: URL(string: "http://127.0.0.1:9/x")!).request(for: SinkTests.sample)
        #expect(anonymous.value(forHTTPHeaderField: "Authorization") == nil)
    }

    @Test(
        "webhook: 2xx accepted; 4xx permanent except 408 and 429; the rest transient",
        arguments: [
            (200, "ok"), (201, "ok"), (204, "ok"), (400, "permanent"), (401, "permanent"), (404, "permanent"),
            (410, "permanent"),
            (408, "transient"), (429, "transient"), (500, "transient"), (502, "transient"), (503, "transient"),
            (302, "transient"), (307, "transient"),
            (303, "transient"), (301, "permanent"), (308, "permanent"),
        ])
    func classify(status: Int, expected: String) {
        do {
            try WebhookSink.classify(status: status)
            #expect(expected == "ok")
        } catch let error as SinkError {
            #expect(expected == (error.isPermanent ? "permanent" : "transient"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("webhook: an unreachable endpoint is a transient failure")
    func webhookUnreachable() async throws {
        let server = try await WebhookReceiver()
        let url = server.url
        await server.stop()
        let sink = WebhookSink(url: url, timeout: 2)
        await #expect(throws: SinkError.self) { try await sink.deliver(SinkTests.sample) }
        do {
            try await sink.deliver(SinkTests.sample)
        } catch let error as SinkError {
            #expect(!error.isPermanent)
            #expect(!error.description.contains("secret-path"))
        }
    }

    @Test("webhook against a local server: headers arrive, statuses are classified")
    func webhookRoundTrip() async throws {
        let server = try await WebhookReceiver(status: { request, _ in
            request.idempotencyKey == SinkTests.other.id ? 422 : 200
        })
        let sink = WebhookSink(url: server.url, token: "t0ken", timeout: 5)
        try await sink.deliver(SinkTests.sample)
        await #expect(throws: SinkError.permanent("HTTP 422")) { try await sink.deliver(SinkTests.other) }
        let first = try #require(server.requests.first)
        #expect(first.method == "POST")
        #expect(first.path == "/hooks/secret-path")
        #expect(first.idempotencyKey == SinkTests.sample.id)
        #expect(first.headers["content-type"] == "application/json")
        #expect(first.headers["authorization"] == "Bearer t0ken")
        #expect(try AttacheJSON.decode(Notification.self, from: Array(first.body)) == SinkTests.sample)
        #expect(first.webhookID == SinkTests.sample.id)
        #expect(first.headers["webhook-signature"] == nil)
        await server.stop()
    }

    @Test("webhook: no answer within the timeout is a transient failure")
    func webhookTimeout() async throws {
        let server = try await WebhookReceiver { _, seen in seen == 0 ? Reply(status: 200, delay: .seconds(3)) : .ok }
        let sink = WebhookSink(url: server.url, timeout: 1)
        do {
            try await sink.deliver(SinkTests.sample)
            Issue.record("a request without an answer was accepted")
        } catch let error as SinkError {
            #expect(!error.isPermanent)
        }
        await server.stop()
    }

    @Test("sinks from the environment: console by default, file, webhooks, token never shown")
    func environment() throws {
        let none = try SinkConfiguration(environment: [:])
        #expect(none.console && none.filePath == nil && none.webhooks.isEmpty)
        #expect(none.makeSinks().map(\.name) == ["console"])
        let env = [
            "ATTACHE_NOTIFY_CONSOLE": "off", "ATTACHE_NOTIFY_FILE": "/tmp/n.jsonl",
            "ATTACHE_NOTIFY_WEBHOOKS":
                "https://a.example.com/x/secret, https://b.example.com:8080/y,https://a.example.com/z",
            "ATTACHE_NOTIFY_WEBHOOK_TOKEN": "tok-123", "ATTACHE_NOTIFY_WEBHOOK_TIMEOUT_MS": "2500",
        ]
        let config = try SinkConfiguration(environment: env)
        #expect(!config.console)
        #expect(config.filePath == "/tmp/n.jsonl")
        #expect(config.webhooks.count == 3)
        #expect(config.webhookToken == "tok-123")
        #expect(config.webhookTimeout == 2.5)
        #expect(
            config.makeSinks().map(\.name) == [
                "file", "webhook:a.example.com", "webhook:b.example.com:8080", "webhook:a.example.com#2",
            ])
        #expect(try NotifierService.sinks(fromEnvironment: env).count == 4)
        #expect(try SinkConfiguration.fromEnvironment(env) == config)
        #expect(!config.logDescription.contains("tok-123"))
        #expect(!config.logDescription.contains("secret"))
        #expect(config.logDescription.contains("[redacted]"))
        #expect(throws: OptionsError.self) { try SinkConfiguration(environment: ["ATTACHE_NOTIFY_CONSOLE": "maybe"]) }
        #expect(throws: OptionsError.self) {
            try SinkConfiguration(environment: ["ATTACHE_NOTIFY_WEBHOOKS": "ftp://x.example.com/"])
        }
        // A token or a secret needs https, unless the host is loopback.
        #expect(throws: OptionsError.self) {
            try SinkConfiguration(environment: [
                "ATTACHE_NOTIFY_WEBHOOKS": "http://b.example.com/y", "ATTACHE_NOTIFY_WEBHOOK_TOKEN": "t",
            ])
        }
        #expect(throws: OptionsError.self) {
            try SinkConfiguration(environment: [
                "ATTACHE_NOTIFY_WEBHOOKS": "http://b.example.com/y",
                "ATTACHE_NOTIFY_WEBHOOK_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            ])
        }
        #expect(throws: Never.self) {
            try SinkConfiguration(environment: [
                "ATTACHE_NOTIFY_WEBHOOKS": "http://127.0.0.1:9/y,http://localhost:9/z,http://[::1]:9/",
                "ATTACHE_NOTIFY_WEBHOOK_TOKEN": "t",
            ])
        }
        #expect(throws: Never.self) {
            try SinkConfiguration(environment: ["ATTACHE_NOTIFY_WEBHOOKS": "http://b.example.com/y"])
        }
        // A bad secret is an error that does not quote it.
        do {
            _ = try SinkConfiguration(environment: [
                "ATTACHE_NOTIFY_WEBHOOKS": "https://b.example.com/y",
                "ATTACHE_NOTIFY_WEBHOOK_SECRET": "whsec_not-base64!",
            ])
            Issue.record("a bad secret was accepted")
        } catch let error as OptionsError {
            #expect(!error.description.contains("not-base64"))
        }
        let rotating = try SinkConfiguration(environment: [
            "ATTACHE_NOTIFY_WEBHOOKS": "https://b.example.com/y",
            "ATTACHE_NOTIFY_WEBHOOK_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw whsec_c2Vjb25k",
        ])
        #expect(rotating.webhookSecrets.count == 2)
        #expect(!rotating.logDescription.contains("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
    }

    @Test("settings from the environment")
    func settings() throws {
        let defaults = try NotifierSettings.fromEnvironment([:])
        #expect(defaults == NotifierSettings())
        #expect(defaults.retry == RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(500), maxDelay: .seconds(30)))
        let s = try NotifierSettings(environment: [
            "ATTACHE_NOTIFY_MAX_ATTEMPTS": "3", "ATTACHE_NOTIFY_BACKOFF_MS": "20",
            "ATTACHE_NOTIFY_BACKOFF_MAX_MS": "100", "ATTACHE_NOTIFY_DELTA_THRESHOLD": "25",
            "ATTACHE_NOTIFY_RULES": "trade-delta", "ATTACHE_NOTIFY_DEAD_LETTER_TOPIC": "dlq",
        ])
        #expect(s.retry == RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(20), maxDelay: .milliseconds(100)))
        #expect(s.rules == RuleSettings(deltaThresholdPercent: 25, enabled: ["trade-delta"]))
        #expect(s.deadLetterTopic == "dlq")
        #expect(throws: OptionsError.self) { try NotifierSettings(environment: ["ATTACHE_NOTIFY_MAX_ATTEMPTS": "0"]) }
        #expect(throws: OptionsError.self) { try NotifierSettings(environment: ["ATTACHE_NOTIFY_RULES": "everything"]) }
        #expect(Topics(prefix: "staging.").notificationsDead == "staging.notifications.dead")
    }

    @Test("backoff: exponential ceilings up to the cap, full jitter within them")
    func backoff() {
        let policy = RetryPolicy(maxAttempts: 6, baseDelay: .milliseconds(100), maxDelay: .milliseconds(1000))
        #expect(
            (1...6).map { policy.ceiling(beforeRetry: $0) }
                == [100, 200, 400, 800, 1000, 1000].map { Duration.milliseconds($0) })
        #expect(policy.delay(beforeRetry: 3, unit: 0) == .zero)
        #expect(policy.delay(beforeRetry: 3, unit: 1) == .milliseconds(400))
        #expect(policy.delay(beforeRetry: 2, unit: 0.5) == .milliseconds(100))
        for retry in 1...6 {
            let delay = policy.delay(beforeRetry: retry)
            #expect(delay >= .zero && delay <= policy.ceiling(beforeRetry: retry))
        }
        #expect(RetryPolicy(maxAttempts: 0).maxAttempts == 1)
    }

    @Test("service: sinks need distinct names; brokers and group are required")
    func serviceValidation() {
        let options = ServiceOptions(brokers: "127.0.0.1:9", groupID: "g")
        #expect(throws: OptionsError.self) {
            try NotifierService(
                options: options, sinks: [RecordingSink(name: "a"), RecordingSink(name: "a")], logger: testLogger,
                metrics: Metrics(), health: Health())
        }
        #expect(throws: OptionsError.self) {
            try NotifierService(
                options: ServiceOptions(brokers: "", groupID: "g"), sinks: [], logger: testLogger, metrics: Metrics(),
                health: Health())
        }
        #expect(throws: Never.self) {
            try NotifierService(
                options: options, sinks: [ConsoleSink()], logger: testLogger, metrics: Metrics(), health: Health())
        }
    }
}

/// Lines written by a console sink under test.
final class LockedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
