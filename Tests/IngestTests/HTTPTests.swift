import AttacheKafka
import AttacheModels
import AttacheRuntime
import AttacheTesting
import Foundation
import Testing

@testable import Ingest

@Suite("HTTP article API over real TCP")
struct HTTPTests {
    @Test(
        "text/plain seed: 202 after delivery, the record on articles.parsed with its headers; the second submit is a duplicate"
    )
    func seedText() async throws {
        let service = try await RunningService()
        let trace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
        let first = try await http(
            "POST", service.base + "/v1/articles", body: try seed(0),
            headers: ["Content-Type": "text/plain; charset=utf-8", "traceparent": trace])
        #expect(first.status == 202, "\(first.text)")
        let answer = first.json
        let id = try #require(answer["id"] as? String)
        #expect(answer["duplicate"] as? Bool == false)
        #expect(answer["topic"] as? String == "articles.parsed")
        let partition = try #require(answer["partition"] as? Int)
        let offset = try #require(answer["offset"] as? Int)
        #expect(first.headers["traceparent"]?.contains("0af7651916cd43dd8448eb211c80319c") == true)

        let message = try await record(
            at: "articles.parsed", partition: Int32(partition), offset: Int64(offset), broker: service.broker)
        #expect(message.keyText == id)
        #expect(message.header("content-type")?.text == "application/json")
        #expect(message.header("schema")?.text == "attache.article.v1")
        #expect(
            message.header("traceparent")?.text.flatMap(TraceContext.traceID(of:)) == "0af7651916cd43dd8448eb211c80319c"
        )
        let article = try AttacheJSON.decode(Article.self, from: message.value ?? [])
        #expect(article.id == id)
        #expect(article.origin == "http")
        #expect(article.published.description == "2023-06-30")

        let second = try await http(
            "POST", service.base + "/v1/articles", body: try seed(0), headers: ["Content-Type": "text/plain"])
        #expect(second.status == 202)
        #expect(second.json["id"] as? String == id)
        #expect(second.json["duplicate"] as? Bool == true)
        #expect(
            service.metrics.value(IngestMetrics.articles, labels: ["channel": "http", "outcome": "duplicate"]) == 1)

        // curl (which sends `Expect: 100-continue` for larger bodies) gets the same answer.
        let curl = try await run(
            "/usr/bin/curl",
            [
                "-s", "-H", "Content-Type: text/plain", "-H", "Expect: 100-continue",
                "--data-binary", "@" + (try seedFiles()[0]), service.base + "/v1/articles",
            ])
        let viaCurl = try JSONSerialization.jsonObject(with: Data(curl.output.utf8)) as? [String: Any]
        #expect(viaCurl?["id"] as? String == id)
        #expect(viaCurl?["duplicate"] as? Bool == true)
        try await service.stop()
    }

    @Test("application/json: 202; invalid JSON: 400 with the Rejection's detail, which is on articles.rejected")
    func json() async throws {
        let service = try await RunningService()
        let body = Data(
            #"{"published": "2023-06-29", "title": "Kazakhstan and Luxembourg", "text": "ASTANA. KAZINFORM – Kazakhstan and Luxembourg mark 31 years of diplomatic relations."}"#
                .utf8)
        let accepted = try await http(
            "POST", service.base + "/v1/articles", body: body, headers: ["Content-Type": "application/json"])
        #expect(accepted.status == 202, "\(accepted.text)")
        #expect((accepted.json["id"] as? String)?.isEmpty == false)
        #expect(accepted.json["duplicate"] as? Bool == false)

        let bad = try await http(
            "POST", service.base + "/v1/articles", body: Data(#"{"published": "2023-02-30", "text": "x"}"#.utf8),
            headers: ["Content-Type": "application/json"])
        #expect(bad.status == 400)
        #expect(bad.json["error"] as? String == "invalid_date")
        let detail = try #require(bad.json["detail"] as? String)
        let rejection = try #require(bad.json["rejection"] as? [String: Any])
        #expect(rejection["topic"] as? String == "articles.rejected")
        let message = try await record(
            at: "articles.rejected", partition: Int32(rejection["partition"] as! Int),
            offset: Int64(rejection["offset"] as! Int), broker: service.broker)
        let stored = try AttacheJSON.decode(Rejection.self, from: message.value ?? [])
        #expect(stored.detail == detail)
        #expect(stored.reason == "invalid_date")
        #expect(message.keyText == stored.key)
        #expect(message.header("schema")?.text == "attache.rejection.v1")

        let malformed = try await http(
            "POST", service.base + "/v1/articles", body: Data("{\"published\": ".utf8),
            headers: ["Content-Type": "application/json"])
        #expect(malformed.status == 400)
        #expect(malformed.json["error"] as? String == "invalid_json")
        try await service.stop()
    }

    @Test("NDJSON: a result per line; 207 for partial acceptance, 202 when all pass, 400 when none does")
    func ndjson() async throws {
        let service = try await RunningService()
        let good1 = #"{"published": "2024-01-10", "text": "Kazakhstan and Luxembourg signed an agreement."}"#
        let bad = #"{"published": "2024-13-01", "text": "Bad month."}"#
        let good2 = #"{"published": "2024-01-11", "text": "Trade between Kazakhstan and the EU grew."}"#
        let batch = [good1, "", bad, good2].joined(separator: "\n") + "\n"
        let mixed = try await http(
            "POST", service.base + "/v1/articles", body: Data(batch.utf8),
            headers: ["Content-Type": "application/x-ndjson"])
        #expect(mixed.status == 207, "\(mixed.text)")
        #expect(mixed.json["accepted"] as? Int == 2)
        #expect(mixed.json["rejected"] as? Int == 1)
        let results = try #require(mixed.json["results"] as? [[String: Any]])
        #expect(results.map { $0["line"] as? Int } == [1, 3, 4])
        #expect(results.map { $0["status"] as? Int } == [202, 400, 202])
        #expect(results[1]["error"] as? String == "invalid_date")
        #expect((results[1]["detail"] as? String)?.contains("Line 3") == true)
        #expect(results[0]["topic"] as? String == "articles.parsed")
        #expect(results[0]["offset"] is Int)

        let allGood = try await http(
            "POST", service.base + "/v1/articles", body: Data((good1 + "\n" + good2).utf8),
            headers: ["Content-Type": "application/x-ndjson"])
        #expect(allGood.status == 202)
        #expect(allGood.json["duplicates"] as? Int == 2)
        let allBad = try await http(
            "POST", service.base + "/v1/articles", body: Data((bad + "\nnot json\n").utf8),
            headers: ["Content-Type": "application/x-ndjson"])
        #expect(allBad.status == 400)
        #expect(
            (allBad.json["results"] as? [[String: Any]])?.map { $0["error"] as? String } == [
                "invalid_date", "invalid_json",
            ])
        try await service.stop()
    }

    @Test("415 for other content types and none; 413 above the size limit (declared or streamed)")
    func mediaTypeAndSize() async throws {
        let service = try await RunningService(settings: IngestSettings(maxBytes: 4096))
        let xml = try await http(
            "POST", service.base + "/v1/articles", body: Data("<a/>".utf8), headers: ["Content-Type": "application/xml"]
        )
        #expect(xml.status == 415)
        #expect(xml.json["error"] as? String == "unsupported_media_type")
        let none = try await http(
            "POST", service.base + "/v1/articles", body: Data("x".utf8), headers: ["Content-Type": ""])
        #expect(none.status == 415)

        var big = try seed(2)
        while big.count <= 4096 { big += Data(" More text about trade.".utf8) }
        let tooLarge = try await http(
            "POST", service.base + "/v1/articles", body: big, headers: ["Content-Type": "text/plain"])
        #expect(tooLarge.status == 413, "\(tooLarge.text)")
        #expect(tooLarge.json["error"] as? String == "too_large")
        #expect((tooLarge.json["detail"] as? String)?.contains("4,096 bytes (4 KiB)") == true)
        #expect((tooLarge.json["rejection"] as? [String: Any])?["topic"] as? String == "articles.rejected")

        // Chunked, without Content-Length: found while reading.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(unique("big") + ".txt")
        try big.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let curl = try await run(
            "/usr/bin/curl",
            [
                "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Content-Type: text/plain",
                "-H", "Transfer-Encoding: chunked", "--data-binary", "@" + file.path, service.base + "/v1/articles",
            ])
        #expect(curl.output == "413")

        // Just under the limit is fine.
        let small = try await http(
            "POST", service.base + "/v1/articles", body: try seed(1), headers: ["Content-Type": "text/plain"])
        #expect(small.status == 202)
        try await service.stop()
    }

    @Test("401 without or with a wrong bearer token, 202 with the right one")
    func token() async throws {
        let service = try await RunningService(settings: IngestSettings(token: "s3cret-token"))
        let url = service.base + "/v1/articles"
        let missing = try await http("POST", url, body: try seed(1), headers: ["Content-Type": "text/plain"])
        #expect(missing.status == 401)
        #expect(missing.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
        #expect(!missing.text.contains("s3cret"))
        let wrong = try await http(
            "POST", url, body: try seed(1),
            headers: ["Content-Type": "text/plain", "Authorization": "Bearer s3cret-tokeN"])
        #expect(wrong.status == 401)
        let prefix = try await http(
            "POST", url, body: try seed(1), headers: ["Content-Type": "text/plain", "Authorization": "Bearer s3cret"])
        #expect(prefix.status == 401)
        let basic = try await http(
            "POST", url, body: try seed(1),
            headers: ["Content-Type": "text/plain", "Authorization": "Basic s3cret-token"])
        #expect(basic.status == 401)
        let right = try await http(
            "POST", url, body: try seed(1),
            headers: ["Content-Type": "text/plain", "Authorization": "Bearer s3cret-token"])
        #expect(right.status == 202)
        // Health endpoints need no token.
        #expect(try await http("GET", service.base + "/healthz").status == 200)
        try await service.stop()
    }

    @Test("/healthz, /readyz (once connected and assigned) and /metrics answer")
    func healthAndMetrics() async throws {
        let service = try await RunningService()
        #expect(try await http("GET", service.base + "/healthz").status == 200)
        _ = try await http(
            "POST", service.base + "/v1/articles", body: try seed(3), headers: ["Content-Type": "text/plain"])
        _ = try await http(
            "POST", service.base + "/v1/articles", body: Data("no date line".utf8),
            headers: ["Content-Type": "text/plain"])
        try await service.waitReady()
        let ready = try await http("GET", service.base + "/readyz")
        #expect(ready.status == 200, "\(ready.text)")
        let metrics = try await http("GET", service.base + "/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.text.contains(#"attache_ingest_articles_total{channel="http",outcome="accepted"} 1"#))
        #expect(metrics.text.contains(#"attache_ingest_rejections_total{channel="http",reason="missing_date_line"} 1"#))
        #expect(metrics.text.contains("attache_ingest_http_request_duration_seconds_bucket"))
        #expect(metrics.text.contains("attache_ingest_publish_duration_seconds_count"))
        try await service.stop()
        #expect(!service.health.isReady)
    }

    @Test("the token check, content types and batch line numbers")
    func helpers() {
        #expect(ArticleAPI.authorized("Bearer abc", token: "abc"))
        #expect(ArticleAPI.authorized("bearer  abc ", token: "abc"))
        #expect(!ArticleAPI.authorized("Bearer abcd", token: "abc"))
        #expect(!ArticleAPI.authorized("Bearer", token: "abc"))
        #expect(!ArticleAPI.authorized(nil, token: "abc"))
        #expect(ArticleAPI.kind(of: "text/plain; charset=utf-8") == .seed)
        #expect(ArticleAPI.kind(of: "Application/JSON") == .json)
        #expect(ArticleAPI.kind(of: "application/x-ndjson") == .ndjson)
        #expect(ArticleAPI.kind(of: "text/html") == nil)
        #expect(ArticleAPI.nonBlankLines(Array("a\n\n  \nb\r\nc".utf8)) == [1, 4, 5])
        #expect(ArticleAPI.nonBlankLines(Array("a\n".utf8)) == [1])
    }
}
