import AttacheTesting
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// A request the test receiver got.
struct ReceivedRequest: Sendable {
    var method: String
    var path: String
    /// Header names lower-cased.
    var headers: [String: String]
    var body: Data

    var idempotencyKey: String? { headers["idempotency-key"] }
    var webhookID: String? { headers["webhook-id"] }
}

/// How the receiver answers one request.
struct Reply: Sendable {
    var status: Int
    /// A `Location` header (for redirects).
    var location: String?
    /// Waits this long before answering (longer than the sender's timeout: a timeout).
    var delay: Duration = .zero

    static let ok = Reply(status: 200)
    static func status(_ code: Int) -> Reply { Reply(status: code) }
    static func redirect(_ code: Int, to location: String) -> Reply { Reply(status: code, location: location) }
}

/// A real HTTP webhook receiver: a Hummingbird application on 127.0.0.1, port 0 (a random
/// port) unless given one. `reply` gets each request and how many requests with the same
/// `webhook-id` (else `Idempotency-Key`) came before it, and says how to answer. It can be
/// stopped (connections refused) and started again on the same port.
final class WebhookReceiver: @unchecked Sendable {
    private let lock = NSLock()
    private var received: [ReceivedRequest] = []
    private var answered: [(key: String, status: Int)] = []
    private let reply: @Sendable (ReceivedRequest, Int) async -> Reply
    private var group: ServiceGroup?
    private var serving: Task<Void, any Error>?
    private(set) var port = 0

    /// Starts the receiver and waits until it listens.
    init(port: Int = 0, reply: @escaping @Sendable (ReceivedRequest, Int) async -> Reply = { _, _ in .ok }) async throws
    {
        self.reply = reply
        try await start(port: port)
    }

    /// A receiver that answers with a status code.
    convenience init(status: @escaping @Sendable (ReceivedRequest, Int) -> Int) async throws {
        try await self.init(reply: { request, seen in Reply(status: status(request, seen)) })
    }

    /// The URL to POST to (its path stands for a secret: it must never be logged).
    var url: URL { URL(string: "http://127.0.0.1:\(port)/hooks/secret-path")! }

    private func start(port: Int) async throws {
        let router = Router()
        for method in [HTTPRequest.Method.post, .get, .put] {
            router.on("**", method: method) { [weak self] request, _ -> Response in
                guard let self else { return Response(status: .serviceUnavailable) }
                return try await self.answer(request)
            }
        }
        var quiet = Logger(label: "test-receiver")
        quiet.logLevel = .critical
        let started = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "receiver"),
            onServerRunning: { channel in started.continuation.yield(channel.localAddress?.port ?? 0) }, logger: quiet)
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: quiet))
        let serving = Task { try await group.run() }
        var bound = 0
        for await value in started.stream {
            bound = value
            break
        }
        lock.withLock {
            self.group = group
            self.serving = serving
            self.port = bound
        }
    }

    private func answer(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 4 << 20)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let received = ReceivedRequest(
            method: request.method.rawValue, path: request.uri.path, headers: headers,
            body: Data(buffer: body))
        let key = received.webhookID ?? received.idempotencyKey ?? ""
        let seen = lock.withLock {
            self.received.append(received)
            return answered.filter { $0.key == key }.count
        }
        let reply = await reply(received, seen)
        if reply.delay > .zero { try? await Task.sleep(for: reply.delay) }
        lock.withLock { answered.append((key, reply.status)) }
        var fields = HTTPFields()
        if let location = reply.location { fields[.location] = location }
        return Response(status: .init(code: reply.status), headers: fields)
    }

    /// Every request received, in order.
    var requests: [ReceivedRequest] { lock.withLock { received } }

    /// Per id, how many requests were answered 2xx.
    var acceptedCounts: [String: Int] {
        lock.withLock {
            var counts: [String: Int] = [:]
            for (key, status) in answered where (200..<300).contains(status) { counts[key, default: 0] += 1 }
            return counts
        }
    }

    /// Per id, how many requests were answered.
    var attemptCounts: [String: Int] {
        lock.withLock { answered.reduce(into: [:]) { $0[$1.key, default: 0] += 1 } }
    }

    /// Stops listening (new connections are refused) and waits until stopped.
    func stop() async {
        let (group, serving) = lock.withLock { (self.group, self.serving) }
        await group?.triggerGracefulShutdown()
        _ = await serving?.result
        lock.withLock {
            self.group = nil
            self.serving = nil
        }
    }

    /// Starts again on the same port.
    func restart() async throws {
        try await start(port: port)
    }
}
