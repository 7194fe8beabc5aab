import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What an `HTTPLoad` run measured.
public struct LoadReport: Sendable, CustomStringConvertible {
    /// Requests answered.
    public var requests: Int
    /// Answers per HTTP status (0: the connection failed).
    public var statuses: [Int: Int]
    /// The run's length in seconds.
    public var seconds: Double
    /// Median latency in seconds.
    public var p50: Double
    /// 90th percentile latency in seconds.
    public var p90: Double
    /// 99th percentile latency in seconds.
    public var p99: Double
    /// The slowest answer in seconds.
    public var max: Double
    /// Concurrent connections used.
    public var connections: Int

    /// Answers per second.
    public var rate: Double { seconds > 0 ? Double(requests) / seconds : 0 }

    public var description: String {
        func ms(_ s: Double) -> String { String(format: "%.2f ms", s * 1000) }
        let codes = statuses.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        return String(
            format:
                "%d requests in %.1f s over %d connections: %.0f requests/s; latency p50 %@, p90 %@, p99 %@, max %@; statuses {%@}",
            requests, seconds, connections, rate, ms(p50), ms(p90), ms(p99), ms(max), codes)
    }
}

/// A small closed-loop HTTP/1.1 load generator for loopback measurements of the article
/// API: `connections` keep-alive connections, each on its own thread, each sending the next
/// request as soon as the previous one is answered, for `seconds`.
public enum HTTPLoad {
    /// Runs the load and returns latency percentiles and the rate. `body(n)` gives the body
    /// of the n-th request (e.g. a distinct article each time, so that ids differ).
    public static func run(
        host: String = "127.0.0.1", port: Int, path: String = "/v1/articles", contentType: String,
        headers: [String: String] = [:], connections: Int = 8, seconds: Double = 10,
        body: @escaping @Sendable (Int) -> [UInt8]
    ) async -> LoadReport {
        let counter = Counter()
        let started = Date()
        let deadline = started.addingTimeInterval(seconds)
        let results: [(latencies: [Double], statuses: [Int: Int])] = await withTaskGroup(
            of: ([Double], [Int: Int]).self
        ) { group in
            for _ in 0..<Swift.max(1, connections) {
                group.addTask {
                    await withCheckedContinuation { continuation in
                        let thread = Thread {
                            continuation.resume(
                                returning: worker(
                                    host: host, port: port, path: path, contentType: contentType,
                                    headers: headers, deadline: deadline, counter: counter, body: body))
                        }
                        thread.start()
                    }
                }
            }
            var all: [([Double], [Int: Int])] = []
            for await result in group { all.append(result) }
            return all.map { (latencies: $0.0, statuses: $0.1) }
        }
        let elapsed = Date().timeIntervalSince(started)
        var latencies = results.flatMap(\.latencies)
        latencies.sort()
        var statuses: [Int: Int] = [:]
        for result in results { statuses.merge(result.statuses, uniquingKeysWith: +) }
        func percentile(_ p: Double) -> Double {
            guard !latencies.isEmpty else { return 0 }
            return latencies[Swift.min(latencies.count - 1, Int((Double(latencies.count) * p).rounded(.up)) - 1)]
        }
        return LoadReport(
            requests: latencies.count, statuses: statuses, seconds: elapsed, p50: percentile(0.5),
            p90: percentile(0.9), p99: percentile(0.99), max: latencies.last ?? 0, connections: connections)
    }

    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int {
            lock.withLock {
                value += 1; return value
            }
        }
    }

    private static func worker(
        host: String, port: Int, path: String, contentType: String, headers: [String: String],
        deadline: Date, counter: Counter, body: @Sendable (Int) -> [UInt8]
    ) -> ([Double], [Int: Int]) {
        var latencies: [Double] = []
        var statuses: [Int: Int] = [:]
        var fd: Int32 = -1
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var pending: [UInt8] = []
        defer { if fd >= 0 { close(fd) } }
        let extra = headers.map { "\($0.key): \($0.value)\r\n" }.joined()
        while Date() < deadline {
            if fd < 0 {
                fd = connectTCP(host: host, port: port)
                pending.removeAll()
                if fd < 0 {
                    statuses[0, default: 0] += 1
                    usleep(10_000)
                    continue
                }
            }
            let payload = body(counter.next())
            var request = Array(
                "POST \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nContent-Type: \(contentType)\r\nContent-Length: \(payload.count)\r\n\(extra)\r\n"
                    .utf8)
            request += payload
            let start = DispatchTime.now().uptimeNanoseconds
            guard writeAll(fd, request), let status = readResponse(fd, &buffer, &pending) else {
                close(fd)
                fd = -1
                statuses[0, default: 0] += 1
                continue
            }
            latencies.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            statuses[status, default: 0] += 1
        }
        return (latencies, statuses)
    }

    private static func connectTCP(host: String, port: Int) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return -1 }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { close(fd); return -1 }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { close(fd); return -1 }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return fd
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            sent += n
        }
        return true
    }

    /// Reads one response (headers and a Content-Length body); returns its status.
    private static func readResponse(_ fd: Int32, _ buffer: inout [UInt8], _ pending: inout [UInt8]) -> Int? {
        func fill() -> Bool {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return false }
            pending += buffer[0..<n]
            return true
        }
        var headerEnd: Int?
        while headerEnd == nil {
            if let end = find(pending, [13, 10, 13, 10]) { headerEnd = end } else if !fill() { return nil }
        }
        let head = String(decoding: pending[0..<headerEnd!], as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        guard let statusLine = lines.first, statusLine.split(separator: " ").count >= 2,
            let status = Int(statusLine.split(separator: " ")[1])
        else { return nil }
        var length = 0
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "content-length" {
                length = Int(parts[1].trimmingCharacters(in: .whitespaces)) ?? 0
            }
        }
        let total = headerEnd! + 4 + length
        while pending.count < total { if !fill() { return nil } }
        pending.removeFirst(total)
        return status
    }

    private static func find(_ haystack: [UInt8], _ needle: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if Array(haystack[i..<(i + needle.count)]) == needle { return i }
        }
        return nil
    }
}
