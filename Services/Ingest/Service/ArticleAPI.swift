import ArticleParsing
import AttacheModels
import AttacheRuntime
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

// Longer than 300 lines on purpose: the endpoint's checks (token, type, size, batch lines,
// capacity) and its answers are one ordered contract, read top to bottom in one place.

/// `POST /v1/articles`: the ingest service's HTTP API (docs/openapi.yaml describes it).
///
/// Checked in this order:
/// - **401** `{error: "unauthorized", detail}` with `WWW-Authenticate: Bearer` when a token is
///   configured and the request has no `Authorization: Bearer <token>` or another token
///   (compared in constant time). Nothing is published.
/// - **415** `{error: "unsupported_media_type", detail}` unless the `Content-Type` is
///   `text/plain` (seed format), `application/json` or `application/x-ndjson` (parameters
///   such as `charset` are ignored). Nothing is published.
/// - **413** `{error: "too_large", detail, rejection}` when the body is over the size limit
///   (declared by `Content-Length` or found while reading), and `{error: "too_many_lines",
///   …}` when a batch has more than `IngestSettings.maxBatchLines` non-blank lines (found
///   while the body arrives, before anything is parsed). A Rejection (with the first 64 KiB)
///   is published to `articles.rejected` first.
/// - **503** `{error: "unavailable", detail}` with `Retry-After` at once, before anything is
///   parsed or published, when the request's records would take the records in flight over
///   `IngestSettings.maxInFlight` or fill the producer's queue (see `PublishCapacity`).
/// - One article (`text/plain`, `application/json`): **202** `{id, duplicate, topic, partition,
///   offset}` once `articles.parsed` acknowledged it; **400** `{error: <reason code>, detail,
///   line?, column?, rejection: {id, duplicate, topic, partition, offset}}` once the Rejection
///   is on `articles.rejected` (`detail` is the Rejection's detail).
/// - A batch (`application/x-ndjson`, one JSON article per line, blank lines skipped):
///   `{accepted, duplicates, rejected, failed, results: [...]}` with one result per non-blank
///   line, in order: `{line, status: 202, id, duplicate, topic, partition, offset}` or
///   `{line, status: 400, error, detail, column?, rejection}`. The status is **202** when
///   every line was accepted, **207** (Multi-Status) when some were and some were rejected,
///   **400** when none was accepted. Each line is published (article or rejection) before
///   the answer, at most `ArticleAPI.batchWindow` at a time.
/// - **503** `{error: "unavailable", detail}` with `Retry-After` when Kafka did not
///   acknowledge a record in time (for a batch, the lines that failed have `status: 503`).
///   A fatal Kafka error also stops the service (see `FatalStop`).
///
/// A request body that takes longer than `IngestSettings.readTimeout` to arrive has its
/// connection closed (see `SlowRequestGuard`). Every answer carries the `traceparent` of the
/// request's trace (continued from the request's `traceparent` header, else new).
public struct ArticleAPI: Sendable {
    /// What publishes each submission.
    public let publisher: ArticlePublisher
    /// The size and batch limits and the token.
    public let settings: IngestSettings
    /// Where request latency is recorded.
    public let metrics: Metrics
    /// Logs rejections and delivery failures (never the token).
    public let logger: Logger
    private let parser: ArticleParser
    let capacity: PublishCapacity
    let fatal: FatalStop?

    /// The route's path.
    public static let path = "/v1/articles"
    /// How many records of one batch are published concurrently.
    public static let batchWindow = 128

    /// An API publishing through `publisher`, with the limits of `settings`.
    public init(publisher: ArticlePublisher, settings: IngestSettings, metrics: Metrics, logger: Logger) {
        self.init(publisher: publisher, settings: settings, metrics: metrics, logger: logger, fatal: nil)
    }

    /// An API that reports fatal Kafka errors to `fatal`.
    init(publisher: ArticlePublisher, settings: IngestSettings, metrics: Metrics, logger: Logger, fatal: FatalStop?) {
        self.publisher = publisher
        self.settings = settings
        self.metrics = metrics
        self.logger = logger
        self.parser = ArticleParser(maxBytes: settings.maxBytes)
        self.capacity = PublishCapacity(limit: settings.maxInFlight, producer: publisher.producer, metrics: metrics)
        self.fatal = fatal
    }

    /// Adds `POST /v1/articles` to `router`.
    public func register(on router: Router<BasicRequestContext>) {
        router.post(RouterPath(stringLiteral: ArticleAPI.path)) { request, _ -> Response in
            await self.handle(request)
        }
    }

    /// Answers one request and records its latency. The work runs on `WorkerThreads`, not
    /// on Swift's cooperative pool, which stays free for the health endpoints.
    public func handle(_ request: Request) async -> Response {
        let started = ContinuousClock.now
        let response = await withTaskExecutorPreference(WorkerThreads.shared) { await answer(request) }
        metrics.observe(IngestMetrics.httpSeconds, (ContinuousClock.now - started).seconds,
                        labels: ["status": String(response.status.code)])
        return response
    }

    enum Kind {
        case seed, json, ndjson
    }

    /// A request body as read: whole, or cut short by a limit.
    enum Body {
        case complete([UInt8])
        /// Over `maxBytes`: the first bytes, and the declared length if any.
        case tooLarge([UInt8], declared: Int?)
        /// A batch over `maxBatchLines`: the first bytes, and the number of the line that
        /// went over the limit.
        case tooManyLines([UInt8], line: Int)
        case unreadable(String)
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
            let given = contentType.map { "the content type '\(ArticleAPI.printable($0))' is not accepted" } ?? "the request has no Content-Type"
            return json(ErrorBody(error: "unsupported_media_type",
                                  detail: "\(given); send text/plain (the seed format), application/json ({published, text, title?, source?}) or application/x-ndjson (one such object per line)"),
                        status: .unsupportedMediaType, trace: trace)
        }

        let receivedAt = Date()
        switch await readBody(request, kind: kind) {
        case .unreadable(let reason):
            return json(ErrorBody(error: "unreadable_body", detail: "the request body could not be read: \(reason)"),
                        status: .badRequest, trace: trace)
        case .tooLarge(let prefix, let declared):
            let limit = settings.maxBytes
            let size = declared.map { "\(ArticleAPI.grouped($0)) bytes" } ?? "more than \(ArticleAPI.grouped(limit)) bytes"
            let rejection = Rejection(reason: "too_large",
                                      detail: "The submission is \(size), over the limit of \(ArticleAPI.describeLimit(limit)); split it into smaller articles.",
                                      origin: "http", payload: prefix.prefix(Rejection.maxPayloadBytes), at: receivedAt)
            return await reject(rejection, status: .contentTooLarge, trace: trace)
        case .tooManyLines(let prefix, let line):
            let limit = settings.maxBatchLines
            let rejection = Rejection(reason: "too_many_lines",
                                      detail: "The batch has more than \(ArticleAPI.grouped(limit)) articles (line \(line) is article \(ArticleAPI.grouped(limit + 1))); send at most \(ArticleAPI.grouped(limit)) lines per request.",
                                      origin: "http", payload: prefix.prefix(Rejection.maxPayloadBytes), at: receivedAt)
            return await reject(rejection, status: .contentTooLarge, trace: trace)
        case .complete(let body):
            switch kind {
            case .seed, .json:
                return await single(body, kind: kind, receivedAt: receivedAt, trace: trace)
            case .ndjson:
                return await batch(body, receivedAt: receivedAt, trace: trace)
            }
        }
    }

    /// Reads the body up to the size limit (and, for a batch, the line limit).
    private func readBody(_ request: Request, kind: Kind) async -> Body {
        let limit = settings.maxBytes
        let declared = request.headers[.contentLength].flatMap { Int($0) }
        let declaredTooLarge = declared.map { $0 > limit } ?? false
        let keep = declaredTooLarge ? Rejection.maxPayloadBytes : limit
        var counter = kind == .ndjson ? BatchLineCounter(limit: settings.maxBatchLines) : nil
        var body: [UInt8] = []
        body.reserveCapacity(min(declared ?? 16_384, keep + 1, 1 << 20))
        do {
            for try await chunk in request.body {
                let bytes = chunk.readableBytesView
                if var lines = counter {
                    chunk.withUnsafeReadableBytes { lines.feed($0) }
                    counter = lines
                    if let line = lines.firstLineOverLimit {
                        body.append(contentsOf: bytes.prefix(max(0, Rejection.maxPayloadBytes - body.count)))
                        return .tooManyLines(body, line: line)
                    }
                }
                body.append(contentsOf: bytes)
                if body.count > keep { return .tooLarge(body, declared: declared) }
            }
        } catch {
            return .unreadable(String(describing: error))
        }
        if declaredTooLarge { return .tooLarge(body, declared: declared) }
        return .complete(body)
    }

    /// Publishes a Rejection for a request refused whole (413) and answers with it.
    private func reject(_ rejection: Rejection, status: HTTPResponse.Status, trace: String) async -> Response {
        if case .failure(let refusal) = capacity.admit(1) { return refused(refusal, trace: trace) }
        defer { capacity.release(1) }
        do {
            let publication = try await publisher.publish(.failure(rejection), traceparent: trace, channel: .http)
            logger.info("rejected an HTTP submission: \(rejection.reason): \(rejection.detail)")
            return json(RejectedBody(rejection, publication), status: status, trace: trace)
        } catch {
            return unavailable(error, trace: trace)
        }
    }

    /// One article: parse, publish, answer 202 or 400.
    private func single(_ body: [UInt8], kind: Kind, receivedAt: Date, trace: String) async -> Response {
        if case .failure(let refusal) = capacity.admit(1) { return refused(refusal, trace: trace) }
        defer { capacity.release(1) }
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
    }

    private func batch(_ body: [UInt8], receivedAt: Date, trace: String) async -> Response {
        let expected = max(1, BatchLineCounter.count(body))
        if case .failure(let refusal) = capacity.admit(expected) { return refused(refusal, trace: trace) }
        defer { capacity.release(expected) }
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
        let outcomes = await publishAll(results, trace: trace)
        var answer = BatchBody(accepted: 0, duplicates: 0, rejected: 0, failed: 0, results: [])
        answer.results.reserveCapacity(outcomes.count)
        for (index, outcome) in outcomes.enumerated() {
            var line = LineResult(line: lines[index])
            switch outcome {
            case .failure(let error):
                answer.failed += 1
                line.status = 503
                line.error = "unavailable"
                line.detail = "not delivered to Kafka: \(error)"
            case .success(let publication):
                if let rejection = publication.rejection {
                    answer.rejected += 1
                    line.status = 400
                    line.error = rejection.reason
                    line.detail = rejection.detail
                    line.column = rejection.column
                    line.rejection = publication
                } else {
                    answer.accepted += 1
                    if publication.duplicate { answer.duplicates += 1 }
                    line.status = 202
                    line.id = publication.id
                    line.duplicate = publication.duplicate
                    line.topic = publication.topic
                    line.partition = publication.partition
                    line.offset = publication.offset
                }
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

    /// Publishes every result, at most `batchWindow` at a time; the outcomes in the order
    /// of `results`. A record not published (e.g. the service is stopping) is a failure.
    private func publishAll(_ results: [Result<Article, Rejection>], trace: String) async -> [Result<Publication, any Error>] {
        let publisher = publisher
        let fatal = fatal
        return await withTaskGroup(of: (Int, Result<Publication, any Error>).self) { group in
            var outcomes = [Result<Publication, any Error>](repeating: .failure(NotPublished()), count: results.count)
            var next = 0
            func start() {
                let index = next
                let result = results[index]
                next += 1
                group.addTask {
                    do {
                        return (index, .success(try await publisher.publish(result, traceparent: trace, channel: .http)))
                    } catch {
                        fatal?.check(error)
                        return (index, .failure(error))
                    }
                }
            }
            while next < min(results.count, ArticleAPI.batchWindow) { start() }
            while let (index, outcome) = await group.next() {
                outcomes[index] = outcome
                if next < results.count { start() }
            }
            return outcomes
        }
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

    /// A header value for a message: printable ASCII only, at most 100 characters.
    static func printable(_ text: String) -> String {
        let cleaned = String(text.unicodeScalars.prefix(100).map { (0x20...0x7E).contains($0.value) ? Character($0) : "?" })
        return text.unicodeScalars.count > 100 ? cleaned + "…" : cleaned
    }

    /// 503 for a request refused by `PublishCapacity`: nothing was published.
    private func refused(_ refusal: PublishCapacity.Refusal, trace: String) -> Response {
        metrics.increment(IngestMetrics.httpRefused)
        var response = json(ErrorBody(error: "unavailable", detail: "the service is at capacity: \(refusal); nothing was published, try again later"),
                            status: .serviceUnavailable, trace: trace)
        response.headers[.retryAfter] = "1"
        return response
    }

    private func unavailable(_ error: any Error, trace: String) -> Response {
        fatal?.check(error)
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

/// A record of a batch that was not published (its task did not report).
struct NotPublished: Error, CustomStringConvertible {
    var description: String { "the record was not published" }
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
