import ArticleParsing
import AttacheModels
import AttacheRuntime
import Foundation
import HTTPTypes
import Hummingbird
import Logging

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
///
/// The endpoint's files: the checks in order and the single-article path here; reading the
/// body (`ArticleAPI+Body.swift`), batches (`ArticleAPI+Batch.swift`), the request checks
/// (`ArticleAPI+Checks.swift`) and the answers (`ArticleAPI+Answers.swift`) beside it.
public struct ArticleAPI: Sendable {
    /// What publishes each submission.
    public let publisher: ArticlePublisher
    /// The size and batch limits and the token.
    public let settings: IngestSettings
    /// Where request latency is recorded.
    public let metrics: Metrics
    /// Logs rejections and delivery failures (never the token).
    public let logger: Logger
    let parser: ArticleParser
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
        metrics.observe(
            IngestMetrics.httpSeconds, (ContinuousClock.now - started).seconds,
            labels: ["status": String(response.status.code)])
        return response
    }

    private func answer(_ request: Request) async -> Response {
        let trace = TraceContext.child(of: request.headers[ArticleAPI.traceparentField])
        if let token = settings.token, !ArticleAPI.authorized(request.headers[.authorization], token: token) {
            var response = json(
                ErrorBody(
                    error: "unauthorized",
                    detail:
                        "this service requires a bearer token: send the header 'Authorization: Bearer <token>' with the configured token"
                ),
                status: .unauthorized, trace: trace)
            response.headers[.wwwAuthenticate] = "Bearer realm=\"attache\""
            return response
        }
        let contentType = request.headers[.contentType]
        guard let kind = ArticleAPI.kind(of: contentType) else {
            let given =
                contentType.map { "the content type '\(ArticleAPI.printable($0))' is not accepted" }
                ?? "the request has no Content-Type"
            return json(
                ErrorBody(
                    error: "unsupported_media_type",
                    detail:
                        "\(given); send text/plain (the seed format), application/json ({published, text, title?, source?}) or application/x-ndjson (one such object per line)"
                ),
                status: .unsupportedMediaType, trace: trace)
        }

        let receivedAt = Date()
        switch await readBody(request, kind: kind) {
        case .unreadable(let reason):
            return json(
                ErrorBody(error: "unreadable_body", detail: "the request body could not be read: \(reason)"),
                status: .badRequest, trace: trace)
        case .tooLarge(let prefix, let declared):
            let limit = settings.maxBytes
            let size =
                declared.map { "\(ArticleAPI.grouped($0)) bytes" } ?? "more than \(ArticleAPI.grouped(limit)) bytes"
            let rejection = Rejection(
                reason: "too_large",
                detail:
                    "The submission is \(size), over the limit of \(ArticleAPI.describeLimit(limit)); split it into smaller articles.",
                origin: "http", payload: prefix.prefix(Rejection.maxPayloadBytes), at: receivedAt)
            return await reject(rejection, status: .contentTooLarge, trace: trace)
        case .tooManyLines(let prefix, let line):
            let limit = settings.maxBatchLines
            let rejection = Rejection(
                reason: "too_many_lines",
                detail:
                    "The batch has more than \(ArticleAPI.grouped(limit)) articles (line \(line) is article \(ArticleAPI.grouped(limit + 1))); send at most \(ArticleAPI.grouped(limit)) lines per request.",
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
                return json(
                    RejectedBody(rejection, publication),
                    status: rejection.reason == "too_large" ? .contentTooLarge : .badRequest,
                    trace: trace)
            }
            return json(publication, status: .accepted, trace: trace)
        } catch {
            return unavailable(error, trace: trace)
        }
    }
}
