import AttacheTesting
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One HTTP/1.1 answer read off a socket.
struct RawResponse {
    var status: Int
    var headers: [String: String]
    var body: [UInt8]

    var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]) ?? [:] }
}

/// A blocking TCP connection to a local HTTP server, for the requests URLSession cannot
/// make: trickled bytes, malformed heads, invalid UTF-8, huge headers. Call it off the
/// cooperative pool.
final class RawConnection: @unchecked Sendable {
    private(set) var fd: Int32
    private var pending: [UInt8] = []

    /// Connects to 127.0.0.1:`port`; reads give up after `timeout` seconds of silence.
    init(port: Int, timeout: Double = 20) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            Glibc.close(fd)
            throw TestFailure("cannot connect to port \(port): errno \(errno)")
        }
        var time = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close() }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    /// Sends bytes; false when the connection is gone.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            sent += n
        }
        return true
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Reads more bytes; false on end of stream, error or timeout.
    private func fill() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { return false }
        pending += buffer[0..<n]
        return true
    }

    /// Reads one answer (head and a Content-Length body); nil when the connection closed or
    /// went silent first.
    func readResponse() -> RawResponse? {
        var headEnd: Int?
        while headEnd == nil {
            headEnd = RawConnection.find([13, 10, 13, 10], in: pending)
            if headEnd == nil, !fill() { return nil }
        }
        let head = String(decoding: pending[0..<headEnd!], as: UTF8.self).split(separator: "\r\n")
        guard let statusLine = head.first?.split(separator: " "), statusLine.count >= 2, let status = Int(statusLine[1])
        else { return nil }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 { headers[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        let length = headers["content-length"].flatMap { Int($0) } ?? 0
        let total = headEnd! + 4 + length
        while pending.count < total { if !fill() { return nil } }
        let body = Array(pending[(headEnd! + 4)..<total])
        pending.removeFirst(total)
        return RawResponse(status: status, headers: headers, body: body)
    }

    /// Whether the server closes the connection before `seconds` pass (reading and dropping
    /// whatever it sends meanwhile).
    func closedByServer(within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 200)
            if ready > 0 {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n <= 0 { return true }
            }
        }
        return false
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if Array(haystack[i..<(i + needle.count)]) == needle { return i }
        }
        return nil
    }
}

/// Sends one request on a new connection and reads the answer (nil: closed or silent).
func rawRequest(port: Int, _ bytes: [UInt8], timeout: Double = 30) -> RawResponse? {
    guard let connection = try? RawConnection(port: port, timeout: timeout) else { return nil }
    defer { connection.close() }
    guard connection.send(bytes) else { return connection.readResponse() }
    return connection.readResponse()
}

/// A POST of `body` to /v1/articles as raw bytes.
func rawPost(port: Int, contentType: String, body: [UInt8], headers: [String] = [], timeout: Double = 60)
    -> RawResponse?
{
    var head =
        "POST /v1/articles HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n"
    for header in headers { head += header + "\r\n" }
    head += "Connection: close\r\n\r\n"
    return rawRequest(port: port, Array(head.utf8) + body, timeout: timeout)
}

/// The status of `GET /healthz` on a new connection (nil: no answer within `timeout`).
func healthStatus(port: Int, path: String = "/healthz", timeout: Double = 10) -> Int? {
    rawRequest(
        port: port, Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8), timeout: timeout
    )?.status
}

/// A flag set from one task and read from another.
final class DoneFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false
    func set() { lock.withLock { done = true } }
    var isSet: Bool { lock.withLock { done } }
}
