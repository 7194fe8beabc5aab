/// The words and symbols that the recognisers compare tokens with, as small integers: the tokenizer
/// gives every token its `WordID` (`.unlisted` for a word not listed here), so a test such as
/// `id(i) == .the` compares integers where `word(i) == "the"` compared Strings. A word is listed
/// here when a recogniser compares a token with it; its raw value is its lowercase spelling, which
/// `ByteClassTable` and `byText` map back to the case (the same test as comparing `Token.lower`).
enum WordID: String, CaseIterable, Sendable {
    /// Any word, number or symbol that is not listed (no token is empty).
    case unlisted = ""
    // Words.
    case a, abroad, against, ago, agreement, agreements, american, an, and, anniversary, `as`, attracted
    case attractiveness, be, before, beginning, between, bicentenary, bicentennial, birthday, business, businesses
    case by, capital, cent, centenary, centennial, climate, companies, compared, comparing, comparison, currency
    case current, date, day, decades, dollar, dollars, down, during, earlier, end, exporters, exports, external, far
    case figure, firms, first, flowed, fluctuated, fold, `for`, foreign, franc, francs, from, fund, funds, goods
    case half, has, have, house, importers, imports, `in`, independence, indicator, inflow, inflows, into
    case investment, investments, investors, `is`, it, its, jubilee, last, lira, liras, m, mission, missions, month
    case months, moved, mutual, nd, next, number, o, of, on, opportunities, outflow, outflows, outward, over
    case overall, partner, partners, past, pct, per, percent, period, policy, pounds, previous, products, projects
    case quarter, quarters, range, ranged, ranging, rd, received, relations, representative, ruble, rubles, s, same
    case sesquicentennial, since, st, start, sterling, stood, th, than, that, the, their, they, this, through, ties
    case till, time, times, to, today, total, totalling, trade, trading, turkish, turnover, u, until, up, us, valued
    case varied, versus, vs, was, were, whereas, `while`, will, with, worth, y, year, years, yuan
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
