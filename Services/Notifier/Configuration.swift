import AttacheModels
import AttacheRuntime
import Foundation

/// A receiver: where notifications go, by name (routes name receivers; metrics, dead letters
/// and delivered pairs are labelled with the name).
public struct ReceiverSpec: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// One line per notification on standard output.
        case console
        /// JSON lines appended to a file.
        case file(path: String)
        /// An HTTP POST, signed as Standard Webhooks says.
        case webhook(WebhookSettings)
    }

    public var name: String
    public var kind: Kind

    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }

    /// The sink that delivers to this receiver.
    public func makeSink() -> any NotificationSink {
        switch kind {
        case .console: ConsoleSink(name: name)
        case .file(let path): FileSink(path: path, name: name)
        case .webhook(let settings): WebhookSink(settings: settings, name: name)
        }
    }

    /// For logs: the kind and, for a webhook, scheme, host and port; never a secret or a path.
    public var logDescription: String {
        switch kind {
        case .console: "\(name) (console)"
        case .file(let path): "\(name) (file \(path))"
        case .webhook(let settings):
            "\(name) (\(WebhookSink.redacted(settings.url)), \(settings.format.rawValue)\(settings.secrets.isEmpty ? ", unsigned" : ", signed with \(settings.secrets.count) secret(s)")\(settings.token == nil ? "" : ", token [redacted]"))"
        }
    }
}

/// The receivers and the routes of a notifier: from a YAML file (`ConfigFile`) or from the
/// `ATTACHE_NOTIFY_*` variables (`SinkConfiguration`, every notification to every receiver).
public struct NotifierConfiguration: Sendable, Hashable {
    public var receivers: [ReceiverSpec]
    public var router: Router

    public init(receivers: [ReceiverSpec], router: Router? = nil) {
        self.receivers = receivers
        self.router = router ?? Router.everything(to: receivers.map(\.name))
    }

    /// The configuration a process uses: the YAML file `configPath`, else the one
    /// `ATTACHE_NOTIFY_CONFIG` names, else the quick path of `SinkConfiguration`.
    /// Throws `ConfigFileError` (naming the line) for a bad file, `OptionsError` otherwise.
    public static func load(
        configPath: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> NotifierConfiguration {
        if let path = configPath ?? environment["ATTACHE_NOTIFY_CONFIG"].flatMap({ $0.isEmpty ? nil : $0 }) {
            return try ConfigFile.load(path: path, environment: environment)
        }
        let quick = try SinkConfiguration(environment: environment)
        return NotifierConfiguration(receivers: quick.receivers)
    }

    /// One sink per receiver, in order.
    public func makeSinks() -> [any NotificationSink] { receivers.map { $0.makeSink() } }

    /// For the start-up log.
    public var logDescription: String {
        receivers.isEmpty
            ? "no receivers"
            : receivers.map(\.logDescription).joined(separator: "; ") + "; \(router.routes.count) route(s)"
    }
}

/// The quick path: receivers from `ATTACHE_NOTIFY_*` environment variables, each getting
/// every notification:
///
/// - `ATTACHE_NOTIFY_CONSOLE`: one line per notification on standard output (default on;
///   `0`, `false`, `off`, `no` turn it off).
/// - `ATTACHE_NOTIFY_FILE=path`: JSON lines appended to a file.
/// - `ATTACHE_NOTIFY_WEBHOOKS=url1,url2`: POST each notification to every URL.
/// - `ATTACHE_NOTIFY_WEBHOOK_SECRET=whsec_…`: signs the webhooks (Standard Webhooks); two
///   secrets separated by a space during a rotation (both signatures are sent).
/// - `ATTACHE_NOTIFY_WEBHOOK_TOKEN`: bearer token for the webhooks (never logged).
/// - `ATTACHE_NOTIFY_WEBHOOK_TIMEOUT_MS`: per-request timeout (default 10000; rounded up to
///   whole seconds).
///
/// A webhook with a secret or a token must use https unless its host is loopback.
public struct SinkConfiguration: Sendable, Hashable {
    public var console: Bool
    public var filePath: String?
    public var webhooks: [URL]
    public var webhookSecrets: [WebhookSecret]
    public var webhookToken: String?
    public var webhookTimeout: TimeInterval

    public init(
        console: Bool = true, filePath: String? = nil, webhooks: [URL] = [], webhookSecrets: [WebhookSecret] = [],
        webhookToken: String? = nil, webhookTimeout: TimeInterval = 10
    ) {
        self.console = console
        self.filePath = filePath
        self.webhooks = webhooks
        self.webhookSecrets = webhookSecrets
        self.webhookToken = webhookToken
        self.webhookTimeout = webhookTimeout
    }

    /// Reads the variables above; throws for a value that cannot be used (never quoting a
    /// secret or a webhook path).
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
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
                ["http", "https"].contains(scheme),
                url.host != nil
            else {
                throw OptionsError(
                    "ATTACHE_NOTIFY_WEBHOOKS: '\(WebhookSink.redacted(URL(string: text) ?? URL(fileURLWithPath: "/")))' is not an http(s) URL"
                )
            }
            webhooks.append(url)
        }
        if let text = environment["ATTACHE_NOTIFY_WEBHOOK_SECRET"], !text.trimmingCharacters(in: .whitespaces).isEmpty {
            do {
                webhookSecrets = try WebhookSecret.list(text)
            } catch {
                throw OptionsError("ATTACHE_NOTIFY_WEBHOOK_SECRET: \(error)")
            }
        }
        if let token = environment["ATTACHE_NOTIFY_WEBHOOK_TOKEN"], !token.isEmpty { webhookToken = token }
        if let text = environment["ATTACHE_NOTIFY_WEBHOOK_TIMEOUT_MS"] {
            guard let ms = Int(text), ms > 0 else {
                throw OptionsError("ATTACHE_NOTIFY_WEBHOOK_TIMEOUT_MS=\(text) is not a positive number of milliseconds")
            }
            webhookTimeout = Double(ms) / 1000
        }
        for receiver in receivers {
            if case .webhook(let settings) = receiver.kind {
                do {
                    try settings.validate()
                } catch {
                    throw OptionsError("ATTACHE_NOTIFY_WEBHOOKS: \(error)")
                }
            }
        }
    }

    /// The configuration of the process's environment (as `IngestSettings.fromEnvironment`).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> SinkConfiguration
    {
        try SinkConfiguration(environment: environment)
    }

    /// The receivers: console, file, then the webhooks in order (named `webhook:<host>`, with
    /// `#2`, `#3`… when several share a host).
    public var receivers: [ReceiverSpec] {
        var receivers: [ReceiverSpec] = []
        if console { receivers.append(ReceiverSpec(name: "console", kind: .console)) }
        if let filePath { receivers.append(ReceiverSpec(name: "file", kind: .file(path: filePath))) }
        var seen: [String: Int] = [:]
        for url in webhooks {
            let base = WebhookSink.defaultName(for: url)
            seen[base, default: 0] += 1
            let name = seen[base]! == 1 ? base : "\(base)#\(seen[base]!)"
            let settings = WebhookSettings(
                url: url, secrets: webhookSecrets, token: webhookToken, timeout: webhookTimeout)
            receivers.append(ReceiverSpec(name: name, kind: .webhook(settings)))
        }
        return receivers
    }

    /// The sinks of `receivers`.
    public func makeSinks() -> [any NotificationSink] { receivers.map { $0.makeSink() } }

    /// A description for the start-up log: secrets and tokens are never shown, nor webhook paths.
    public var logDescription: String {
        var parts = ["console=\(console ? "on" : "off")"]
        if let filePath { parts.append("file=\(filePath)") }
        if !webhooks.isEmpty {
            parts.append("webhooks=[\(webhooks.map(WebhookSink.defaultName).joined(separator: ", "))]")
        }
        if !webhookSecrets.isEmpty { parts.append("webhookSecret=[redacted]") }
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
