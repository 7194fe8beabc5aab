import ArticleParsing
import AttacheModels
import Foundation
import HTTPTypes
import Hummingbird

/// An NDJSON batch: every non-blank line parsed and published (article or rejection), at most
/// `batchWindow` at a time, and one answer with a result per line.
extension ArticleAPI {
    func batch(_ body: [UInt8], receivedAt: Date, trace: String) async -> Response {
        let expected = max(1, BatchLineCounter.count(body))
        if case .failure(let refusal) = capacity.admit(expected) { return refused(refusal, trace: trace) }
        defer { capacity.release(expected) }
        var results = parser.parseBatch(ndjson: body, origin: "http", receivedAt: receivedAt)
        var lines = ArticleAPI.nonBlankLines(body)
        if results.isEmpty {
            let rejection = Rejection(
                reason: "empty_body",
                detail:
                    "The batch has no lines; send one JSON object {\"published\": \"YYYY-MM-DD\", \"text\": \"…\"} per line.",
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
    func publishAll(_ results: [Result<Article, Rejection>], trace: String) async -> [Result<Publication, any Error>] {
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
                        return (
                            index, .success(try await publisher.publish(result, traceparent: trace, channel: .http))
                        )
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

    /// 207 Multi-Status (WebDAV), for a batch with some lines accepted and some rejected.
    static let multiStatus = HTTPResponse.Status(code: 207, reasonPhrase: "Multi-Status")

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
}

/// A record of a batch that was not published (its task did not report).
struct NotPublished: Error, CustomStringConvertible {
    var description: String { "the record was not published" }
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
