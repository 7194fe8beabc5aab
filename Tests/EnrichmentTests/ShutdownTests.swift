import AttacheKafka
import AttacheModels
import AttacheTesting
import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// SIGTERM with the broker gone, on the built `attache` binary: each service and
/// `attache dev` must exit within the shutdown deadline (10 s by default). The tests measure
/// the time and assert only a generous bound (30 s) as a hang detector, and the status.
@Suite("SIGTERM with the broker gone", .serialized)
struct ShutdownTests {
    static let hangBound: Double = 30

    @Test("serve enrichment: exits within the deadline after SIGTERM with the broker gone, status 0")
    func enrichment() async throws {
        let broker = try AttacheProcess.start(["broker"], waitFor: "embedded broker: ")
        defer { broker.kill() }
        let servers = try #require(broker.value(after: "embedded broker: "))
        let service = try AttacheProcess.start(
            ["serve", "enrichment", "--brokers", servers, "--http-port", "0"],
            environment: ["ATTACHE_LOG_LEVEL": "info"], waitFor: "series stage assigned")
        defer { service.kill() }
        // Work in flight when the broker goes: articles published just before.
        try await publishSeeds(to: servers)
        try await Task.sleep(for: .milliseconds(300))
        broker.kill()
        try await Task.sleep(for: .seconds(2))
        let (seconds, status) = try await service.terminate()
        Swift.print(
            "SIGTERM → exit with the broker gone: serve enrichment \(String(format: "%.2f", seconds)) s, status \(status)"
        )
        Swift.print(
            service.errors.split(separator: "\n").filter { !$0.contains("librdkafka") }.suffix(12).joined(
                separator: "\n"))
        #expect(
            seconds < Self.hangBound,
            "serve enrichment still ran \(seconds) s after SIGTERM:\n\(service.errors.suffix(3_000))")
        // 0: stopped by itself; 1: the deadline's watchdog ended it (and said what was left).
        #expect(status == 0 || status == 1, "\(service.errors.suffix(3_000))")
    }

    @Test(
        "serve ingest: exits within the deadline after SIGTERM with the broker gone and a request waiting for its delivery"
    )
    func ingest() async throws {
        let broker = try AttacheProcess.start(["broker"], waitFor: "embedded broker: ")
        defer { broker.kill() }
        let servers = try #require(broker.value(after: "embedded broker: "))
        let service = try AttacheProcess.start(
            ["serve", "ingest", "--brokers", servers, "--http-port", "0"],
            environment: ["ATTACHE_LOG_LEVEL": "info"], waitFor: "ingest HTTP listening on ")
        defer { service.kill() }
        let port = try #require(
            service.value(after: "ingest HTTP listening on ")?.split(separator: ":").last.flatMap {
                Int($0.prefix { $0.isNumber })
            })
        broker.kill()
        try await Task.sleep(for: .seconds(1))
        // A request that waits for a delivery report that cannot come.
        let request = Task { try? await post(seedText(), port: port) }
        try await Task.sleep(for: .seconds(1))
        let (seconds, status) = try await service.terminate()
        request.cancel()
        Swift.print(
            "SIGTERM → exit with the broker gone: serve ingest \(String(format: "%.2f", seconds)) s, status \(status)")
        #expect(
            seconds < Self.hangBound,
            "serve ingest still ran \(seconds) s after SIGTERM:\n\(service.errors.suffix(3_000))")
        #expect(status == 0, "\(service.errors.suffix(3_000))")
    }

    @Test("serve notifier: exits within the deadline after SIGTERM with the broker gone")
    func notifier() async throws {
        let broker = try AttacheProcess.start(["broker"], waitFor: "embedded broker: ")
        defer { broker.kill() }
        let servers = try #require(broker.value(after: "embedded broker: "))
        let service = try AttacheProcess.start(
            ["serve", "notifier", "--brokers", servers, "--http-port", "0"],
            environment: ["ATTACHE_LOG_LEVEL": "info"], waitFor: "notifier consuming")
        defer { service.kill() }
        try await Task.sleep(for: .seconds(4))
        broker.kill()
        try await Task.sleep(for: .seconds(2))
        let (seconds, status) = try await service.terminate()
        Swift.print(
            "SIGTERM → exit with the broker gone: serve notifier \(String(format: "%.2f", seconds)) s, status \(status)"
        )
        #expect(
            seconds < Self.hangBound,
            "serve notifier still ran \(seconds) s after SIGTERM:\n\(service.errors.suffix(3_000))")
        #expect(status == 0 || status == 1, "\(service.errors.suffix(3_000))")
    }

    @Test(
        "a broker that accepts connections and never answers: every service exits within the deadline after SIGTERM",
        arguments: ["enrichment", "ingest", "notifier"])
    func silentBroker(_ service: String) async throws {
        let silent = try SilentBroker()
        defer { silent.stop() }
        let process = try AttacheProcess.start(
            ["serve", service, "--brokers", "127.0.0.1:\(silent.port)", "--http-port", "0"],
            environment: ["ATTACHE_LOG_LEVEL": "info", "ATTACHE_EXACTLY_ONCE": "false"],
            waitFor: "starting")
        defer { process.kill() }
        try await Task.sleep(for: .seconds(6))
        let (seconds, status) = try await process.terminate()
        Swift.print(
            "SIGTERM → exit with a silent broker: serve \(service) \(String(format: "%.2f", seconds)) s, status \(status)"
        )
        #expect(
            seconds < Self.hangBound,
            "serve \(service) still ran \(seconds) s after SIGTERM:\n\(process.errors.suffix(3_000))")
        #expect(status == 0 || status == 1, "\(process.errors.suffix(3_000))")
    }

    @Test("attache dev: exits within the deadline after SIGTERM while requests wait")
    func dev() async throws {
        let base = try freePorts(3)
        let dev = try AttacheProcess.start(
            ["dev", "--http-port", String(base)], environment: ["ATTACHE_LOG_LEVEL": "info"],
            waitFor: "ingest:     POST")
        defer { dev.kill() }
        let request = Task { try? await post(seedText(), port: base) }
        try await Task.sleep(for: .milliseconds(500))
        let (seconds, status) = try await dev.terminate()
        request.cancel()
        Swift.print("SIGTERM → exit: attache dev \(String(format: "%.2f", seconds)) s, status \(status)")
        #expect(
            seconds < Self.hangBound, "attache dev still ran \(seconds) s after SIGTERM:\n\(dev.errors.suffix(3_000))")
        #expect(status == 0, "\(dev.errors.suffix(3_000))")
    }

    @Test("the shutdown deadline is configurable and holds even when a stop would block (ATTACHE_SHUTDOWN_TIMEOUT_MS)")
    func configurableDeadline() async throws {
        let broker = try AttacheProcess.start(["broker"], waitFor: "embedded broker: ")
        defer { broker.kill() }
        let servers = try #require(broker.value(after: "embedded broker: "))
        let service = try AttacheProcess.start(
            ["serve", "ingest", "--brokers", servers, "--http-port", "0"],
            environment: ["ATTACHE_LOG_LEVEL": "info", "ATTACHE_SHUTDOWN_TIMEOUT_MS": "2000"],
            waitFor: "ingest HTTP listening on ")
        defer { service.kill() }
        let port = try #require(
            service.value(after: "ingest HTTP listening on ")?.split(separator: ":").last.flatMap {
                Int($0.prefix { $0.isNumber })
            })
        broker.kill()
        let request = Task { try? await post(seedText(), port: port) }
        try await Task.sleep(for: .seconds(1))
        let (seconds, status) = try await service.terminate()
        request.cancel()
        Swift.print(
            "SIGTERM → exit with the broker gone, deadline 2 s: serve ingest \(String(format: "%.2f", seconds)) s, status \(status)"
        )
        #expect(seconds < 2.0 + 1.5, "exited \(seconds) s after SIGTERM with a 2 s deadline")
    }
}

/// The seeds' first article as text.
func seedText() throws -> String {
    let names = try FileManager.default.contentsOfDirectory(atPath: Seeds.directory.path).filter {
        $0.hasSuffix(".txt")
    }.sorted()
    return try String(contentsOf: Seeds.directory.appendingPathComponent(names[0]), encoding: .utf8)
}

/// POSTs an article to ingest on localhost.
@discardableResult
func post(_ text: String, port: Int) async throws -> Int {
    var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/articles")!)
    request.httpMethod = "POST"
    request.setValue("text/plain", forHTTPHeaderField: "Content-Type")
    request.httpBody = Data(text.utf8)
    request.timeoutInterval = 60
    let (_, response) = try await URLSession.shared.data(for: request)
    return (response as? HTTPURLResponse)?.statusCode ?? 0
}

/// Publishes the seeds (as parsed articles) to a broker given by address.
func publishSeeds(to servers: String) async throws {
    let producer = try KafkaProducer(config: KafkaConfig(bootstrapServers: servers), logger: testLogger)
    defer { producer.close(timeoutMs: 1_000) }
    for article in try Seeds.articles() {
        _ = try await producer.send(
            try .json(topic: Topics().parsed, key: article.id, value: article, traceparent: nil))
    }
}

/// The built `attache` binary run as a subprocess in a directory of its own, its output
/// collected in files.
final class AttacheProcess: @unchecked Sendable {
    let process = Process()
    let directory: URL
    private let outURL: URL
    private let errURL: URL

    /// The binary next to the test bundle, else in the package's `.build/debug`.
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["ATTACHE_BINARY"] { return path }
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
            "attache"
        ).path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        for candidate in [
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("attache").path,
            Seeds.directory.deletingLastPathComponent().appendingPathComponent(".build/debug/attache").path,
        ]
        where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return Seeds.directory.deletingLastPathComponent().appendingPathComponent(".build/debug/attache").path
    }

    private init(_ arguments: [String], environment: [String: String]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "attache-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        outURL = directory.appendingPathComponent("stdout")
        errURL = directory.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: AttacheProcess.binary)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env["ATTACHE_BROKERS"] = nil
        for (name, value) in environment { env[name] = value }
        process.environment = env
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
    }

    /// Starts `attache ARGUMENTS` and waits (up to 60 s) until its output contains `text`.
    static func start(_ arguments: [String], environment: [String: String] = [:], waitFor text: String) throws
        -> AttacheProcess
    {
        let started = try AttacheProcess(arguments, environment: environment)
        let deadline = Date().addingTimeInterval(60)
        while !(started.output + started.errors).contains(text) {
            guard Date() < deadline, started.process.isRunning else {
                started.kill()
                throw ProcessFailure(
                    description:
                        "attache \(arguments.joined(separator: " ")) did not print '\(text)': \(started.errors.suffix(2_000))"
                )
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return started
    }

    var output: String { (try? String(contentsOf: outURL, encoding: .utf8)) ?? "" }
    var errors: String { (try? String(contentsOf: errURL, encoding: .utf8)) ?? "" }

    /// The rest of the first output line after `prefix`.
    func value(after prefix: String) -> String? {
        for line in (output + "\n" + errors).split(separator: "\n") {
            if let range = line.range(of: prefix) {
                return String(line[range.upperBound...]).split(separator: " ").first.map(String.init)
            }
        }
        return nil
    }

    /// Sends SIGTERM and waits for the exit (killing the process after the hang bound):
    /// seconds from the signal to the exit, and the exit status.
    func terminate() async throws -> (seconds: Double, status: Int32) {
        let process = process
        let started = ContinuousClock.now
        Foundation.kill(process.processIdentifier, SIGTERM)
        let exited = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            DispatchQueue(label: "attache.test.wait").async {
                let deadline = Date().addingTimeInterval(ShutdownTests.hangBound + 5)
                while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
                continuation.resume(returning: !process.isRunning)
            }
        }
        let elapsed = started.duration(to: .now).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        if !exited {
            // For the report: where it hangs.
            if FileManager.default.isExecutableFile(atPath: "/usr/bin/gdb") {
                let gdb = Process()
                gdb.executableURL = URL(fileURLWithPath: "/usr/bin/gdb")
                gdb.arguments = ["-p", String(process.processIdentifier), "-batch", "-ex", "thread apply all bt 15"]
                let stacks = directory.appendingPathComponent("stacks")
                FileManager.default.createFile(atPath: stacks.path, contents: nil)
                gdb.standardOutput = try? FileHandle(forWritingTo: stacks)
                gdb.standardError = gdb.standardOutput
                try? gdb.run()
                gdb.waitUntilExit()
                Swift.print("hung process stacks in \(stacks.path)")
            }
            self.kill()
            return (seconds, -1)
        }
        return (seconds, process.terminationStatus)
    }

    /// Ends the process at once (SIGKILL), if it still runs.
    func kill() {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
    }
}

struct ProcessFailure: Error, CustomStringConvertible {
    var description: String
}

/// A TCP listener on loopback that accepts connections and never answers: a broker that is
/// there and says nothing (hung, or behind a black-holing network).
final class SilentBroker: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let lock = NSLock()
    private var connections: [Int32] = []
    private var stopped = false

    init() throws {
        let listener = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(listener, pointer, length) == 0, listen(listener, 64) == 0 else { return -1 }
                return getsockname(listener, pointer, &length)
            }
        }
        guard bound == 0 else { throw ProcessFailure(description: "cannot listen on loopback") }
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread { [self] in
            while true {
                let connection = accept(listener, nil, nil)
                if connection < 0 { return }
                lock.withLock { connections.append(connection) }
            }
        }.start()
    }

    func stop() {
        let open = lock.withLock {
            defer { connections = []; stopped = true }
            return stopped ? [] : connections + [listener]
        }
        for descriptor in open {
            shutdown(descriptor, Int32(SHUT_RDWR))
            close(descriptor)
        }
    }
}

/// The first of `count` consecutive loopback ports that are free now, below the ephemeral
/// range (so that no client's own port takes one meanwhile).
func freePorts(_ count: Int) throws -> Int {
    func free(_ port: Int) -> Bool {
        let descriptor = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
    for _ in 0..<200 {
        let base = Int.random(in: 20_000...32_000)
        if (base..<base + count).allSatisfy(free) { return base }
    }
    throw ProcessFailure(description: "no \(count) consecutive free ports found")
}
