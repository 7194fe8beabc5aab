import AttacheModels
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// POSTs each notification as Attache JSON to a URL, with `Idempotency-Key: <id>`,
/// `Content-Type: application/json` and, when a token is configured,
/// `Authorization: Bearer <token>` (never logged, never part of an error).
///
/// A 2xx answer is acceptance. 4xx answers other than 408 and 429 are permanent failures
/// (the notification is dead-lettered at once); other answers, timeouts and network errors
/// are transient (retried).
public final class WebhookSink: NotificationSink, @unchecked Sendable {
    public let name: String
    public let url: URL
    private let token: String?
    private let timeout: TimeInterval
    private let session: URLSession

    /// - Parameters:
    ///   - url: the endpoint.
    ///   - token: sent as a bearer token.
    ///   - timeout: seconds to wait for an answer before the attempt counts as failed; at
    ///     least 1 (whole seconds: Foundation's URLSession on Linux does not honour fractions).
    ///   - name: the sink's name in logs and metrics; by default `webhook:<host>[:port]`
    ///     (the path is left out: webhook paths often hold secrets).
    public init(url: URL, token: String? = nil, timeout: TimeInterval = 10, name: String? = nil) {
        self.url = url
        self.token = token.flatMap { $0.isEmpty ? nil : $0 }
        let timeout = max(1, timeout.rounded(.up))
        self.timeout = timeout
        self.name = name ?? WebhookSink.defaultName(for: url)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        self.session = URLSession(configuration: configuration)
    }

    deinit {
        session.finishTasksAndInvalidate()
    }

    /// `webhook:<host>[:port]`.
    public static func defaultName(for url: URL) -> String {
        "webhook:\(url.host ?? "?")\(url.port.map { ":\($0)" } ?? "")"
    }

    /// The request for a notification.
    public func request(for notification: AttacheModels.Notification) throws -> URLRequest {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue(notification.id, forHTTPHeaderField: "Idempotency-Key")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("attache-notifier", forHTTPHeaderField: "User-Agent")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        request.httpBody = Data(try AttacheJSON.encode(notification))
        return request
    }

    public func deliver(_ notification: AttacheModels.Notification) async throws {
        let request: URLRequest
        do {
            request = try self.request(for: notification)
        } catch {
            throw SinkError.permanent("cannot encode notification \(notification.id): \(error)")
        }
        let status = try await send(request)
        try WebhookSink.classify(status: status)
    }

    /// Throws for an answer that is not acceptance: permanent for 4xx except 408 and 429,
    /// transient for the rest.
    public static func classify(status: Int) throws {
        switch status {
        case 200..<300: return
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
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate, .serverCertificateNotYetValid,
             .serverCertificateHasUnknownRoot, .clientCertificateRejected, .clientCertificateRequired:
            return "TLS failure (URL error \(code.rawValue))"
        default: return "URL error \(code.rawValue)"
        }
    }

    /// Sends the request (URLSession runs it on its own threads, not the cooperative pool)
    /// and returns the status code.
    private func send(_ request: URLRequest) async throws -> Int {
        let name = name
        return try await withCheckedThrowingContinuation { continuation in
            let task = session.dataTask(with: request) { _, response, error in
                if let error {
                    continuation.resume(throwing: SinkError.transient("\(name): \(WebhookSink.describe(error))"))
                } else if let http = response as? HTTPURLResponse {
                    continuation.resume(returning: http.statusCode)
                } else {
                    continuation.resume(throwing: SinkError.transient("\(name): no HTTP response"))
                }
            }
            task.resume()
        }
    }
}
