import AttacheModels
import AttacheRuntime
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The body a webhook receiver gets.
public enum WebhookFormat: String, Sendable, Hashable, CaseIterable {
    /// The `Notification` JSON (`attache.notification.v1`).
    case attache
    /// `{"text": "…"}`, for Slack-compatible incoming webhooks.
    case slack
}

/// How to reach one webhook receiver.
public struct WebhookSettings: Sendable, Hashable {
    public var url: URL
    /// Signing secrets; the `webhook-signature` header carries one signature per secret
    /// (two during a rotation). Empty: unsigned.
    public var secrets: [WebhookSecret]
    /// Sent as `Authorization: Bearer <token>`; never logged.
    public var token: String?
    public var format: WebhookFormat
    /// Seconds to wait for an answer (whole seconds, at least 1).
    public var timeout: TimeInterval
    /// Extra headers sent with every request.
    public var headers: [String: String]

    public init(
        url: URL, secrets: [WebhookSecret] = [], token: String? = nil, format: WebhookFormat = .attache,
        timeout: TimeInterval = 10, headers: [String: String] = [:]
    ) {
        self.url = url
        self.secrets = secrets
        self.token = token.flatMap { $0.isEmpty ? nil : $0 }
        self.format = format
        self.timeout = timeout
        self.headers = headers
    }

    /// Headers a configuration may not set: the signature, framing and authentication
    /// headers are the sink's own.
    public static let reservedHeaders: Set<String> = [
        "webhook-id", "webhook-timestamp", "webhook-signature", "content-type", "content-length", "host",
        "authorization",
        "idempotency-key", "transfer-encoding", "connection",
    ]

    /// Checks what the transport requires: an http(s) URL with a host; `https` when the
    /// receiver has a secret or a token, unless its host is loopback; no reserved headers.
    /// The message names the URL by scheme and host only (paths often hold secrets).
    public func validate() throws(OptionsError) {
        let scheme = url.scheme?.lowercased() ?? ""
        guard ["http", "https"].contains(scheme), let host = url.host, !host.isEmpty else {
            throw OptionsError("'\(WebhookSink.redacted(url))' is not an http(s) URL with a host")
        }
        if scheme == "http", !secrets.isEmpty || token != nil, !WebhookSettings.isLoopback(host) {
            throw OptionsError(
                "'\(WebhookSink.redacted(url))' has a secret or a token, so it must use https (plain http is allowed only on loopback)"
            )
        }
        for name in headers.keys where WebhookSettings.reservedHeaders.contains(name.lowercased()) {
            throw OptionsError("header '\(name)' is set by the notifier itself and cannot be configured")
        }
        guard timeout > 0 else { throw OptionsError("the timeout of '\(WebhookSink.redacted(url))' must be positive") }
    }

    /// `localhost`, `127.0.0.0/8` and `::1`.
    public static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if bare == "localhost" || bare.hasSuffix(".localhost") || bare == "::1" || bare == "0:0:0:0:0:0:0:1" {
            return true
        }
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}

/// POSTs each notification to a URL, signed as Standard Webhooks 1.0 says: `webhook-id`
/// (the notification id, the same on every attempt: the idempotency key),
/// `webhook-timestamp` (Unix seconds of the attempt) and `webhook-signature` (`v1,<base64
/// HMAC-SHA256>` per secret), plus `Idempotency-Key`, `Content-Type: application/json`,
/// `Authorization: Bearer <token>` when configured, and the configured extra headers.
///
/// A 2xx answer is acceptance. Redirects are never followed: a 3xx is a failed attempt
/// (permanent for 301 and 308, transient otherwise), so neither the body nor the token ever
/// goes to a host other than the configured one. 4xx answers other than 408 and 429 are
/// permanent failures (dead-lettered at once); other answers, timeouts and network errors
/// are transient (retried). Errors name the receiver, never its path or secrets.
public final class WebhookSink: NotificationSink, @unchecked Sendable {
    public let name: String
    public let settings: WebhookSettings
    public var url: URL { settings.url }
    private let session: URLSession
    private let delegate: NoRedirects
    private let clock: @Sendable () -> Date

    /// - Parameters:
    ///   - settings: the receiver (validate it first: `WebhookSettings.validate`).
    ///   - name: the sink's name in logs and metrics; by default `webhook:<host>[:port]`.
    ///   - clock: the time of `webhook-timestamp` (tests).
    public init(settings: WebhookSettings, name: String? = nil, clock: @escaping @Sendable () -> Date = { Date() }) {
        var settings = settings
        settings.timeout = max(1, settings.timeout.rounded(.up))
        self.settings = settings
        self.name = name ?? WebhookSink.defaultName(for: settings.url)
        self.clock = clock
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = settings.timeout
        configuration.timeoutIntervalForResource = settings.timeout
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.urlCache = nil
        delegate = NoRedirects()
        session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
    }

    /// An unsigned sink with an optional bearer token (the earlier form).
    public convenience init(url: URL, token: String? = nil, timeout: TimeInterval = 10, name: String? = nil) {
        self.init(settings: WebhookSettings(url: url, token: token, timeout: timeout), name: name)
    }

    deinit {
        session.finishTasksAndInvalidate()
    }

    /// `webhook:<host>[:port]`.
    public static func defaultName(for url: URL) -> String {
        "webhook:\(url.host ?? "?")\(url.port.map { ":\($0)" } ?? "")"
    }

    /// `https://host:port/…`: a URL fit for a log line.
    public static func redacted(_ url: URL) -> String {
        "\(url.scheme ?? "?")://\(url.host ?? "?")\(url.port.map { ":\($0)" } ?? "")/…"
    }

    /// The body sent for a notification.
    public func body(for notification: AttacheModels.Notification) throws -> [UInt8] {
        switch settings.format {
        case .attache:
            return try AttacheJSON.encode(notification)
        case .slack:
            let text = "[\(notification.severity.rawValue)] \(notification.title)\n\(notification.body)"
            return try AttacheJSON.encode(["text": text])
        }
    }

    /// The request for one attempt at `time`.
    public func request(for notification: AttacheModels.Notification, at time: Date? = nil) throws -> URLRequest {
        let body = try self.body(for: notification)
        let timestamp = Int64((time ?? clock()).timeIntervalSince1970.rounded(.down))
        var request = URLRequest(
            url: settings.url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: settings.timeout)
        request.httpMethod = "POST"
        for (header, value) in settings.headers { request.setValue(value, forHTTPHeaderField: header) }
        let signature = WebhookSignature(
            id: notification.id, timestamp: timestamp, body: body, secrets: settings.secrets)
        for (header, value) in signature.headers { request.setValue(value, forHTTPHeaderField: header) }
        request.setValue(notification.id, forHTTPHeaderField: "Idempotency-Key")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("attache-notifier", forHTTPHeaderField: "User-Agent")
        if let token = settings.token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        request.httpBody = Data(body)
        return request
    }

    public func deliver(_ notification: AttacheModels.Notification) async throws {
        let request: URLRequest
        do {
            request = try self.request(for: notification)
        } catch {
            throw SinkError.permanent("cannot encode notification \(notification.id): \(error)")
        }
        let answer = try await send(request)
        try WebhookSink.classify(status: answer.status, location: answer.location)
    }

    /// Throws for an answer that is not acceptance: a 3xx is a refused redirect (permanent
    /// for 301 and 308), 4xx is permanent except 408 and 429, the rest transient.
    public static func classify(status: Int, location: String? = nil) throws {
        switch status {
        case 200..<300: return
        case 300..<400:
            let target = location.flatMap { URL(string: $0)?.host }.map { " to \($0)" } ?? ""
            let text = "HTTP \(status): redirect\(target) refused (redirects are never followed)"
            throw status == 301 || status == 308 ? SinkError.permanent(text) : SinkError.transient(text)
        case 408, 429: throw SinkError.transient("HTTP \(status)")
        case 400..<500: throw SinkError.permanent("HTTP \(status)")
        default: throw SinkError.transient("HTTP \(status)")
        }
    }

    /// A network error in words, without the URL (webhook paths often hold secrets).
    static func describe(_ error: any Error) -> String {
        guard let code = (error as? URLError)?.code else { return "network error (\(type(of: error)))" }
        switch code {
        case .timedOut: return "timed out"
        case .cannotConnectToHost: return "connection refused"
        case .networkConnectionLost: return "connection lost"
        case .cannotFindHost, .dnsLookupFailed: return "host not found"
        case .notConnectedToInternet: return "no network"
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
            .serverCertificateNotYetValid,
            .serverCertificateHasUnknownRoot, .clientCertificateRejected, .clientCertificateRequired:
            return "TLS failure (URL error \(code.rawValue))"
        default: return "URL error \(code.rawValue)"
        }
    }

    /// Sends the request (URLSession runs it on its own threads, not the cooperative pool)
    /// and returns the status code and `Location`. A delegate task, not a completion-handler
    /// one: only delegate tasks consult the delegate before following a redirect.
    private func send(_ request: URLRequest) async throws -> (status: Int, location: String?) {
        let name = name
        let delegate = delegate
        let session = session
        return try await withCheckedThrowingContinuation { continuation in
            let task = session.dataTask(with: request)
            delegate.register(task.taskIdentifier) { response, error in
                if let error {
                    continuation.resume(throwing: SinkError.transient("\(name): \(WebhookSink.describe(error))"))
                } else if let http = response as? HTTPURLResponse {
                    continuation.resume(returning: (http.statusCode, http.value(forHTTPHeaderField: "Location")))
                } else {
                    continuation.resume(throwing: SinkError.transient("\(name): no HTTP response"))
                }
            }
            task.resume()
        }
    }
}

/// The session delegate of `WebhookSink`: refuses every redirect (the 3xx answer becomes the
/// task's response) and hands each finished task's response to its waiter.
private final class NoRedirects: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    typealias Completion = @Sendable (URLResponse?, (any Error)?) -> Void
    private let lock = NSLock()
    private var waiting: [Int: Completion] = [:]

    func register(_ task: Int, _ completion: @escaping Completion) {
        lock.withLock { waiting[task] = completion }
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {}

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let completion = lock.withLock { waiting.removeValue(forKey: task.taskIdentifier) }
        completion?(task.response, error)
    }
}
