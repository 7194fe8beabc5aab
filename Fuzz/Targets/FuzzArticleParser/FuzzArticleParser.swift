import ArticleParsing
import AttacheModels
import Foundation

/// libFuzzer's entry point: one input, any bytes, through every way ingest parses a
/// submission. A crash, a trap or a broken property stops the fuzzer with the input saved.
///
/// Properties checked beyond "does not crash":
/// - parsing is deterministic (the same bytes give the same article id or rejection);
/// - an accepted article has text, and encodes to JSON;
/// - a batch has one result per non-blank line, as `BatchLineCounter` counts them (the
///   HTTP API refuses oversized batches with that count before parsing);
/// - every rejection of a batch names its line.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzArticleParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let parser = ArticleParser(maxBytes: 64 * 1024)
    let at = Date(timeIntervalSince1970: 1_700_000_000)

    let first = parser.parse(raw: bytes, origin: "fuzz", receivedAt: at)
    let second = parser.parse(raw: bytes, origin: "fuzz", receivedAt: at)
    check(describe(first) == describe(second), "parse(raw:) is not deterministic")
    for result in [
        first, parser.parse(.seedText(bytes), origin: "fuzz", receivedAt: at),
        parser.parse(.json(bytes), origin: "fuzz", receivedAt: at),
    ] {
        if case .success(let article) = result {
            check(!article.text.isEmpty, "an accepted article has no text")
            check((try? AttacheJSON.encode(article)) != nil, "an accepted article does not encode")
        }
    }

    let batch = parser.parseBatch(ndjson: bytes, origin: "fuzz", receivedAt: at)
    check(
        batch.count == BatchLineCounter.count(bytes),
        "parseBatch gave \(batch.count) results for \(BatchLineCounter.count(bytes)) non-blank lines")
    for case .failure(let rejection) in batch {
        check(rejection.line != nil, "a batch rejection has no line: \(rejection.reason)")
    }
    return 0
}

func describe(_ result: Result<Article, Rejection>) -> String {
    switch result {
    case .success(let article): "article \(article.id)"
    case .failure(let rejection): "rejection \(rejection.reason) \(rejection.detail)"
    }
}

func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition {
        FileHandle.standardError.write(Data("property failed: \(message())\n".utf8))
        abort()
    }
}
