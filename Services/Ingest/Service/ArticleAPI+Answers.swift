import AttacheModels
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The answers: JSON bodies with the request's `traceparent`, the 503s (at capacity, not
/// delivered), and how numbers and header values print in their details.
extension ArticleAPI {
    static let traceparentField = HTTPField.Name("traceparent")!

    /// 503 for a request refused by `PublishCapacity`: nothing was published.
    func refused(_ refusal: PublishCapacity.Refusal, trace: String) -> Response {
        metrics.increment(IngestMetrics.httpRefused)
        return unavailable(
            "the service is at capacity: \(refusal); nothing was published, try again later", retryAfter: 1,
            trace: trace)
    }

    func unavailable(_ error: any Error, trace: String) -> Response {
        fatal?.check(error)
        logger.error("could not publish an HTTP submission: \(error)")
        return unavailable(
            "the submission could not be delivered to Kafka: \(error); try again later", retryAfter: 5, trace: trace)
    }

    /// 503 `{error: "unavailable", detail}` with a `Retry-After` of `retryAfter` seconds.
    private func unavailable(_ detail: String, retryAfter: Int, trace: String) -> Response {
        var response = json(
            ErrorBody(error: "unavailable", detail: detail), status: .serviceUnavailable, trace: trace)
        response.headers[.retryAfter] = String(retryAfter)
        return response
    }

    func json(_ value: some Encodable, status: HTTPResponse.Status, trace: String) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("{\"error\":\"internal\"}".utf8)
        var buffer = ByteBuffer()
        buffer.writeBytes(data)
        buffer.writeString("\n")
        return Response(
            status: status,
            headers: [.contentType: "application/json", ArticleAPI.traceparentField: trace],
            body: .init(byteBuffer: buffer))
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
        if limit >= 1 << 20, limit % (1 << 20) == 0 {
            text += " (\(limit >> 20) MiB)"
        } else if limit >= 1 << 10, limit % (1 << 10) == 0 {
            text += " (\(limit >> 10) KiB)"
        }
        return text
    }

    /// A header value for a message: printable ASCII only, at most 100 characters.
    static func printable(_ text: String) -> String {
        let cleaned = String(
            text.unicodeScalars.prefix(100).map { (0x20...0x7E).contains($0.value) ? Character($0) : "?" })
        return text.unicodeScalars.count > 100 ? cleaned + "…" : cleaned
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
