import ArticleParsing
import AttacheModels
import Extraction
import Foundation

/// libFuzzer's entry point: any bytes, parsed as ingest parses them (seed text or JSON);
/// an accepted article goes through the extractor as enrichment uses it. A crash, a trap or
/// a broken property stops the fuzzer with the input saved.
///
/// Properties checked beyond "does not crash":
/// - every figure, change and anniversary encodes to JSON (no infinite or NaN amount, which
///   `JSONEncoder` refuses and which would drop the article's whole output);
/// - every span lies within the article's text;
/// - observations and deltas can be computed and encoded.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExtractor(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let parser = ArticleParser(maxBytes: 64 * 1024)
    guard
        case .success(let article) = parser.parse(
            raw: bytes, origin: "fuzz", receivedAt: Date(timeIntervalSince1970: 1_700_000_000))
    else {
        return 0
    }
    let extraction = Extractor(home: "KZ").extract(article)
    for figure in extraction.figures {
        check(figure.amount.isFinite, "a figure has the amount \(figure.amount): \(figure.text)")
        check(article.text.text(in: figure.span) != nil, "a figure's span \(figure.span) is outside the text")
        check((try? AttacheJSON.encode(figure)) != nil, "a figure does not encode: \(figure.text)")
    }
    for change in extraction.changes {
        check((try? AttacheJSON.encode(change)) != nil, "a stated change does not encode")
    }
    for anniversary in extraction.anniversaries {
        check(
            article.text.text(in: anniversary.span) != nil,
            "an anniversary's span \(anniversary.span) is outside the text")
        check((try? AttacheJSON.encode(anniversary)) != nil, "an anniversary does not encode: \(anniversary.text)")
    }
    for observation in extraction.observations(article: article) {
        check((try? AttacheJSON.encode(observation)) != nil, "an observation does not encode")
    }
    for delta in extraction.deltas(article: article) {
        check((try? AttacheJSON.encode(delta)) != nil, "a delta does not encode: \(delta.id)")
    }
    return 0
}

func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition {
        FileHandle.standardError.write(Data("property failed: \(message())\n".utf8))
        abort()
    }
}
