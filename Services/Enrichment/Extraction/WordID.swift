/// The words and symbols that the recognisers compare tokens with, as small integers: the tokenizer
/// gives every token its `WordID` (`.unlisted` for a word not listed here), so a test such as
/// `id(i) == .the` compares integers where `word(i) == "the"` compared Strings. A word is listed
/// here when a recogniser compares a token with it; its raw value is its lowercase spelling, which
/// `ByteClassTable` and `byText` map back to the case (the same test as comparing the token's
/// lowercase text, `TokenReading.words`).
enum WordID: String, CaseIterable, Sendable {
    /// Any word, number or symbol that is not listed (no token is empty).
    case unlisted = ""
    // Words.
    case a, abroad, against, ago, agreement, agreements, american, an, and, anniversary, `as`, attracted
    case attractiveness, be, before, beginning, between, bicentenary, bicentennial, birthday, business, businesses
    case by, capital, cent, centenary, centennial, climate, companies, compared, comparing, comparison
    case corresponding, currency, current, date, day, decades, dollar, dollars, down, during, earlier, end
    case exporters, exports, external, far, figure, firms, first, flowed, fluctuated, fold, `for`, foreign, franc
    case francs, from, fund, funds, goods, h, half, has, have, house, importers, imports, `in`, independence
    case indicator, inflow, inflows, into, investment, investments, investors, `is`, it, its, jubilee, last, lira
    case liras, m, mission, missions, month, months, moved, mutual, nd, next, number, o, of, on, one, opportunities
    case outflow, outflows, outward, over, overall, partner, partners, past, pct, per, percent, period, policy
    case pounds, preceding, previous, prior, products, projects, q, quarter, quarters, range, ranged, ranging, rd
    case received, relations, representative, ruble, rubles, s, same, sesquicentennial, since, so, st, start
    case sterling, stood, swiss, th, than, that, the, their, they, this, through, ties, till, time, times, to, today
    case total, totalling, trade, trading, `try`, turkish, turnover, u, until, up, us, usa, valued, varied, versus
    case vs, was, were, whereas, `while`, will, with, worth, y, year, years, yoy, yuan
    // Symbols.
    case apostrophe = "'"
    case closeBracket = ")"
    case comma = ","
    case dollarSign = "$"
    case euroSign = "€"
    case exclamationMark = "!"
    case fullStop = "."
    case hyphen = "-"
    case openBracket = "("
    case percentSign = "%"
    case plusSign = "+"
    case questionMark = "?"
    case quote = "\""
    case semicolon = ";"

    /// The listed words by their lowercase text, for tokens outside ASCII (the tokenizer finds
    /// ASCII ones in `Lexicon.classTable` without building a String).
    static let byText: [String: WordID] = Dictionary(
        uniqueKeysWithValues: allCases.filter { $0 != .unlisted }.map { ($0.rawValue, $0) })
}
