import AttacheModels
import AttacheTesting
import Foundation
import Testing

@testable import Extraction

/// An independent reading of a figure's text: the number times the scale word it names.
func amountStated(in text: String) -> Double? {
    let lower = text.lowercased()
    var digits = ""
    var started = false
    for ch in lower {
        if ch.isNumber || ((ch == "." || ch == ",") && started) {
            digits.append(ch); started = true
        } else if started {
            break
        }
    }
    while let last = digits.last, last == "." || last == "," { digits.removeLast() }
    guard var value = Numbers.parse(digits) else { return nil }
    let words = lower.split(whereSeparator: { !$0.isLetter })
    let rest = lower.drop { !$0.isNumber }.drop { $0.isNumber || $0 == "." || $0 == "," }
    if words.contains("trillion") || words.contains("trln") || words.contains("tn") {
        value *= 1e12
    } else if words.contains("billion") || words.contains("billions") || words.contains("bln") || words.contains("bn")
        || rest.hasPrefix("b")
    {
        value *= 1e9
    } else if words.contains("million") || words.contains("mln") || words.contains("mn") || words.contains("mil")
        || words.contains("millions") || rest.hasPrefix("m")
    {
        value *= 1e6
    } else if words.contains("thousand") || words.contains("thousands") || words.contains("thsd") || rest.hasPrefix("k")
    {
        value *= 1e3
    }
    return value
}

func checkInvariants(_ article: Article, _ e: Extraction) {
    for f in e.figures {
        #expect(article.text.text(in: f.span) == f.text, "span text mismatch: \(f.text)")
        #expect(f.amount.isFinite)
        #expect(f.period.start <= f.period.end)
        if !f.derived {
            let stated = amountStated(in: f.text)
            #expect(stated != nil, "no number in \(f.text)")
            if let stated {
                #expect(
                    abs(abs(f.amount) - stated) <= max(1e-6, stated * 1e-9), "\(f.amount) vs \(f.text.debugDescription)"
                )
            }
        }
    }
    for c in e.changes {
        #expect(article.text.text(in: c.span) == c.text)
        #expect(c.from != c.to)
    }
    for a in e.anniversaries {
        #expect(article.text.text(in: a.span) == a.text)
        #expect(a.baseYear == a.year - a.ordinal)
        #expect(a.next.ordinal > a.ordinal && a.next.ordinal % 5 == 0)
    }
    for d in e.deltas(article: article) {
        #expect(d.from.period.isComparable(with: d.to.period))
    }
}

/// More rounds with `ATTACHE_FUZZ_ROUNDS=N` (the default keeps `swift test` quick).
let fuzzScale: Int = Int(ProcessInfo.processInfo.environment["ATTACHE_FUZZ_ROUNDS"] ?? "") ?? 1

@Suite struct Properties {
    static let vocabulary: [String] = [
        "trade", "turnover", "exports", "imports", "investment", "direct", "from", "into", "Kazakhstan", "Luxembourg",
        "EU", "European", "Germany", "in", "2022", "2023", "2024", "January-August", "the", "first", "half", "of", "Q1",
        "$", "US$", "€", "12.5", "202.5", "1,200", "3,5", "36.5", "million", "billion", "thousand", "bn", "mln",
        "dollars",
        "US", "euros", "tenge", "increased", "by", "23%", "38%", "higher", "than", "previous", "year", "grew", "nearly",
        "2.5", "times", "four-fold", "doubled", "compared", "to", "(", ")", ",", ".", "-", "–", "—", "’", "“", "”",
        "anniversary", "31st", "30th", "years", "ago", "on", "June", "29", "established", "diplomatic", "relations",
        "celebrating", "centenary", "this", "last", "since", "2005", "over", "more", "about", "up", "\n\n", "\u{00A0}",
        "é", "Ω", "👍🏽", "e\u{301}", "\u{200B}", "0", "99999999999999999999", "1.2.3", ",,", "..", "%",
    ]

    @Test func randomTextNeverCrashesAndStaysConsistent() {
        var rng = SeededGenerator(seed: 20_251_120 &+ UInt64(fuzzScale))
        let extractor = Extractor()
        for _ in 0..<(400 * fuzzScale) {
            let count = Int.random(in: 0...80, using: &rng)
            var text = ""
            for _ in 0..<count {
                text += Self.vocabulary.randomElement(using: &rng)!
                if Bool.random(using: &rng) { text += " " }
            }
            let article = Fixtures.article(text, date: "2024-05-15")
            checkInvariants(article, extractor.extract(article))
        }
    }

    @Test func randomScalarsNeverCrash() {
        var rng = SeededGenerator(seed: 7)
        let extractor = Extractor()
        for _ in 0..<(200 * fuzzScale) {
            var s = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...300, using: &rng) {
                let v = UInt32.random(in: 0...0x2FFF, using: &rng)
                if let u = Unicode.Scalar(v) { s.append(u) }
            }
            let article = Fixtures.article(String(s), date: "2023-01-01")
            checkInvariants(article, extractor.extract(article))
        }
    }

    @Test func mutatedSeedsNeverCrashAndStayConsistent() {
        var rng = SeededGenerator(seed: 42 &+ UInt64(fuzzScale))
        let extractor = Extractor()
        let seeds = Fixtures.allSeeds
        for round in 0..<(60 * fuzzScale) {
            let seed = seeds[round % seeds.count]
            var scalars = Array(seed.text.unicodeScalars)
            for _ in 0..<Int.random(in: 1...40, using: &rng) where !scalars.isEmpty {
                let i = Int.random(in: 0..<scalars.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: scalars.remove(at: i)
                case 1: scalars.insert(Self.vocabulary.randomElement(using: &rng)!.unicodeScalars.first ?? " ", at: i)
                case 2: let j = Int.random(in: 0..<scalars.count, using: &rng); scalars.swapAt(i, j)
                default: scalars[i] = Unicode.Scalar(UInt8.random(in: 32...126, using: &rng))
                }
            }
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars)
            let article = Fixtures.article(text, published: seed.published)
            checkInvariants(article, extractor.extract(article))
        }
    }

    @Test func seedsSatisfyTheInvariants() {
        for article in Fixtures.allSeeds { checkInvariants(article, Extractor().extract(article)) }
    }

    @Test func benchmarkReportsThroughput() {
        let result = ExtractionBenchmark.run(articles: Fixtures.allSeeds, iterations: 2)
        #expect(result.articlesPerSecond > 0)
        #expect(result.megabytesPerSecond > 0)
    }
}

@Suite struct Robustness {
    @Test func sentencesAreBoundedSoWorkStaysLinear() {
        let unit = "trade with Germany reached $5 million in 2023, compared to $4 million in 2022, up 25% , "
        let text = String(repeating: unit, count: 300)
        let tokens = Tokenizer.tokenize(Array(text.unicodeScalars)).tokens
        let sentences = Sentences.split(tokens, scalars: Array(text.unicodeScalars))
        #expect(sentences.allSatisfy { $0.range.count <= 251 })
        #expect(sentences.map(\.range.count).reduce(0, +) == tokens.count)
        let article = Fixtures.article(text, date: "2024-05-15")
        let e = Extractor().extract(article)
        #expect(e.figures.filter { !$0.derived }.count == 600)
        checkInvariants(article, e)
    }

    @Test func emptyAndWhitespaceTexts() {
        for text in ["", " ", "\n\n\n", ".", "$", "2023", "$5 billion", "anniversary", "\u{FEFF}\u{200B}"] {
            let e = Fixtures.extract(text)
            #expect(e.anniversaries.isEmpty)
            #expect(e.changes.isEmpty)
        }
    }
}
