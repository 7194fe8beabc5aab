import AttacheRuntime
import Foundation
import Yams

// Over 300 lines on purpose: the YAML reader checks every field with a line number in its
// error, one small function per field; they read best together.

/// A configuration file that cannot be used: what is wrong and on which line.
public struct ConfigFileError: Error, CustomStringConvertible, Sendable {
    public var path: String
    /// 1-based; nil when the whole file is at fault (missing, unreadable).
    public var line: Int?
    public var message: String

    public init(path: String, line: Int?, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    /// `notifier.yaml:7: receivers[0].webhook.url: 'ftp://…' is not an http(s) URL with a host`.
    public var description: String { "\(path)\(line.map { ":\($0)" } ?? ""): \(message)" }
}

/// Reads the notifier's YAML configuration: receivers and routes, in the spirit of
/// Alertmanager (docs/notifier.md describes every field):
///
/// ```yaml
/// receivers:
///   - name: trade-desk
///     webhook:
///       url: https://hooks.example.org/attache
///       secretEnv: TRADE_DESK_SECRET      # or secretFile: /run/secrets/trade-desk
///       tokenEnv: TRADE_DESK_TOKEN        # optional bearer token (or tokenFile)
///       format: attache                   # or slack
///       timeoutSeconds: 10
///       headers: {X-Team: trade}
///   - name: audit-file
///     file: {path: /var/lib/attache/notifications.jsonl}
///   - name: screen
///     console: {}
/// routes:
///   - match: {rules: [trade-delta], partners: [LU, DE], minPercent: 10}
///     receivers: [trade-desk]
///   - match: {rules: [anniversary-milestone]}
///     receivers: [trade-desk]
///     continue: true
/// ```
///
/// Without `routes`, every notification goes to every receiver. Unknown fields, unknown
/// receivers in routes, missing secrets and http URLs with secrets are errors that name
/// the line.
public enum ConfigFile {
    /// Reads and checks the file at `path`; secrets named by `secretEnv`/`tokenEnv` come from
    /// `environment`.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ConfigFileError) -> NotifierConfiguration
    {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigFileError(
                path: path, line: nil,
                message: "cannot read the notifier configuration: \((error as NSError).localizedDescription)")
        }
        return try parse(text, path: path, environment: environment)
    }

    /// Parses configuration text (`path` names it in errors and anchors relative secret files).
    public static func parse(
        _ text: String, path: String = "notifier.yaml",
        environment: [String: String] = [:]
    ) throws(ConfigFileError) -> NotifierConfiguration {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigFileError(path: path, line: line(of: error), message: "not valid YAML: \(problem(of: error))")
        } catch {
            throw ConfigFileError(path: path, line: nil, message: "not valid YAML: \(error)")
        }
        guard let root else {
            throw ConfigFileError(path: path, line: 1, message: "the file is empty; it needs 'receivers'")
        }
        return try Reader(path: path, environment: environment).configuration(root)
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        case .duplicatedKeysInMapping(_, let context): context.mark.line
        default: nil
        }
    }

    private static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _),
            .composer(let context, let problem, _, _):
            context.map { "\(problem) (\($0.text))" } ?? problem
        case .duplicatedKeysInMapping(let duplicates, _): "duplicated key(s) \(duplicates.joined(separator: ", "))"
        default: "\(error)"
        }
    }

    /// Walks the YAML nodes, naming the line of whatever is wrong.
    private struct Reader {
        var path: String
        var environment: [String: String]

        func fail(_ node: Node?, _ message: String) -> ConfigFileError {
            ConfigFileError(path: path, line: node?.mark?.line, message: message)
        }

        /// The entries of a mapping, checking that every key is one of `allowed`.
        func mapping(_ node: Node, _ what: String, allowed: Set<String>) throws(ConfigFileError) -> [(
            key: String, node: Node, value: Node
        )] {
            guard case .mapping(let mapping) = node else { throw fail(node, "\(what) must be a mapping") }
            var entries: [(String, Node, Node)] = []
            for (key, value) in mapping {
                guard let name = key.string else { throw fail(key, "\(what): keys must be text") }
                guard allowed.contains(name) else {
                    throw fail(
                        key, "\(what): unknown field '\(name)' (known: \(allowed.sorted().joined(separator: ", ")))")
                }
                entries.append((name, key, value))
            }
            return entries
        }

        func string(_ node: Node, _ what: String) throws(ConfigFileError) -> String {
            guard case .scalar(let scalar) = node, !scalar.string.isEmpty else {
                throw fail(node, "\(what) must be a non-empty text")
            }
            return scalar.string
        }

        func strings(_ node: Node, _ what: String) throws(ConfigFileError) -> [String] {
            guard case .sequence(let sequence) = node else { throw fail(node, "\(what) must be a list, e.g. [a, b]") }
            var values: [String] = []
            for item in sequence { values.append(try string(item, "\(what) item")) }
            guard !values.isEmpty else { throw fail(node, "\(what) must not be empty") }
            return values
        }

        func number(_ node: Node, _ what: String) throws(ConfigFileError) -> Double {
            guard case .scalar = node, let value = node.float, value.isFinite, value >= 0 else {
                throw fail(node, "\(what) must be a non-negative number")
            }
            return value
        }

        func bool(_ node: Node, _ what: String) throws(ConfigFileError) -> Bool {
            guard case .scalar = node, let value = node.bool else { throw fail(node, "\(what) must be true or false") }
            return value
        }

        func configuration(_ root: Node) throws(ConfigFileError) -> NotifierConfiguration {
            var receivers: [ReceiverSpec] = []
            var routes: [Route]?
            var routeNodes: [Node] = []
            var receiversNode: Node?
            for entry in try mapping(root, "the configuration", allowed: ["receivers", "routes"]) {
                guard case .sequence(let sequence) = entry.value else {
                    throw fail(entry.value, "'\(entry.key)' must be a list")
                }
                if entry.key == "receivers" {
                    receiversNode = entry.value
                    for (index, item) in sequence.enumerated() {
                        let receiver = try self.receiver(item, "receivers[\(index)]")
                        guard !receivers.contains(where: { $0.name == receiver.name }) else {
                            throw fail(item, "receivers[\(index)]: the name '\(receiver.name)' is used twice")
                        }
                        receivers.append(receiver)
                    }
                } else {
                    var parsed: [Route] = []
                    for (index, item) in sequence.enumerated() {
                        parsed.append(try route(item, "routes[\(index)]"))
                        routeNodes.append(item)
                    }
                    routes = parsed
                }
            }
            guard !receivers.isEmpty else {
                throw fail(receiversNode ?? root, "the configuration needs at least one receiver under 'receivers'")
            }
            let names = Set(receivers.map(\.name))
            for (index, route) in (routes ?? []).enumerated() {
                for name in route.receivers where !names.contains(name) {
                    throw fail(
                        routeNodes[index],
                        "routes[\(index)]: unknown receiver '\(name)' (receivers: \(receivers.map(\.name).joined(separator: ", ")))"
                    )
                }
            }
            return NotifierConfiguration(receivers: receivers, router: routes.map(Router.init(routes:)))
        }

        func receiver(_ node: Node, _ what: String) throws(ConfigFileError) -> ReceiverSpec {
            var name: String?
            var kind: ReceiverSpec.Kind?
            for entry in try mapping(node, what, allowed: ["name", "webhook", "file", "console"]) {
                switch entry.key {
                case "name": name = try string(entry.value, "\(what).name")
                default:
                    guard kind == nil else {
                        throw fail(entry.node, "\(what): a receiver has one of webhook, file or console")
                    }
                    switch entry.key {
                    case "webhook": kind = .webhook(try webhook(entry.value, "\(what).webhook"))
                    case "file":
                        var path: String?
                        for field in try mapping(entry.value, "\(what).file", allowed: ["path"]) {
                            path = try string(field.value, "\(what).file.path")
                        }
                        guard let path else { throw fail(entry.value, "\(what).file needs a path") }
                        kind = .file(path: path)
                    default:
                        if case .mapping = entry.value { _ = try mapping(entry.value, "\(what).console", allowed: []) }
                        kind = .console
                    }
                }
            }
            guard let name else { throw fail(node, "\(what) needs a name") }
            guard let kind else { throw fail(node, "\(what) ('\(name)') needs one of webhook, file or console") }
            return ReceiverSpec(name: name, kind: kind)
        }

        func webhook(_ node: Node, _ what: String) throws(ConfigFileError) -> WebhookSettings {
            var url: URL?
            var secrets: [WebhookSecret] = []
            var token: String?
            var format = WebhookFormat.attache
            var timeout: TimeInterval = 10
            var headers: [String: String] = [:]
            let allowed: Set<String> = [
                "url", "secretEnv", "secretFile", "tokenEnv", "tokenFile", "format", "timeoutSeconds", "headers",
            ]
            let entries = try mapping(node, what, allowed: allowed)
            if entries.contains(where: { $0.key == "secretEnv" }) && entries.contains(where: { $0.key == "secretFile" })
            {
                throw fail(node, "\(what): give secretEnv or secretFile, not both")
            }
            for entry in entries {
                let field = "\(what).\(entry.key)"
                switch entry.key {
                case "url":
                    let text = try string(entry.value, field)
                    guard let parsed = URL(string: text) else { throw fail(entry.value, "\(field) is not a URL") }
                    url = parsed
                case "secretEnv", "secretFile":
                    let text = try secretText(entry.key, entry.value, field)
                    do {
                        secrets = try WebhookSecret.list(text)
                    } catch {
                        throw fail(entry.value, "\(field): \(error)")
                    }
                case "tokenEnv", "tokenFile":
                    token = try secretText(entry.key, entry.value, field).trimmingCharacters(
                        in: .whitespacesAndNewlines)
                case "format":
                    let text = try string(entry.value, field)
                    guard let parsed = WebhookFormat(rawValue: text) else {
                        throw fail(
                            entry.value,
                            "\(field): unknown format '\(text)' (known: \(WebhookFormat.allCases.map(\.rawValue).joined(separator: ", ")))"
                        )
                    }
                    format = parsed
                case "timeoutSeconds":
                    timeout = try number(entry.value, field)
                    guard timeout > 0, timeout <= 300 else {
                        throw fail(entry.value, "\(field) must be between 1 and 300 seconds")
                    }
                default:
                    guard case .mapping(let mapping) = entry.value else {
                        throw fail(entry.value, "\(field) must be a mapping of header names to values")
                    }
                    for (key, value) in mapping {
                        guard let name = key.string, !name.isEmpty,
                            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_".contains($0)) })
                        else {
                            throw fail(key, "\(field): '\(key.string ?? "?")' is not a header name")
                        }
                        guard case .scalar(let scalar) = value,
                            !scalar.string.contains(where: { $0 == "\r" || $0 == "\n" })
                        else {
                            throw fail(value, "\(field).\(name) must be one line of text")
                        }
                        headers[name] = scalar.string
                    }
                }
            }
            guard let url else { throw fail(node, "\(what) needs a url") }
            let settings = WebhookSettings(
                url: url, secrets: secrets, token: token, format: format, timeout: timeout, headers: headers)
            do {
                try settings.validate()
            } catch {
                throw fail(entries.first { $0.key == "url" }?.value ?? node, "\(what): \(error)")
            }
            return settings
        }

        /// The text of a secret given by an environment variable's name or a file's path.
        func secretText(_ kind: String, _ node: Node, _ field: String) throws(ConfigFileError) -> String {
            let reference = try string(node, field)
            if kind.hasSuffix("Env") {
                guard let value = environment[reference], !value.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw fail(node, "\(field): the environment variable \(reference) is not set")
                }
                return value
            }
            let file =
                reference.hasPrefix("/")
                ? reference
                : URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(reference).path
            guard let value = try? String(contentsOfFile: file, encoding: .utf8),
                !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            else {
                throw fail(node, "\(field): cannot read a secret from \(file)")
            }
            return value
        }

        func route(_ node: Node, _ what: String) throws(ConfigFileError) -> Route {
            var match = RouteMatch()
            var receivers: [String]?
            var proceed = false
            for entry in try mapping(node, what, allowed: ["match", "receivers", "continue"]) {
                switch entry.key {
                case "match":
                    for field in try mapping(
                        entry.value, "\(what).match", allowed: ["rules", "partners", "minPercent"])
                    {
                        let name = "\(what).match.\(field.key)"
                        switch field.key {
                        case "rules":
                            let rules = try strings(field.value, name)
                            let known = RuleSettings().enabled
                            for rule in rules where !known.contains(rule) {
                                throw fail(
                                    field.value,
                                    "\(name): unknown rule '\(rule)' (known: \(known.sorted().joined(separator: ", ")))"
                                )
                            }
                            match.rules = Set(rules)
                        case "partners":
                            match.partners = Set(try strings(field.value, name).map { $0.uppercased() })
                        default:
                            match.minPercent = try number(field.value, name)
                        }
                    }
                case "receivers": receivers = try strings(entry.value, "\(what).receivers")
                default: proceed = try bool(entry.value, "\(what).continue")
                }
            }
            guard let receivers else { throw fail(node, "\(what) needs receivers") }
            return Route(match: match, receivers: receivers, continue: proceed)
        }
    }
}
