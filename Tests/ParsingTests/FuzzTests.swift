import ArticleParsing
import AttacheModels
import AttacheTesting
import Foundation
import Testing

/// Random and mutated inputs never crash the parser and always yield either an Article
/// (whose spans are in range) or a Rejection (with a known reason).
@Suite("Fuzz")
struct FuzzTests {
    static let seeds = ["000", "001", "002", "003", "004"]

    /// Fragments that steer random inputs into the parser's deeper paths.
    static let fragments: [String] = [
        " date 2023-06-30 ", "date 2024-02-29 ", " date 2023-02-30 ", "\n", "\n\n", "\r\n", "\r", " ", "\t", "\u{A0}",
        "\u{2029}",
        "ASTANA", "NUR-SULTAN", ". KAZINFORM", " – ", " - ", "—", "(Reuters)", "Images | gov.kz", "Photo: Akorda", "© ",
        "Source: x",
        "Kazakhstan", "Luxembourg’s", "EU", "European Union", "Kazakh-Luxembourg", "«", "»", "“", "”", "’", "Мinister",
        "е",
        "e\u{301}", "\u{FEFF}", "\u{200B}", "\u{AD}", "{", "}", "[", "]", "\"", ":", ",", "\\u", "\\", "\"published\"",
        "\"text\"",
        "\"2023-06-30\"", "null", "12", "Title of the day", ".", "The trade turnover grew 38%.", "🇰🇿", "한국", "\u{85}",
    ]

    static func check(_ result: Result<Article, Rejection>, input: [UInt8], origin: String = "fuzz") {
        switch result {
        case .success(let article):
            Fixture.checkInvariants(article)
            #expect(!article.text.isEmpty)
        case .failure(let rejection):
            Fixture.checkRejection(rejection, input: input, origin: origin)
        }
    }

    /// Every entry point on the same bytes.
    static func exercise(_ bytes: [UInt8], parser: ArticleParser = Fixture.parser) {
        for input in [ArticleInput.seedText(bytes), .json(bytes)] {
            check(parser.parse(input, origin: "fuzz", receivedAt: Fixture.received), input: bytes)
        }
        let raw = parser.parse(raw: bytes, origin: "fuzz", receivedAt: Fixture.received)
        check(raw, input: bytes)
        // Deterministic: the same bytes give the same result (checked on a sample, for time).
        if bytes.count % 7 == 0 {
            #expect(raw == parser.parse(raw: bytes, origin: "fuzz", receivedAt: Fixture.received))
        }
        for result in parser.parseBatch(ndjson: bytes, origin: "fuzz", receivedAt: Fixture.received) {
            switch result {
            case .success(let article): Fixture.checkInvariants(article)
            case .failure(let rejection):
                #expect(RejectionReason(rawValue: rejection.reason) != nil)
                #expect(rejection.line != nil)
            }
        }
    }

    @Test("random bytes", arguments: [1, 2, 3, 4] as [UInt64])
    func randomBytes(_ seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        for _ in 0..<150 {
            let count = Int.random(in: 0...600, using: &rng)
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
            // Half the time, mostly printable ASCII with a few high bytes, which gets further.
            if Bool.random(using: &rng) {
                bytes = bytes.map { $0 < 230 ? 0x20 + $0 % 95 : $0 }
            }
            Self.exercise(bytes)
            Self.exercise(Array(" date 2023-06-30 ".utf8) + bytes)
        }
    }

    @Test("random fragments", arguments: [11, 12, 13, 14] as [UInt64])
    func randomFragments(_ seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        var accepted = 0
        for _ in 0..<200 {
            let pieces = (0..<Int.random(in: 0...40, using: &rng)).map { _ in Self.fragments.randomElement(using: &rng)!
            }
            let text = (Bool.random(using: &rng) ? " date 2023-06-30 " : "") + pieces.joined()
            let bytes = Array(text.utf8)
            Self.exercise(bytes)
            if case .success = Fixture.parser.parse(.seedText(bytes), origin: "fuzz", receivedAt: Fixture.received) {
                accepted += 1
            }
        }
        // The generator must reach the article-building code, not only the rejections.
        #expect(accepted > 40)
    }

    /// Byte flips, truncations, insertions, deletions and duplications of a seed.
    static func mutate(_ original: [UInt8], using rng: inout SeededGenerator) -> [UInt8] {
        var bytes = original
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            guard !bytes.isEmpty else { break }
            let at = Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<6, using: &rng) {
            case 0: bytes[at] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)
            case 1: bytes = Array(bytes.prefix(at))
            case 2:
                bytes.insert(
                    contentsOf: (0..<Int.random(in: 1...8, using: &rng)).map { _ in
                        UInt8.random(in: 0...255, using: &rng)
                    }, at: at)
            case 3: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...50, using: &rng)))
            case 4:
                let end = min(bytes.count, at + Int.random(in: 1...200, using: &rng))
                bytes.insert(contentsOf: bytes[at..<end], at: Int.random(in: 0...bytes.count, using: &rng))
            default: bytes.insert(contentsOf: Array(Self.fragments.randomElement(using: &rng)!.utf8), at: at)
            }
        }
        return bytes
    }

    @Test("mutated seeds", arguments: seeds)
    func mutatedSeeds(_ seed: String) throws {
        let original = try Fixture.seed(seed)
        var rng = SeededGenerator(seed: UInt64(seed)! &+ 100)
        var outcomes: [String: Int] = [:]
        for _ in 0..<120 {
            let bytes = Self.mutate(original, using: &rng)
            Self.exercise(bytes)
            switch Fixture.parser.parse(.seedText(bytes), origin: "fuzz", receivedAt: Fixture.received) {
            case .success(let article):
                outcomes["article", default: 0] += 1
                // Whitespace variants of any accepted input keep the id.
                if !bytes.contains(0x0D) {
                    var crlf: [UInt8] = []
                    for b in bytes {
                        if b == 0x0A { crlf.append(0x0D) }; crlf.append(b == 0x20 ? 0xC2 : b);
                        if b == 0x20 { crlf.append(0xA0) }
                    }
                    let variant = Fixture.parser.parse(.seedText(crlf), origin: "fuzz", receivedAt: Fixture.received)
                    #expect((try? variant.get())?.id == article.id, "CRLF+NBSP variant changed the id")
                }
            case .failure(let rejection): outcomes[rejection.reason, default: 0] += 1
            }
        }
        // Mutations leave most seeds readable and also produce rejections.
        #expect(outcomes["article", default: 0] > 40, "\(outcomes)")
        #expect(outcomes.count > 2, "\(outcomes)")
    }

    @Test("mutated JSON submissions", arguments: seeds)
    func mutatedJSON(_ seed: String) throws {
        let text = String(decoding: try Fixture.seed(seed), as: UTF8.self)
        let json = try JSONSerialization.data(withJSONObject: [
            "published": String(text.dropFirst(6).prefix(10)),
            "text": String(text.dropFirst(17)), "source": "kazinform",
        ])
        var rng = SeededGenerator(seed: UInt64(seed)! &+ 200)
        var accepted = 0
        for _ in 0..<120 {
            let bytes = Self.mutate(Array(json), using: &rng)
            Self.exercise(bytes)
            if case .success = Fixture.parser.parse(.json(bytes), origin: "fuzz", receivedAt: Fixture.received) {
                accepted += 1
            }
        }
        #expect(accepted > 12)
    }

    @Test("a small size limit never crashes either")
    func smallLimit() throws {
        let parser = ArticleParser(maxBytes: 64)
        var rng = SeededGenerator(seed: 7)
        let original = try Fixture.seed("003")
        for _ in 0..<100 {
            let bytes = Array(Self.mutate(original, using: &rng).prefix(Int.random(in: 0...128, using: &rng)))
            Self.exercise(bytes, parser: parser)
        }
    }
}
