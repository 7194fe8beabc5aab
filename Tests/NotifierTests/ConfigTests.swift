import AttacheModels
import AttacheRuntime
import AttacheTesting
import Foundation
import Notifier
import Testing

/// Receivers and routes from YAML, errors that name the line, routing.
@Suite("Notifier configuration file and routes")
struct ConfigTests {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    static let sample = """
        receivers:
          - name: trade-desk
            webhook:
              url: https://hooks.example.org/attache
              secretEnv: TRADE_DESK_SECRET
              format: attache
              timeoutSeconds: 10
              headers: {X-Team: trade}
          - name: chat
            webhook:
              url: https://chat.example.org/services/T0/B0/xyz
              format: slack
          - name: archive
            file: {path: /tmp/attache-archive.jsonl}
          - name: screen
            console: {}
        routes:
          - match: {rules: [trade-delta], partners: [LU, DE], minPercent: 10}
            receivers: [trade-desk]
          - match: {rules: [anniversary-milestone]}
            receivers: [trade-desk]
            continue: true
          - match: {rules: [anniversary-milestone, new-figures]}
            receivers: [chat, archive]
        """

    @Test("the documented shape parses: receivers with their settings, routes in order")
    func parses() throws {
        let config = try ConfigFile.parse(ConfigTests.sample, environment: ["TRADE_DESK_SECRET": ConfigTests.secret])
        #expect(config.receivers.map(\.name) == ["trade-desk", "chat", "archive", "screen"])
        guard case .webhook(let desk) = config.receivers[0].kind else { Issue.record("not a webhook"); return }
        #expect(desk.secrets == [try WebhookSecret(ConfigTests.secret)])
        #expect(desk.headers == ["X-Team": "trade"])
        #expect(desk.timeout == 10 && desk.format == .attache)
        guard case .webhook(let chat) = config.receivers[1].kind else { Issue.record("not a webhook"); return }
        #expect(chat.format == .slack && chat.secrets.isEmpty)
        #expect(config.receivers[2].kind == .file(path: "/tmp/attache-archive.jsonl"))
        #expect(config.receivers[3].kind == .console)
        #expect(config.router.routes.count == 3)
        #expect(config.router.routes[1].continue)
        #expect(config.makeSinks().map(\.name) == ["trade-desk", "chat", "archive", "screen"])
        #expect(!config.logDescription.contains("xyz") && !config.logDescription.contains("MfKQ9r8"))
    }

    @Test("routes: first match wins, continue goes on, partners and minimum percent")
    func routing() throws {
        let router = try ConfigFile.parse(ConfigTests.sample, environment: ["TRADE_DESK_SECRET": ConfigTests.secret])
            .router
        #expect(
            router.receivers(for: RouteFacts(rule: "trade-delta", countries: ["KZ", "LU"], percent: 22.6)) == [
                "trade-desk"
            ])
        #expect(
            router.receivers(for: RouteFacts(rule: "trade-delta", countries: ["KZ", "LU"], percent: -12)) == [
                "trade-desk"
            ])
        #expect(router.receivers(for: RouteFacts(rule: "trade-delta", countries: ["KZ", "LU"], percent: 9.9)).isEmpty)
        #expect(router.receivers(for: RouteFacts(rule: "trade-delta", countries: ["KZ", "FR"], percent: 50)).isEmpty)
        #expect(router.receivers(for: RouteFacts(rule: "trade-delta", countries: ["KZ", "DE"], percent: nil)).isEmpty)
        #expect(
            router.receivers(for: RouteFacts(rule: "anniversary-milestone", countries: ["KZ", "LU"])) == [
                "trade-desk", "chat", "archive",
            ])
        #expect(router.receivers(for: RouteFacts(rule: "new-figures", countries: ["KZ"])) == ["chat", "archive"])
        // Facts from records: a delta's countries and percent, an anniversary's parties.
        let facts = RouteFacts.of(
            RuleInput(.delta(Fixtures.fdiDelta()), topic: "trade.deltas", key: "k", recordTime: Fixtures.recordTime),
            rule: "trade-delta")
        #expect(facts.countries == ["KZ", "LU"])
        #expect(abs((facts.percent ?? 0) - 109.63) < 0.01)
        #expect(Router.everything(to: ["a", "b"]).receivers(for: facts) == ["a", "b"])
    }

    /// (YAML, expected line, words the message must contain)
    static let badFiles: [(String, Int?, String)] = [
        (
            "receivers:\n  - name: a\n    webhook:\n      url: https://x.example.org/\n      secretEnv: MISSING\n", 5,
            "MISSING is not set"
        ),
        (
            "receivers:\n  - name: a\n    webhook:\n      url: http://x.example.org/\n      tokenEnv: TOKEN\n", 4,
            "must use https"
        ),
        (
            "receivers:\n  - name: a\n    webhook:\n      url: https://x.example.org/\n      colour: red\n", 5,
            "unknown field 'colour'"
        ),
        (
            "receivers:\n  - name: a\n    webhook: {url: https://x.example.org/, format: xml}\n", 3,
            "unknown format 'xml'"
        ),
        (
            "receivers:\n  - name: a\n    console: {}\nroutes:\n  - match: {rules: [trade-delta]}\n    receivers: [b]\n",
            5, "unknown receiver 'b'"
        ),
        (
            "receivers:\n  - name: a\n    console: {}\nroutes:\n  - match: {rules: [everything]}\n    receivers: [a]\n",
            5, "unknown rule 'everything'"
        ),
        ("receivers:\n  - name: a\n    console: {}\n  - name: a\n    console: {}\n", 4, "used twice"),
        (
            "receivers:\n  - name: a\n    console: {}\nroutes:\n  - match: {minPercent: lots}\n    receivers: [a]\n", 5,
            "non-negative number"
        ),
        ("receivers:\n  - name: a\n   console: {}\n", 3, "not valid YAML"),
        (
            "receivers:\n  - name: a\n    webhook:\n      url: https://x.example.org/\n      headers: {Webhook-Signature: forged}\n",
            4, "set by the notifier"
        ),
        ("receivers: []\n", 1, "at least one receiver"),
        ("receivers:\n  - name: a\n    file: {}\n", 3, "needs a path"),
        ("", 1, "empty"),
    ]

    @Test("a bad file is an error that names the line", arguments: 0..<ConfigTests.badFiles.count)
    func badFile(index: Int) {
        let (yaml, line, words) = ConfigTests.badFiles[index]
        do {
            _ = try ConfigFile.parse(yaml, path: "notifier.yaml", environment: ["TOKEN": "t"])
            Issue.record("accepted: \(yaml)")
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(error.description.contains(words), "\(error)")
            #expect(error.description.hasPrefix("notifier.yaml:"), "\(error)")
        }
    }

    @Test("secrets from a file; a missing file is named; the environment path stays the quick path")
    func secretsAndEnvironment() throws {
        let path = temporaryPath("secret")
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try "\(ConfigTests.secret)\n".write(toFile: path, atomically: true, encoding: .utf8)
        let yaml = "receivers:\n  - name: a\n    webhook:\n      url: http://127.0.0.1:9/x\n      secretFile: \(path)\n"
        let config = try ConfigFile.parse(yaml)
        guard case .webhook(let settings) = config.receivers[0].kind else { Issue.record("not a webhook"); return }
        #expect(settings.secrets.count == 1)
        #expect(throws: ConfigFileError.self) {
            try ConfigFile.parse(yaml.replacingOccurrences(of: path, with: path + ".missing"))
        }
        let configPath = temporaryPath("notifier.yaml")
        try FileManager.default.createDirectory(
            atPath: (configPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
        #expect(
            try NotifierConfiguration.load(environment: ["ATTACHE_NOTIFY_CONFIG": configPath]).receivers.map(\.name)
                == ["a"])
        #expect(try NotifierConfiguration.load(environment: [:]).receivers.map(\.name) == ["console"])
        #expect(throws: ConfigFileError.self) {
            try NotifierConfiguration.load(configPath: configPath + ".nope", environment: [:])
        }
    }

    @Test(
        "attache serve notifier with a bad file: the error names the file and line, exit code 2, before any connection")
    func commandExitCode() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let binary = root.appendingPathComponent(".build/debug/attache").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            try Test.cancel("skipped: \(binary) is not built (swift build --build-tests builds it)")
        }
        let path = temporaryPath("bad.yaml")
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try
            "receivers:\n  - name: a\n    webhook:\n      url: https://x.example.org/\n      secretEnv: NOT_SET_ANYWHERE\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let (status, output) = try runProcess(
            binary, arguments: ["serve", "notifier", "--config", path, "--brokers", "127.0.0.1:1"])
        #expect(status == 2, "\(output)")
        #expect(output.contains("bad.yaml:5:") && output.contains("NOT_SET_ANYWHERE is not set"), "\(output)")
    }
}
