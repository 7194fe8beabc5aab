import ArticleParsing
import AttacheModels
import Hummingbird

/// Reading a request body within the size limit (and a batch's within the line limit).
extension ArticleAPI {
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

    /// Reads the body up to the size limit (and, for a batch, the line limit).
    func readBody(_ request: Request, kind: Kind) async -> Body {
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
}
