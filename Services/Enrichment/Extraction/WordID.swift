/// The words and symbols that the recognisers compare tokens with, as small integers: the tokenizer
/// gives every token its `WordID` (`.unlisted` for a word not listed here), so a test such as
/// `id(i) == .the` compares integers where `word(i) == "the"` compared Strings. A word is listed
/// here when a recogniser compares a token with it; its raw value is its lowercase spelling, which
/// `ByteClassTable` and `byText` map back to the case (the same test as comparing `Token.lower`).
enum WordID: String, CaseIterable, Sendable {
    /// Any word, number or symbol that is not listed (no token is empty).
    case unlisted = ""
    // Words.
    case a, against, ago, agreements, american, an, and, `as`, before, beginning, between, birthday, by, cent
    case currency, current, date, day, decades, dollar, dollars, down, during, earlier, end, exporters, far, fold
    case `for`, francs, from, goods, half, importers, `in`, independence, into, its, last, lira, liras, m, month
    case months, mutual, next, number, o, of, on, past, pct, per, percent, period, previous, products, quarter
    case quarters, relations, s, same, since, start, sterling, the, their, this, through, ties, till, time, times
    case to, today, total, totalling, turkish, u, until, up, us, valued, will, worth, y, year, years
    // Symbols.
    case apostrophe = "'"
    case closeBracket = ")"
    case comma = ","
    case dollarSign = "$"
    case exclamationMark = "!"
    case fullStop = "."
    case hyphen = "-"
    case openBracket = "("
    case percentSign = "%"
    case plusSign = "+"
    case questionMark = "?"
    case semicolon = ";"

    /// The listed words by their lowercase text, for tokens outside ASCII (the tokenizer finds
    /// ASCII ones in `Lexicon.classTable` without building a String).
    static let byText: [String: WordID] = Dictionary(
        uniqueKeysWithValues: allCases.filter { $0 != .unlisted }.map { ($0.rawValue, $0) })
}
