import AttacheModels
import AttacheRuntime
import Foundation

/// Which sinks to deliver to, from `ATTACHE_NOTIFY_*` environment variables:
///
/// - `ATTACHE_NOTIFY_CONSOLE`: one line per notification on standard output (default on;
///   `0`, `false`, `off`, `no` turn it off).
/// - `ATTACHE_NOTIFY_FILE=path`: JSON lines appended to a file.
/// - `ATTACHE_NOTIFY_WEBHOOKS=url1,url2`: POST each notification to every URL.
/// - `ATTACHE_NOTIFY_WEBHOOK_TOKEN`: bearer token for the webhooks (never logged).
/// - `ATTACHE_NOTIFY_WEBHOOK_TIMEOUT_MS`: per-request timeout (default 10000; rounded up to
///   whole seconds).
public struct SinkConfiguration: Sendable, Hashable {
    public var console: Bool
    public var filePath: String?
    public var webhooks: [URL]
    public var webhookToken: String?
    public var webhookTimeout: TimeInterval

    public init(console: Bool = true, filePath: String? = nil, webhooks: [URL] = [], webhookToken: String? = nil,
                webhookTimeout: TimeInterval = 10) {
        self.console = console
        self.filePath = filePath
        self.webhooks = webhooks
        self.webhookToken = webhookToken
        self.webhookTimeout = webhookTimeout
    }

    /// Reads the variables above; throws for a value that cannot be used.
    public init(environment: [String: String]) throws {
        self.init()
        if let text = environment["ATTACHE_NOTIFY_CONSOLE"] {
            guard let on = SinkConfiguration.flag(text) else {
                throw OptionsError("ATTACHE_NOTIFY_CONSOLE=\(text) is not on or off (1/0, true/false, on/off, yes/no)")
            }
            console = on
        }
        if let path = environment["ATTACHE_NOTIFY_FILE"]?.trimmingCharacters(in: .whitespaces), !path.isEmpty {
            filePath = path
        }
        for item in (environment["ATTACHE_NOTIFY_WEBHOOKS"] ?? "").split(separator: ",") {
            let text = item.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { continue }
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
                  url.host != nil else {
                throw OptionsError("ATTACHE_NOTIFY_WEBHOOKS: '\(WebhookSink.defaultName(for: URL(string: text) ?? URL(fileURLWithPath: "/")))…' is not an http(s) URL")
            }
            webhooks.append(url)
        }
        if let token = environment["ATTACHE_NOTIFY_WEBHOOK_TOKEN"], !token.isEmpty { webhookToken = token }
        if let text = environment["ATTACHE_NOTIFY_WEBHOOK_TIMEOUT_MS"] {
            guard let ms = Int(text), ms > 0 else {
                throw OptionsError("ATTACHE_NOTIFY_WEBHOOK_TIMEOUT_MS=\(text) is not a positive number of milliseconds")
            }
            webhookTimeout = Double(ms) / 1000
        }
    }

    /// The configuration of the process's environment (as `IngestSettings.fromEnvironment`).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SinkConfiguration {
        try SinkConfiguration(environment: environment)
    }

    /// The sinks: console, file, then the webhooks in order (named `webhook:<host>`, with
    /// `#2`, `#3`… when several share a host).
    public func makeSinks() -> [any NotificationSink] {
        var sinks: [any NotificationSink] = []
        if console { sinks.append(ConsoleSink()) }
        if let filePath { sinks.append(FileSink(path: filePath)) }
        var seen: [String: Int] = [:]
        for url in webhooks {
            let base = WebhookSink.defaultName(for: url)
            seen[base, default: 0] += 1
            let name = seen[base]! == 1 ? base : "\(base)#\(seen[base]!)"
            sinks.append(WebhookSink(url: url, token: webhookToken, timeout: webhookTimeout, name: name))
        }
        return sinks
    }

    /// A description for the start-up log: the token is never shown, nor webhook paths.
    public var logDescription: String {
        var parts = ["console=\(console ? "on" : "off")"]
        if let filePath { parts.append("file=\(filePath)") }
        if !webhooks.isEmpty { parts.append("webhooks=[\(webhooks.map(WebhookSink.defaultName).joined(separator: ", "))]") }
        if webhookToken != nil { parts.append("webhookToken=[redacted]") }
        return parts.joined(separator: " ")
    }

    static func flag(_ text: String) -> Bool? {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "1", "true", "on", "yes", "": true
        case "0", "false", "off", "no": false
        default: nil
        }
    }
}

/// How the notifier retries and which rules it runs, from `ATTACHE_NOTIFY_*`:
///
/// - `ATTACHE_NOTIFY_MAX_ATTEMPTS`: attempts per sink before dead-lettering (default 5).
/// - `ATTACHE_NOTIFY_BACKOFF_MS`: base of the exponential backoff (default 500).
/// - `ATTACHE_NOTIFY_BACKOFF_MAX_MS`: its cap (default 30000).
/// - `ATTACHE_NOTIFY_DELTA_THRESHOLD`: percent change that makes a delta notify (default 10).
/// - `ATTACHE_NOTIFY_RULES`: rules to run, comma-separated (default all:
///   `trade-delta,anniversary-milestone,new-figures`).
public struct NotifierSettings: Sendable, Hashable {
    public var retry: RetryPolicy
    public var rules: RuleSettings
    /// The dead-letter topic; by default `<prefix>notifications.dead`.
    public var deadLetterTopic: String?
    /// Records taken per poll.
    public var maxBatch: Int

    public init(retry: RetryPolicy = RetryPolicy(), rules: RuleSettings = RuleSettings(), deadLetterTopic: String? = nil,
                maxBatch: Int = 50) {
        self.retry = retry
        self.rules = rules
        self.deadLetterTopic = deadLetterTopic
        self.maxBatch = maxBatch
    }

    /// Reads the variables above; throws for a value that cannot be used.
    public init(environment: [String: String]) throws {
        self.init()
        func milliseconds(_ name: String) throws -> Duration? {
            guard let text = environment[name] else { return nil }
            guard let ms = Int(text), ms >= 0 else { throw OptionsError("\(name)=\(text) is not a number of milliseconds") }
            return .milliseconds(ms)
        }
        if let text = environment["ATTACHE_NOTIFY_MAX_ATTEMPTS"] {
            guard let attempts = Int(text), attempts >= 1 else {
                throw OptionsError("ATTACHE_NOTIFY_MAX_ATTEMPTS=\(text) is not a number of attempts (1 or more)")
            }
            retry.maxAttempts = attempts
        }
        if let base = try milliseconds("ATTACHE_NOTIFY_BACKOFF_MS") { retry.baseDelay = base }
        if let cap = try milliseconds("ATTACHE_NOTIFY_BACKOFF_MAX_MS") { retry.maxDelay = cap }
        if let text = environment["ATTACHE_NOTIFY_DELTA_THRESHOLD"] {
            guard let threshold = Double(text), threshold >= 0 else {
                throw OptionsError("ATTACHE_NOTIFY_DELTA_THRESHOLD=\(text) is not a percentage")
            }
            rules.deltaThresholdPercent = threshold
        }
        if let text = environment["ATTACHE_NOTIFY_RULES"] {
            let names = Set(text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
            let known = RuleSettings().enabled
            let unknown = names.subtracting(known)
            guard unknown.isEmpty else {
                throw OptionsError("ATTACHE_NOTIFY_RULES: unknown rule(s) \(unknown.sorted().joined(separator: ", ")); known: \(known.sorted().joined(separator: ", "))")
            }
            rules.enabled = names
        }
        if let topic = environment["ATTACHE_NOTIFY_DEAD_LETTER_TOPIC"], !topic.isEmpty { deadLetterTopic = topic }
    }
}

extension NotifierSettings {
    /// The settings of the process's environment (as `IngestSettings.fromEnvironment`).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> NotifierSettings {
        try NotifierSettings(environment: environment)
    }
}

