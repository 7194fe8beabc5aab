import ArticleParsing
import AttacheModels
import AttacheRuntime
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// `POST /v1/articles`: the ingest service's HTTP API (DESIGN.md §5).
///
/// Checked in this order:
/// - **401** `{error: "unauthorized", detail}` with `WWW-Authenticate: Bearer` when a token is
///   configured and the request has no `Authorization: Bearer <token>` or another token
///   (compared in constant time). Nothing is published.
/// - **415** `{error: "unsupported_media_type", detail}` unless the `Content-Type` is
///   `text/plain` (seed format), `application/json` or `application/x-ndjson` (parameters
///   such as `charset` are ignored). Nothing is published.
/// - **413** `{error: "too_large", detail, rejection}` when the body is over the size limit
///   (declared by `Content-Length` or found while reading). A `too_large` Rejection (with the
///   first 64 KiB) is published to `articles.rejected` first.
/// - One article (`text/plain`, `application/json`): **202** `{id, duplicate, topic, partition,
///   offset}` once `articles.parsed` acknowledged it; **400** `{error: <reason code>, detail,
///   line?, column?, rejection: {id, duplicate, topic, partition, offset}}` once the Rejection
///   is on `articles.rejected` (`detail` is the Rejection's detail).
/// - A batch (`application/x-ndjson`, one JSON article per line, blank lines skipped):
///   `{accepted, duplicates, rejected, results: [...]}` with one result per non-blank line,
///   in order: `{line, status: 202, id, duplicate, topic, partition, offset}` or
///   `{line, status: 400, error, detail, column?, rejection}`. The status is **202** when
///   every line was accepted, **207** (Multi-Status) when some were and some were rejected,
///   **400** when none was accepted. Each line is published (article or rejection) before
///   the answer.
/// - **503** `{error: "unavailable", detail}` with `Retry-After` when Kafka did not
///   acknowledge a record in time (for a batch, the lines that failed have `status: 503`).
///
/// Every answer carries the `traceparent` of the request's trace (continued from the
/// request's `traceparent` header, else new).
public struct ArticleAPI: Sendable {
    /// What publishes each submission.
    public let publisher: ArticlePublisher
    /// The size limit and the token.
    public let settings: IngestSettings
    /// Where request latency is recorded.
    public let metrics: Metrics
    /// Logs rejections and delivery failures (never the token).
    public let logger: Logger
    private let parser: ArticleParser

    /// The route's path.
    public static let path = "/v1/articles"

    /// An API publishing through `publisher`, parsing with a limit of `settings.maxBytes`.
    public init(publisher: ArticlePublisher, settings: IngestSettings, metrics: Metrics, logger: Logger) {
        self.publisher = publisher
        self.settings = settings
        self.metrics = metrics
        self.logger = logger
        self.parser = ArticleParser(maxBytes: settings.maxBytes)
    }

    /// Adds `POST /v1/articles` to `router`.
    public func register(on router: Router<BasicRequestContext>) {
        router.post(RouterPath(stringLiteral: ArticleAPI.path)) { request, _ -> Response in
            await self.handle(request)
        }
    }

    /// Answers one request and records its latency.
    public func handle(_ request: Request) async -> Response {
        let started = ContinuousClock.now
        let response = await answer(request)
        metrics.observe(IngestMetrics.httpSeconds, (ContinuousClock.now - started).seconds,
                        labels: ["status": String(response.status.code)])
        return response
    }

    enum Kind {
        case seed, json, ndjson
    }

    private func answer(_ request: Request) async -> Response {
        let trace = TraceContext.child(of: request.headers[ArticleAPI.traceparentField])
        if let token = settings.token, !ArticleAPI.authorized(request.headers[.authorization], token: token) {
            var response = json(ErrorBody(error: "unauthorized",
                                          detail: "this service requires a bearer token: send the header 'Authorization: Bearer <token>' with the configured token"),
                                status: .unauthorized, trace: trace)
            response.headers[.wwwAuthenticate] = "Bearer realm=\"attache\""
            return response
        }
        let contentType = request.headers[.contentType]
        guard let kind = ArticleAPI.kind(of: contentType) else {
            let given = contentType.map { "the content type '\($0)' is not accepted" } ?? "the request has no Content-Type"
            return json(ErrorBody(error: "unsupported_media_type",
                                  detail: "\(given); send text/plain (the seed format), application/json ({published, text, title?, source?}) or application/x-ndjson (one such object per line)"),
                        status: .unsupportedMediaType, trace: trace)
        }

        // Read the body, up to the limit.
        let limit = settings.maxBytes
        let declared = request.headers[.contentLength].flatMap { Int($0) }
        var tooLarge = declared.map { $0 > limit } ?? false
        let keep = tooLarge ? Rejection.maxPayloadBytes : limit
        var body: [UInt8] = []
        body.reserveCapacity(min(declared ?? 16_384, keep + 1))
        do {
            for try await chunk in request.body {
                body.append(contentsOf: chunk.readableBytesView)
                if body.count > keep {
                    tooLarge = true
                    break
                }
            }
        } catch {
            return json(ErrorBody(error: "unreadable_body", detail: "the request body could not be read: \(error)"),
                        status: .badRequest, trace: trace)
        }
        let receivedAt = Date()
        if tooLarge {
            let size = declared.map { "\(ArticleAPI.grouped($0)) bytes" } ?? "more than \(ArticleAPI.grouped(limit)) bytes"
            let rejection = Rejection(reason: "too_large",
                                      detail: "The submission is \(size), over the limit of \(ArticleAPI.describeLimit(limit)); split it into smaller articles.",
                                      origin: "http", payload: body.prefix(Rejection.maxPayloadBytes), at: receivedAt)
            do {
                let publication = try await publisher.publish(.failure(rejection), traceparent: trace, channel: .http)
                return json(RejectedBody(rejection, publication), status: .contentTooLarge, trace: trace)
            } catch {
                return unavailable(error, trace: trace)
            }
        }

        switch kind {
        case .seed, .json:
            let input: ArticleInput = kind == .seed ? .seedText(body) : .json(body)
            let result = parser.parse(input, origin: "http", receivedAt: receivedAt)
            do {
                let publication = try await publisher.publish(result, traceparent: trace, channel: .http)
                if let rejection = publication.rejection {
                    logger.info("rejected an HTTP submission: \(rejection.reason): \(rejection.detail)")
                    return json(RejectedBody(rejection, publication), status: rejection.reason == "too_large" ? .contentTooLarge : .badRequest,
                                trace: trace)
                }
                return json(publication, status: .accepted, trace: trace)
            } catch {
                return unavailable(error, trace: trace)
            }
        case .ndjson:
            return await batch(body, receivedAt: receivedAt, trace: trace)
        }
    }

    private func batch(_ body: [UInt8], receivedAt: Date, trace: String) async -> Response {
        var results = parser.parseBatch(ndjson: body, origin: "http", receivedAt: receivedAt)
        var lines = ArticleAPI.nonBlankLines(body)
        if results.isEmpty {
            let rejection = Rejection(reason: "empty_body",
                                      detail: "The batch has no lines; send one JSON object {\"published\": \"YYYY-MM-DD\", \"text\": \"…\"} per line.",
                                      origin: "http", payload: body, at: receivedAt)
            results = [.failure(rejection)]
            lines = [1]
        }
        if lines.count != results.count { lines = Array(1...results.count) }
        let outcomes: [Result<Publication, any Error>] = await withTaskGroup(of: (Int, Result<Publication, any Error>).self) { group in
            for (index, result) in results.enumerated() {
                group.addTask {
                    do {
                        return (index, .success(try await publisher.publish(result, traceparent: trace, channel: .http)))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var outcomes = [Result<Publication, any Error>?](repeating: nil, count: results.count)
            for await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes.map { $0! }
        }
        var answer = BatchBody(accepted: 0, duplicates: 0, rejected: 0, failed: 0, results: [])
        for (index, outcome) in outcomes.enumerated() {
            var line = LineResult(line: lines[index])
            switch outcome {
            case .failure(let error):
                answer.failed += 1
                line.status = 503
                line.error = "unavailable"
                line.detail = "not delivered to Kafka: \(error)"
            case .success(let publication) where publication.rejection == nil:
                answer.accepted += 1
                if publication.duplicate { answer.duplicates += 1 }
                line.status = 202
                line.id = publication.id
                line.duplicate = publication.duplicate
                line.topic = publication.topic
                line.partition = publication.partition
                line.offset = publication.offset
            case .success(let publication):
                let rejection = publication.rejection!
                answer.rejected += 1
                line.status = 400
                line.error = rejection.reason
                line.detail = rejection.detail
                line.column = rejection.column
                line.rejection = publication
            }
            answer.results.append(line)
        }
        let status: HTTPResponse.Status
        if answer.failed > 0 {
            status = .serviceUnavailable
        } else if answer.rejected == 0 {
            status = .accepted
        } else if answer.accepted > 0 {
            status = ArticleAPI.multiStatus
        } else {
            status = .badRequest
        }
        var response = json(answer, status: status, trace: trace)
        if answer.failed > 0 { response.headers[.retryAfter] = "5" }
        return response
    }

    // MARK: - Helpers

    static let traceparentField = HTTPField.Name("traceparent")!
    /// 207 Multi-Status (WebDAV), for a batch with some lines accepted and some rejected.
    static let multiStatus = HTTPResponse.Status(code: 207, reasonPhrase: "Multi-Status")

    /// The kind of submission a Content-Type names, nil for the unsupported ones.
    static func kind(of contentType: String?) -> Kind? {
        guard let contentType else { return nil }
        let media = contentType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        switch media {
        case "text/plain": return .seed
        case "application/json": return .json
        case "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines": return .ndjson
        default: return nil
        }
    }

    /// Whether an `Authorization` header carries `Bearer <token>`; compares in constant time
    /// (over SHA-256 digests, so neither content nor length leaks through timing).
    static func authorized(_ header: String?, token: String) -> Bool {
        guard let header else { return false }
        let parts = header.trimmingCharacters(in: .whitespaces).split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return false }
        let given = SHA256.digest(Array(parts[1].trimmingCharacters(in: .whitespaces).utf8))
        let expected = SHA256.digest(Array(token.utf8))
        var difference: UInt8 = 0
        for (a, b) in zip(given, expected) { difference |= a ^ b }
        return difference == 0 && given.count == expected.count
    }

    /// The 1-based numbers of the lines `ArticleParser.parseBatch` parses (the non-blank ones).
    static func nonBlankLines(_ bytes: [UInt8]) -> [Int] {
        var numbers: [Int] = []
        var line = 1
        var blank = true
        for byte in bytes {
            if byte == 0x0A {
                if !blank { numbers.append(line) }
                line += 1
                blank = true
            } else if byte != 0x20 && byte != 0x09 && byte != 0x0D {
                blank = false
            }
        }
        if !blank { numbers.append(line) }
        return numbers
    }

    static func grouped(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }

    static func describeLimit(_ limit: Int) -> String {
        var text = "\(grouped(limit)) bytes"
        if limit >= 1 << 20, limit % (1 << 20) == 0 { text += " (\(limit >> 20) MiB)" }
        else if limit >= 1 << 10, limit % (1 << 10) == 0 { text += " (\(limit >> 10) KiB)" }
        return text
    }

    private func unavailable(_ error: any Error, trace: String) -> Response {
        logger.error("could not publish an HTTP submission: \(error)")
        var response = json(ErrorBody(error: "unavailable", detail: "the submission could not be delivered to Kafka: \(error); try again later"),
                            status: .serviceUnavailable, trace: trace)
        response.headers[.retryAfter] = "5"
        return response
    }

    private func json(_ value: some Encodable, status: HTTPResponse.Status, trace: String) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("{\"error\":\"internal\"}".utf8)
        var buffer = ByteBuffer()
        buffer.writeBytes(data)
        buffer.writeString("\n")
        return Response(status: status,
                        headers: [.contentType: "application/json", ArticleAPI.traceparentField: trace],
                        body: .init(byteBuffer: buffer))
    }
}

/// `{error, detail}`.
struct ErrorBody: Encodable {
    var error: String
    var detail: String
}

/// `{error, detail, line?, column?, rejection}`: a submission rejected and published to
/// `articles.rejected`.
struct RejectedBody: Encodable {
    var error: String
    var detail: String
    var line: Int?
    var column: Int?
    var rejection: Publication

    init(_ rejection: Rejection, _ publication: Publication) {
        error = rejection.reason
        detail = rejection.detail
        line = rejection.line
        column = rejection.column
        self.rejection = publication
    }
}

/// The answer to an NDJSON batch.
struct BatchBody: Encodable {
    var accepted: Int
    var duplicates: Int
    var rejected: Int
    var failed: Int
    var results: [LineResult]
}

/// The result of one line of a batch.
struct LineResult: Encodable {
    var line: Int
    var status = 0
    var id: String?
    var duplicate: Bool?
    var topic: String?
    var partition: Int32?
    var offset: Int64?
    var error: String?
    var detail: String?
    var column: Int?
    var rejection: Publication?
}
