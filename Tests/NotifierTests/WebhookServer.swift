import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A request the test webhook server received.
struct ReceivedRequest: Sendable {
    var method: String
    var path: String
    /// Header names lower-cased.
    var headers: [String: String]
    var body: Data

    var idempotencyKey: String? { headers["idempotency-key"] }
}

/// A tiny HTTP/1.1 server on 127.0.0.1 (a random port), one connection at a time, each
/// answered and closed: enough to stand in for a webhook receiver. `respond` gets the
/// request and how many times its idempotency key was seen before (0 the first time) and
/// returns the status code.
final class WebhookServer: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let lock = NSLock()
    private var received: [ReceivedRequest] = []
    private var answered: [(key: String, status: Int)] = []
    private let respond: @Sendable (ReceivedRequest, Int) -> Int
    private let thread: Thread

    init(respond: @escaping @Sendable (ReceivedRequest, Int) -> Int = { _, _ in 200 }) throws {
        self.respond = respond
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: address.sin_port))
        self.listener = fd
        let box = ServerBox()
        self.thread = Thread { box.server?.acceptLoop() }
        box.server = self
        thread.start()
    }

    /// Breaks the reference cycle between the thread and the server at `stop`.
    private final class ServerBox: @unchecked Sendable {
        var server: WebhookServer?
    }

    /// The URL to POST to.
    var url: URL { URL(string: "http://127.0.0.1:\(port)/hooks/secret-path")! }

    /// Every request received, in order.
    var requests: [ReceivedRequest] { lock.withLock { received } }

    /// Per idempotency key, how many requests were answered 2xx.
    var acceptedCounts: [String: Int] {
        lock.withLock {
            var counts: [String: Int] = [:]
            for (key, status) in answered where (200..<300).contains(status) { counts[key, default: 0] += 1 }
            return counts
        }
    }

    /// Per idempotency key, how many requests arrived.
    var attemptCounts: [String: Int] {
        lock.withLock { answered.reduce(into: [:]) { $0[$1.key, default: 0] += 1 } }
    }

    private var stopped = false

    /// Stops listening: new connections are refused. Only the accept thread closes the
    /// socket, once it no longer uses it: were it closed here, its number could be reused by
    /// another socket of the process (another test's server) before the thread's next
    /// `accept`, which would then take that server's connections.
    func stop() {
        let first = lock.withLock {
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        shutdown(listener, Int32(SHUT_RDWR))
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    private func acceptLoop() {
        defer { close(listener) }
        while !isStopped {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            handle(client)
            close(client)
        }
    }

    private func handle(_ client: Int32) {
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = Data()
        var chunk = [UInt8](repeating: 0, count: 8192)
        let separator = Data("\r\n\r\n".utf8)
        var headerEnd: Range<Data.Index>?
        while headerEnd == nil {
            let n = recv(client, &chunk, chunk.count, 0)
            if n <= 0 { return }
            buffer.append(contentsOf: chunk[0..<n])
            headerEnd = buffer.range(of: separator)
        }
        let head = String(decoding: buffer[buffer.startIndex..<headerEnd!.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        var body = Data(buffer[headerEnd!.upperBound...])
        while body.count < length {
            let n = recv(client, &chunk, chunk.count, 0)
            if n <= 0 { break }
            body.append(contentsOf: chunk[0..<n])
        }
        let request = ReceivedRequest(method: requestLine.first.map(String.init) ?? "", path: requestLine.dropFirst().first.map(String.init) ?? "",
                                      headers: headers, body: body)
        let key = request.idempotencyKey ?? ""
        let seen = lock.withLock {
            received.append(request)
            return answered.filter { $0.key == key }.count
        }
        let status = respond(request, seen)
        lock.withLock { answered.append((key, status)) }
        let response = "HTTP/1.1 \(status) Status\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        _ = Array(response.utf8).withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }
}
