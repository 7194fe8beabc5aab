/// Questions about a sentence's or an article's tokens by index, shared by everything that
/// reads tokens (the article analysis, the money and period parsers, the anniversary finder):
/// an index outside the tokens is no word and in no word list.
protocol TokenReading {
    var tokens: [Token] { get }
    /// The lowercase text of each token (`Tokenizer.Tokens`), at the token's index.
    var words: TokenWords { get }
}

extension TokenReading {
    /// The lowercased word at i, nil outside the tokens.
    func word(_ i: Int) -> String? { i >= 0 && i < words.count ? words[i] : nil }

    /// The listed word at i (`.unlisted` outside the tokens): `id(i) == .the` is
    /// `word(i) == "the"` without comparing Strings.
    func id(_ i: Int) -> WordID { i >= 0 && i < tokens.count ? tokens[i].id : .unlisted }

    /// The value of the number token at i when it is digits alone (`Int(words[i])` of a number
    /// token, read from its scalars without building its text); nil for any other token.
    func int(_ i: Int) -> Int? {
        guard i >= 0, i < tokens.count, tokens[i].kind == .number else { return nil }
        let t = tokens[i]
        var value = 0
        for k in t.start..<t.end {
            let d = Int(words.scalars[k].value) - 48
            guard d >= 0, d <= 9 else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(d)
            guard !o1, !o2 else { return nil }
            value = sum
        }
        return value
    }

    /// Whether token i exists and belongs to a word list (its precomputed bits, no hashing).
    func has(_ i: Int, _ c: WordClass) -> Bool { i >= 0 && i < tokens.count && tokens[i].classes.contains(c) }

    /// An ordinal starting at i (`78th`, `thirtieth`): its value and the index after it.
    func ordinal(at i: Int) -> (Int, Int)? {
        guard i >= 0, i < tokens.count else { return nil }
        if tokens[i].classes.contains(.ordinal), let n = Lexicon.ordinals[words[i]] { return (n, i + 1) }
        if tokens[i].kind == .number, Self.isOrdinalSuffix(id(i + 1)), tokens[i + 1].attached,
            let n = int(i)
        {
            return (n, i + 2)
        }
        return nil
    }

    /// `st`, `nd`, `rd`, `th` after a number (`78th`).
    static func isOrdinalSuffix(_ w: WordID) -> Bool {
        switch w {
        case .st, .nd, .rd, .th: return true
        default: return false
        }
    }
}
