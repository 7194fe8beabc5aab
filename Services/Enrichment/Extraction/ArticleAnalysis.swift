import AttacheModels

/// A country named in the text: the tokens of the name (`token..<endToken`), the country's
/// code, and whether the name is the country's, its adjective or its capital.
struct CountryToken {
    var token: Int
    var endToken: Int
    var code: String
    var role: Countries.Name.Role
}

/// One article under analysis: `Extractor.extract(_:)` makes one per article. It holds the
/// text as Unicode scalars, its tokens, sentences and country mentions, and the parsers of
/// periods and money over those tokens; the recognisers are extensions, one concern per file
/// (`ArticleAnalysis+Run.swift` is where to start; docs/extraction.md maps the rest).
final class ArticleAnalysis: TokenReading {
    let article: Article
    let home: String
    let scalars: [Unicode.Scalar]
    let tokens: [Token]
    /// The lowercase text of each token.
    let words: TokenWords
    let sentences: [Sentence]
    let countries: [CountryToken]
    let periods: PeriodParser
    let money: MoneyParser
    var mainPartner: String?
    /// A country other than home whose own trade statistics the article reports
    /// (`Tajikistan's trade with …`, `Poland's trade turnover with …`, `Finnish exports`): a
    /// sentence that names only a third country speaks of that country's trade, not the home's.
    var foreignReporter: String?

    init(article: Article, home: String) {
        self.article = article
        self.home = home
        let decoded = [Unicode.Scalar](scalarsOf: article.text)
        scalars = decoded
        // Names begin where words do: at a word token, or inside one after a combining mark.
        var wordStarts: [Int] = []
        (tokens, words) = Tokenizer.tokenize(scalars, wordStarts: &wordStarts)
        sentences = Sentences.split(tokens, scalars: decoded)
        let matches = Countries.matches(inScalars: scalars, at: wordStarts)
        var found: [CountryToken] = []
        found.reserveCapacity(matches.count)
        var hint = 0
        for m in matches {
            guard m.span.start >= 0, m.span.end <= scalars.count,
                let s = Self.token(startingAt: m.span.start, in: tokens, hint: hint),
                let e = Self.token(endingAt: m.span.end, in: tokens, hint: s)
            else { continue }
            hint = s
            found.append(CountryToken(token: s, endToken: e + 1, code: m.code, role: m.role))
        }
        countries = found
        periods = PeriodParser(
            tokens: tokens, words: words, published: article.published,
            independence: Lexicon.independenceYear[home])
        money = MoneyParser(tokens: tokens, words: words)
        // The partner the article is mostly about: the most-mentioned other country, the
        // earliest on a tie; the article's declared countries break no ties but must agree.
        // (An article names a handful of countries: a list, not a dictionary, counts them.)
        var counts: [(code: String, count: Int, first: Int)] = []
        for c in found where c.role != .capital && c.code != home {
            if let k = counts.firstIndex(where: { $0.code == c.code }) {
                counts[k].count += 1
            } else {
                counts.append((c.code, 1, c.token))
            }
        }
        mainPartner =
            counts.sorted { a, b in a.count != b.count ? a.count > b.count : a.first < b.first }.first?.code
        if mainPartner == nil { mainPartner = article.countries.first { $0 != home } }
        foreignReporter = Self.foreignReporter(tokens: tokens, countries: found, home: home)
    }

    /// The token that starts at a scalar offset (tokens are sorted: a search from `hint`, the
    /// token found for the previous mention, forward when the offset is at or after it).
    static func token(startingAt offset: Int, in tokens: [Token], hint: Int = 0) -> Int? {
        tokens.withUnsafeBufferPointer { tokens in
            let i = lowerBound(offset, in: tokens, from: hint) { $0.start }
            return i < tokens.count && tokens[i].start == offset ? i : nil
        }
    }

    /// The token that ends at a scalar offset (ends ascend with the index too).
    static func token(endingAt offset: Int, in tokens: [Token], hint: Int = 0) -> Int? {
        tokens.withUnsafeBufferPointer { tokens in
            let i = lowerBound(offset, in: tokens, from: hint) { $0.end }
            return i < tokens.count && tokens[i].end == offset ? i : nil
        }
    }

    /// The first index whose `edge` is not below `offset`: galloping forward from `hint` when
    /// `offset` is not before it (mentions come in text order, so this is a step or two), else a
    /// binary search of the tokens before it.
    @inline(__always)
    private static func lowerBound(
        _ offset: Int, in tokens: UnsafeBufferPointer<Token>, from hint: Int, _ edge: (Token) -> Int
    ) -> Int {
        var lo = 0
        var hi = tokens.count
        if hint > 0, hint < tokens.count, edge(tokens[hint - 1]) < offset {
            lo = hint
            var step = 1
            while lo + step < tokens.count, edge(tokens[lo + step - 1]) < offset {
                lo += step
                step *= 2
            }
            hi = min(lo + step, tokens.count)
        }
        while lo < hi {
            let mid = (lo + hi) / 2
            if edge(tokens[mid]) < offset { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// A token as written, case kept (`Tokenizer.raw(_:in:)`).
    func raw(_ token: Token) -> String { Tokenizer.raw(token, in: scalars) }

    func span(_ range: Range<Int>) -> (TextSpan, String) {
        guard !range.isEmpty else { return (TextSpan(start: 0, end: 0), "") }
        let s = TextSpan(start: tokens[range.lowerBound].start, end: tokens[range.upperBound - 1].end)
        return (s, text(s))
    }

    func text(_ s: TextSpan) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity((s.end - s.start) * 2)
        for scalar in scalars[s.start..<s.end] { UTF8.encode(scalar) { bytes.append($0) } }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The paragraph index of a scalar offset.
    func paragraph(at offset: Int) -> Int {
        sentences.last { $0.range.lowerBound < tokens.count && tokens[$0.range.lowerBound].start <= offset }?.paragraph
            ?? 0
    }

    /// The country mentions that start inside a token range (binary search).
    func countries(in range: Range<Int>) -> ArraySlice<CountryToken> {
        let bounds = countries.withUnsafeBufferPointer { countries in
            func first(_ token: Int, from lo: Int) -> Int {
                var lo = lo
                var hi = countries.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if countries[mid].token < token { lo = mid + 1 } else { hi = mid }
                }
                return lo
            }
            let lower = first(range.lowerBound, from: 0)
            return lower..<first(range.upperBound, from: lower)
        }
        return countries[bounds]
    }

    func distance(_ a: Range<Int>, _ b: Range<Int>) -> Int {
        if a.upperBound <= b.lowerBound { return b.lowerBound - a.upperBound }
        if b.upperBound <= a.lowerBound { return a.lowerBound - b.upperBound }
        return 0
    }

    /// Whether a semicolon stands between two token ranges.
    func semicolonBetween(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
        let lo = min(a.upperBound, b.upperBound)
        let hi = max(a.lowerBound, b.lowerBound)
        guard lo < hi else { return false }
        return tokens[lo..<hi].contains { $0.id == .semicolon }
    }
}
