/// A sentence: a token range, with its paragraph index.
struct Sentence: Sendable {
    var range: Range<Int>
    var paragraph: Int
}

enum Sentences {
    static let abbreviations: Set<String> = [
        "mr", "mrs", "ms", "dr", "st", "no", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
        "oct", "nov", "dec", "gen", "prof", "vs", "approx", "inc", "ltd", "co", "corp", "e", "i", "u", "s",
    ]

    /// Closing quotes and brackets, which belong to the sentence they follow (curly quotes and
    /// guillemets are folded to `"` and `'` by the tokenizer).
    static func isClosing(_ symbol: WordID) -> Bool {
        switch symbol {
        case .quote, .apostrophe, .closeBracket: return true
        default: return false
        }
    }

    /// The sentences of `tokens`, the tokens of `scalars`.
    static func split(_ tokens: [Token], scalars: [Unicode.Scalar]) -> [Sentence] {
        tokens.withUnsafeBufferPointer { split($0, scalars: scalars) }
    }

    /// `split(_:scalars:)` over the tokens' storage: tokens are read in place, never copied.
    private static func split(_ tokens: UnsafeBufferPointer<Token>, scalars: [Unicode.Scalar]) -> [Sentence] {
        var result: [Sentence] = []
        var paragraph = 0
        var start = 0
        var i = 0
        while i < tokens.count {
            if i > start, tokens[i].newline {
                result.append(Sentence(range: start..<i, paragraph: paragraph))
                paragraph += 1
                start = i
            }
            // Bound the length of a sentence (a text without full stops is cut at a comma or
            // semicolon after 150 tokens, at most 250), so the work per sentence stays bounded.
            let length = i - start
            if length >= 250
                || (length >= 150 && tokens[i].kind == .symbol
                    && (tokens[i].id == .comma || tokens[i].id == .semicolon))
            {
                result.append(Sentence(range: start..<(i + 1), paragraph: paragraph))
                start = i + 1
                i += 1
                continue
            }
            if tokens[i].kind == .symbol,
                tokens[i].id == .fullStop || tokens[i].id == .exclamationMark || tokens[i].id == .questionMark
            {
                var end = i + 1
                // Closing quotes and brackets belong to the sentence.
                while end < tokens.count, tokens[end].attached, tokens[end].kind == .symbol, isClosing(tokens[end].id) {
                    end += 1
                }
                var boundary = end == tokens.count
                if end < tokens.count, !tokens[end].attached || tokens[end].newline {
                    let p = i - 1
                    let isAbbrev =
                        tokens[i].id == .fullStop && p >= 0
                        && (tokens[p].kind == .word && tokens[p].attached == false
                            && tokens[p].classes.contains(.abbreviation)
                            || (tokens[p].kind == .word && tokens[p].isCapitalised
                                && (tokens[p].end - tokens[p].start == 1
                                    // One character of several scalars (`É` decomposed); an
                                    // ASCII word of two letters is two characters.
                                    || (!tokens[p].isASCII && Tokenizer.raw(tokens[p], in: scalars).count == 1))))
                    if tokens[end].newline
                        || (!isAbbrev
                            && (tokens[end].isCapitalised || tokens[end].kind == .number || tokens[end].kind == .symbol))
                    {
                        boundary = true
                    }
                }
                if boundary {
                    result.append(Sentence(range: start..<end, paragraph: paragraph))
                    start = end
                    if end < tokens.count, tokens[end].newline { paragraph += 1 }
                    i = end
                    continue
                }
            }
            i += 1
        }
        if start < tokens.count { result.append(Sentence(range: start..<tokens.count, paragraph: paragraph)) }
        return result
    }
}
