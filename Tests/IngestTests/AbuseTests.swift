import AttacheKafka
import AttacheModels
import AttacheRuntime
import AttacheTesting
import Foundation
import Testing

@testable import Ingest

/// Hostile HTTP input against a live ingest over real TCP: whatever arrives, the service
/// stays up, answers what the API promises, and its health endpoints keep answering.
/// (How fast they answer is measured by scripts/ingest-flood.py, not asserted here.)
@Suite("HTTP abuse against a live ingest")
struct AbuseTests {
    /// Health probes made while `work` runs; every probe is a new connection.
    static func probingHealth(port: Int, during work: @escaping @Sendable () async -> Void) async -> [Int?] {
        let done = DoneFlag()
        let worker = Task {
            await work()
            done.set()
        }
        var probes: [Int?] = []
        repeat {
            probes.append(await offCooperativePool { healthStatus(port: port) })
        } while !done.isSet
        await worker.value
        probes.append(await offCooperativePool { healthStatus(port: port) })
        return probes
    }

    @Test(
        "the flood: eight concurrent 1 MB NDJSON bodies of 500,000 lines 'x' are answered 413 too_many_lines, health answers 200 throughout, the service goes on"
    )
    func flood() async throws {
        let service = try await RunningService()
        try await service.waitReady()
        let port = service.port
        let body = Array(String(repeating: "x\n", count: 500_000).utf8)
        let answers = AnswerLog()
        let probes = await AbuseTests.probingHealth(port: port) {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        answers.append(
                            await offCooperativePool {
                                rawPost(port: port, contentType: "application/x-ndjson", body: body)
                            })
                    }
                }
            }
        }
        let floods = answers.all
        #expect(floods.count == 8)
        for answer in floods {
            #expect(answer?.status == 413)
            #expect(answer?.json["error"] as? String == "too_many_lines")
            #expect((answer?.json["detail"] as? String)?.contains("line 1001") == true, "\(answer?.json ?? [:])")
            #expect((answer?.json["rejection"] as? [String: Any])?["topic"] as? String == "articles.rejected")
        }
        #expect(!probes.isEmpty)
        #expect(probes.allSatisfy { $0 == 200 }, "health answers during the flood: \(probes)")
        #expect(await offCooperativePool { healthStatus(port: port, path: "/readyz") } == 200)
        #expect(await offCooperativePool { healthStatus(port: port, path: "/metrics") } == 200)

        // Exactly the limit is parsed: 1,000 lines 'x', 1,000 rejections; one more is refused.
        let thousand = Array(String(repeating: "x\n", count: 1_000).utf8)
        let atLimit = await offCooperativePool {
            rawPost(port: port, contentType: "application/x-ndjson", body: thousand)
        }
        #expect(atLimit?.status == 400)
        #expect((atLimit?.json["results"] as? [Any])?.count == 1_000)
        #expect(atLimit?.json["rejected"] as? Int == 1_000)
        let over = await offCooperativePool {
            rawPost(port: port, contentType: "application/x-ndjson", body: thousand + Array("x\n".utf8))
        }
        #expect(over?.status == 413)

        // Still taking articles.
        let accepted = try await http(
            "POST", service.base + "/v1/articles", body: try seed(1), headers: ["Content-Type": "text/plain"])
        #expect(accepted.status == 202)
        #expect(service.health.isAlive)
        try await service.stop()
    }

    @Test(
        "ATTACHE_INGEST_MAX_BATCH: a batch over it is 413 naming the line (blank lines counted), its Rejection on articles.rejected; at the limit it is parsed"
    )
    func batchLimit() async throws {
        #expect(try IngestSettings.fromEnvironment(["ATTACHE_INGEST_MAX_BATCH": "7"]).maxBatchLines == 7)
        #expect(throws: OptionsError.self) { try IngestSettings.fromEnvironment(["ATTACHE_INGEST_MAX_BATCH": "0"]) }
        #expect(try IngestSettings.fromEnvironment([:]).maxBatchLines == 1_000)

        let service = try await RunningService(settings: IngestSettings(maxBatchLines: 3))
        let line = #"{"published": "2024-01-0N", "text": "Kazakhstan and Luxembourg, article N."}"#
        let three = (1...3).map { line.replacingOccurrences(of: "N", with: "\($0)") }.joined(separator: "\n")
        let ok = try await http(
            "POST", service.base + "/v1/articles", body: Data(three.utf8),
            headers: ["Content-Type": "application/x-ndjson"])
        #expect(ok.status == 202, "\(ok.text)")
        let four = (1...4).map { line.replacingOccurrences(of: "N", with: "\($0)") }
        let body = four[0] + "\n\n" + four[1] + "\n  \r\n" + four[2] + "\n" + four[3] + "\n"
        let refused = try await http(
            "POST", service.base + "/v1/articles", body: Data(body.utf8),
            headers: ["Content-Type": "application/x-ndjson"])
        #expect(refused.status == 413)
        #expect(refused.json["error"] as? String == "too_many_lines")
        let detail = try #require(refused.json["detail"] as? String)
        #expect(detail.contains("line 6"), "\(detail)")
        let rejection = try #require(refused.json["rejection"] as? [String: Any])
        let message = try await record(
            at: "articles.rejected", partition: Int32(rejection["partition"] as! Int),
            offset: Int64(rejection["offset"] as! Int), broker: service.broker)
        let stored = try AttacheJSON.decode(Rejection.self, from: message.value ?? [])
        #expect(stored.reason == "too_many_lines")
        #expect(stored.detail == detail)
        #expect(stored.payload.contains("article 1."))
        try await service.stop()
    }

    @Test(
        "at capacity (ATTACHE_INGEST_MAX_IN_FLIGHT) a request is answered 503 with Retry-After at once and nothing is published; the waiting one is delivered once Kafka is back"
    )
    func capacity() async throws {
        let service = try await RunningService(settings: IngestSettings(maxInFlight: 1))
        try await service.waitReady()
        let port = service.port
        service.broker.setBroker(1, up: false)
        let first = Task {
            await offCooperativePool { rawPost(port: port, contentType: "text/plain", body: Array(try! seed(2))) }
        }
        let deadline = ContinuousClock.now + .seconds(20)
        while service.metrics.value(IngestMetrics.httpInFlight) < 1, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(service.metrics.value(IngestMetrics.httpInFlight) == 1)
        let second = await offCooperativePool {
            rawPost(port: port, contentType: "text/plain", body: Array(try! seed(3)))
        }
        #expect(second?.status == 503)
        #expect(second?.headers["retry-after"] == "1")
        #expect(second?.json["error"] as? String == "unavailable")
        #expect(await offCooperativePool { healthStatus(port: port) } == 200)
        service.broker.setBroker(1, up: true)
        let answer = await first.value
        #expect(answer?.status == 202, "\(answer.map { String(decoding: $0.body, as: UTF8.self) } ?? "no answer")")
        #expect(service.metrics.value(IngestMetrics.httpRefused) == 1)
        #expect(service.metrics.value(IngestMetrics.httpInFlight) == 0)
        let parsed = try await records(of: "articles.parsed", count: 2, broker: service.broker, timeout: .seconds(5))
        #expect(parsed.count == 1, "only the admitted article is published")
        try await service.stop()
    }

    @Test(
        "a batch that would overfill the producer's queue (queue.buffering.max.messages) is answered 503 with Retry-After before anything is published"
    )
    func producerQueueFull() async throws {
        let service = try await RunningService(kafkaProperties: ["queue.buffering.max.messages": "10"])
        try await service.waitReady()
        let lines = (0..<20).map { #"{"published": "2024-02-01", "text": "Kazakhstan and Luxembourg, line \#($0)."}"# }
            .joined(separator: "\n")
        let answer = try await http(
            "POST", service.base + "/v1/articles", body: Data(lines.utf8),
            headers: ["Content-Type": "application/x-ndjson"])
        #expect(answer.status == 503)
        #expect(answer.headers["retry-after"] == "1")
        #expect((answer.json["detail"] as? String)?.contains("queue") == true, "\(answer.text)")
        let small = (0..<5).map { #"{"published": "2024-02-01", "text": "Kazakhstan and Luxembourg, line \#($0)."}"# }
            .joined(separator: "\n")
        let fits = try await http(
            "POST", service.base + "/v1/articles", body: Data(small.utf8),
            headers: ["Content-Type": "application/x-ndjson"])
        #expect(fits.status == 202, "\(fits.text)")
        let parsed = try await records(of: "articles.parsed", count: 25, broker: service.broker, timeout: .seconds(5))
        #expect(parsed.count == 5, "only the batch that fitted is published")
        try await service.stop()
    }

    @Test(
        "slow clients cannot hold a connection: a trickled body, a trickled head and an idle connection are closed; health answers meanwhile"
    )
    func slowClients() async throws {
        let service = try await RunningService(
            settings: IngestSettings(readTimeout: .seconds(2), idleTimeout: .seconds(2)))
        let port = service.port
        let closed: [Bool] = await withTaskGroup(of: (Int, Bool).self) { group in
            // A body of 1,000 bytes sent one byte every 250 ms (250 s in all).
            group.addTask {
                await offCooperativePool {
                    guard let connection = try? RawConnection(port: port) else { return (0, false) }
                    connection.send(
                        "POST /v1/articles HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n"
                    )
                    for _ in 0..<120 {
                        if !connection.send("x") { return (0, true) }
                        if connection.closedByServer(within: 0.25) { return (0, true) }
                    }
                    return (0, false)
                }
            }
            // A head sent one header line every 250 ms.
            group.addTask {
                await offCooperativePool {
                    guard let connection = try? RawConnection(port: port) else { return (1, false) }
                    connection.send("POST /v1/articles HTTP/1.1\r\nHost: x\r\n")
                    for i in 0..<120 {
                        if !connection.send("X-Slow-\(i): y\r\n") { return (1, true) }
                        if connection.closedByServer(within: 0.25) { return (1, true) }
                    }
                    return (1, false)
                }
            }
            // A connection that never sends anything.
            group.addTask {
                await offCooperativePool {
                    guard let connection = try? RawConnection(port: port) else { return (2, false) }
                    return (2, connection.closedByServer(within: 30))
                }
            }
            var results = [false, false, false]
            for await (index, wasClosed) in group { results[index] = wasClosed }
            return results
        }
        #expect(closed == [true, true, true], "trickled body, trickled head, idle")
        #expect(await offCooperativePool { healthStatus(port: port) } == 200)
        try await service.stop()
    }

    @Test(
        "invalid UTF-8 in bodies, header values and the path: a 4xx answer or an accepted article, never a 5xx or a crash"
    )
    func invalidUTF8() async throws {
        let service = try await RunningService()
        try await service.waitReady()
        let port = service.port
        let garbage: [UInt8] = [
            0xFF, 0xFE, 0xC3, 0x28, 0xA0, 0xA1, 0xE2, 0x28, 0xA1, 0xF0, 0x28, 0x8C, 0xBC, 0xED, 0xA0, 0x80,
        ]
        var answers: [RawResponse?] = []
        let seedBody =
            Array(" date 2024-05-01 \nASTANA – Kazakhstan and Luxembourg ".utf8) + garbage + Array(" agreed.\n".utf8)
        answers.append(await offCooperativePool { rawPost(port: port, contentType: "text/plain", body: seedBody) })
        answers.append(await offCooperativePool { rawPost(port: port, contentType: "text/plain", body: garbage) })
        let json = Array(#"{"published": "2024-05-01", "text": ""#.utf8) + garbage + Array(#""}"#.utf8)
        answers.append(await offCooperativePool { rawPost(port: port, contentType: "application/json", body: json) })
        answers.append(
            await offCooperativePool {
                rawPost(port: port, contentType: "application/x-ndjson", body: json + [0x0A] + garbage)
            })
        let badHeader =
            Array("POST /v1/articles HTTP/1.1\r\nHost: x\r\nContent-Type: text/pl".utf8) + garbage
            + Array("\r\nX-Name: ".utf8) + garbage + Array("\r\ntraceparent: ".utf8) + garbage
            + Array("\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc".utf8)
        answers.append(await offCooperativePool { rawRequest(port: port, badHeader) })
        let badPath =
            Array("POST /v1/".utf8) + garbage
            + Array(" HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)
        answers.append(await offCooperativePool { rawRequest(port: port, badPath) })
        for (index, answer) in answers.enumerated() {
            let status = answer?.status ?? 0
            #expect(status != 0 || index >= 4, "request \(index) got no answer")
            #expect(status < 500, "request \(index): \(status)")
        }
        #expect([202, 400].contains(answers[0]?.status ?? 0))
        #expect(answers[2]?.status == 400 || answers[2]?.status == 202)
        #expect(answers[3]?.status == 207 || answers[3]?.status == 400)
        #expect(answers[4]?.status == 415 || answers[4]?.status == 400)
        #expect(await offCooperativePool { healthStatus(port: port) } == 200)
        #expect(service.health.isAlive)
        try await service.stop()
    }

    @Test("huge heads (a 1 MB header, 5,000 headers, a 100 KB path) are refused without harm; health answers")
    func hugeHeaders() async throws {
        let service = try await RunningService()
        let port = service.port
        let big =
            "POST /v1/articles HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 1 << 20))\r\nContent-Length: 0\r\n\r\n"
        let many =
            "POST /v1/articles HTTP/1.1\r\nHost: x\r\n" + (0..<5_000).map { "X-H\($0): v\r\n" }.joined()
            + "Content-Length: 0\r\n\r\n"
        let path = "GET /\(String(repeating: "p", count: 100_000)) HTTP/1.1\r\nHost: x\r\n\r\n"
        for request in [big, many, path] {
            let answer = await offCooperativePool { rawRequest(port: port, Array(request.utf8)) }
            // NIO refuses an oversized head with 400 and closes; a reset before the answer is
            // read is also a refusal.
            #expect(
                answer == nil || answer?.status == 400 || answer?.status == 431 || answer?.status == 404,
                "\(answer?.status ?? 0)")
            #expect(await offCooperativePool { healthStatus(port: port) } == 200)
        }
        let token = try await http(
            "POST", service.base + "/v1/articles", body: try seed(0), headers: ["Content-Type": "text/plain"])
        #expect(token.status == 202)
        try await service.stop()
    }

    @Test(
        "200 concurrent connections, each submitting a distinct article: 200 answers 202, 200 distinct records on articles.parsed"
    )
    func concurrentConnections() async throws {
        let service = try await RunningService()
        try await service.waitReady()
        let port = service.port
        let answers: [RawResponse?] = await withTaskGroup(of: RawResponse?.self) { group in
            for i in 0..<200 {
                group.addTask {
                    let body = Array(
                        #"{"published": "2024-03-01", "text": "Kazakhstan and Luxembourg discussed cooperation, meeting number \#(i)."}"#
                            .utf8)
                    return await offCooperativePool {
                        rawPost(port: port, contentType: "application/json", body: body, timeout: 60)
                    }
                }
            }
            var all: [RawResponse?] = []
            for await answer in group { all.append(answer) }
            return all
        }
        #expect(answers.count == 200)
        #expect(answers.filter { $0?.status == 202 }.count == 200, "\(answers.map { $0?.status ?? 0 })")
        let ids = Set(answers.compactMap { $0?.json["id"] as? String })
        #expect(ids.count == 200)
        let parsed = try await records(of: "articles.parsed", count: 200, broker: service.broker, timeout: .seconds(30))
        #expect(
            Set(parsed.compactMap(\.keyText)) == ids,
            "records lost: \(ids.count - Set(parsed.compactMap(\.keyText)).count)")
        try await service.stop()
    }

    @Test(
        "wrong tokens are 401 and publish nothing: none, empty, another, another scheme, a 10 KB token, a prefix, non-ASCII"
    )
    func wrongTokens() async throws {
        let token = "s3cret-token"
        let service = try await RunningService(settings: IngestSettings(token: token))
        let port = service.port
        let wrong = [
            "", "Authorization: Bearer", "Authorization: Bearer ", "Authorization: Bearer s3cret",
            "Authorization: Bearer s3cret-token-and-more",
            "Authorization: Basic czNjcmV0LXRva2Vu", "Authorization: Bearer \(String(repeating: "t", count: 10_000))",
            "Authorization: token s3cret-token", "Authorization: Bearer S3CRET-TOKEN",
            "Authorization: Bearer s3cret-tokén",
        ]
        for header in wrong {
            let answer = await offCooperativePool {
                rawPost(
                    port: port, contentType: "text/plain", body: Array(try! seed(0)),
                    headers: header.isEmpty ? [] : [header])
            }
            #expect(answer?.status == 401, "\(header.prefix(60)): \(answer?.status ?? 0)")
            #expect(answer?.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
        }
        let parsed = try await records(of: "articles.parsed", count: 1, broker: service.broker, timeout: .seconds(3))
        let rejected = try await records(
            of: "articles.rejected", count: 1, broker: service.broker, timeout: .seconds(3))
        #expect(parsed.isEmpty && rejected.isEmpty, "nothing published for a wrong token")
        let right = await offCooperativePool {
            rawPost(
                port: port, contentType: "text/plain", body: Array(try! seed(0)),
                headers: ["Authorization: Bearer \(token)"])
        }
        #expect(right?.status == 202)
        try await service.stop()
    }
}

/// Answers collected from concurrent tasks.
final class AnswerLog: @unchecked Sendable {
    private let lock = NSLock()
    private var answers: [RawResponse?] = []
    func append(_ answer: RawResponse?) { lock.withLock { answers.append(answer) } }
    var all: [RawResponse?] { lock.withLock { answers } }
}
