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

    /// Closing quotes and brackets, which belong to the sentence they follow.
    static func isClosing(_ symbol: String) -> Bool {
        switch symbol {
        case "\"", "'", ")", "»": return true
        default: return false
        }
    }

    /// The sentences of `tokens`, the tokens of `scalars`.
    static func split(_ tokens: [Token], scalars: [Unicode.Scalar]) -> [Sentence] {
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
                let t = tokens[i]
                var end = i + 1
                // Closing quotes and brackets belong to the sentence.
                while end < tokens.count, tokens[end].attached, tokens[end].kind == .symbol,
                    isClosing(tokens[end].lower)
                { end += 1 }
                let next = end < tokens.count ? tokens[end] : nil
                var boundary = next == nil
                if let next, !next.attached || next.newline {
                    let prev = i > 0 ? tokens[i - 1] : nil
                    let isAbbrev =
                        t.id == .fullStop
                        && prev.map {
                            $0.kind == .word && $0.attached == false && $0.classes.contains(.abbreviation)
                                || ($0.kind == .word && $0.isCapitalised
                                    && ($0.end - $0.start == 1 || Tokenizer.raw($0, in: scalars).count == 1))
                        } ?? false
                    if next.newline
                        || (!isAbbrev && (next.isCapitalised || next.kind == .number || next.kind == .symbol))
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
