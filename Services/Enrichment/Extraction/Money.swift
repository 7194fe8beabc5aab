import AttacheModels

/// An amount of money as written: `$202.5 million`, `13.6 million US dollars`, `36.5 thousand`.
struct MoneyMention: Sendable {
    /// Token range of the amount (currency marks, number, scale).
    var range: Range<Int>
    var amount: Double
    /// Nil when the text gives no currency (`36.5 thousand`); it may be inherited.
    var currency: String?
    var hasScale: Bool
}

enum Numbers {
    /// Parses `202.5`, `1,200`, `1,200.5`, `3,5` (a decimal comma), `1.200.000`.
    static func parse(_ text: String) -> Double? {
        // Plain digits (the common case) parse as they are.
        if !text.utf8.contains(where: { $0 == 44 || $0 == 46 }) { return exactValue(text.utf8) ?? Double(text) }
        return normalise(text).flatMap { exactValue($0.utf8) ?? Double($0) }
    }

    /// `value × 10^exponent` without binary rounding noise: 32.3 billion is exactly 32300000000.
    static func parse(_ text: String, exponent: Int) -> Double? {
        guard let n = normalise(text) else { return nil }
        return exactValue(n.utf8, exponent: exponent) ?? Double(exponent == 0 ? n : "\(n)e\(exponent)")
    }

    /// Powers of ten that a Double holds exactly.
    private static let exactPowers: [Double] = (0...22).map { k in (0..<k).reduce(1.0) { r, _ in r * 10 } }

    /// `digits[.digits] × 10^exponent` without strtod, when that is exact: at most 15 significant
    /// digits (an integer a Double holds exactly) scaled by a power of ten it also holds exactly
    /// (10^0…10^22) is one correctly rounded multiplication or division, the very Double that
    /// `Double(String)` gives. Nil for anything else, which the caller parses with strtod.
    static func exactValue(_ bytes: String.UTF8View, exponent: Int = 0) -> Double? {
        var mantissa: UInt64 = 0
        var digits = 0
        var fraction = 0
        var dot = false
        for b in bytes {
            if b == 46 {
                if dot { return nil }
                dot = true
                continue
            }
            guard b >= 48 && b <= 57 else { return nil }
            mantissa = mantissa * 10 + UInt64(b - 48)
            if mantissa > 0 { digits += 1 }
            if dot { fraction += 1 }
            guard digits <= 15 else { return nil }
        }
        guard !bytes.isEmpty, bytes.first != 46, bytes.last != 46 else { return nil }
        let scale = exponent - fraction
        guard scale >= -22 && scale <= 22 else { return nil }
        let m = Double(mantissa)
        return scale >= 0 ? m * exactPowers[scale] : m / exactPowers[-scale]
    }

    /// The number in plain `123.45` form, or nil. `text` is a number token: ASCII digits with
    /// `,` and `.` between them (worked on as bytes, with no Foundation string calls).
    static func normalise(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        var commas = 0
        var dots = 0
        var lastComma = -1
        var lastDot = -1
        for (k, b) in bytes.enumerated() {
            if b == 44 {
                commas += 1
                lastComma = k
            } else if b == 46 {
                dots += 1
                lastDot = k
            }
        }
        var normalised = bytes
        if commas > 0 && dots > 0 {
            // The last separator is the decimal one.
            if lastComma > lastDot {
                normalised = bytes.compactMap { $0 == 46 ? nil : $0 == 44 ? 46 : $0 }
            } else {
                normalised = bytes.filter { $0 != 44 }
            }
        } else if commas > 0 {
            let groups = bytes.split(separator: 44, omittingEmptySubsequences: false)
            if commas == 1, groups[1].count != 3 {
                normalised = bytes.map { $0 == 44 ? 46 : $0 }
            } else {
                guard groups.dropFirst().allSatisfy({ $0.count == 3 }) else { return nil }
                normalised = bytes.filter { $0 != 44 }
            }
        } else if dots > 1 {
            let groups = bytes.split(separator: 46, omittingEmptySubsequences: false)
            guard groups.dropFirst().allSatisfy({ $0.count == 3 }) else { return nil }
            normalised = bytes.filter { $0 != 46 }
        }
        let result = String(decoding: normalised, as: UTF8.self)
        return exactValue(result.utf8) == nil && Double(result) == nil ? nil : result
    }
}

struct MoneyParser: TokenReading {
    let tokens: [Token]
    let words: TokenWords

    /// A currency written before the number, and where the number starts.
    func prefix(at i: Int) -> (String, Int)? {
        guard let w = word(i) else { return nil }
        if w == "us" || w == "u", id(i + 1) == .dollarSign { return ("USD", i + 2) }
        if w == "u", id(i + 1) == .fullStop, id(i + 2) == .s, id(i + 3) == .fullStop, id(i + 4) == .dollarSign {
            return ("USD", i + 5)
        }
        if tokens[i].classes.contains(.currencyPrefix), let code = Lexicon.currencyPrefix[w], i + 1 < tokens.count,
            tokens[i + 1].kind == .number
        {
            // Words such as "eur" must be glued or followed by a number: "EUR 5 million".
            return (code, i + 1)
        }
        return nil
    }

    /// A currency written after the number (and scale): `US dollars`, `euros`, `tenge`.
    func suffix(at i: Int) -> (String, Int)? {
        guard let w = word(i) else { return nil }
        let wordID = tokens[i].id
        if wordID == .us || wordID == .usa, id(i + 1) == .dollars || id(i + 1) == .dollar { return ("USD", i + 2) }
        if wordID == .u, id(i + 1) == .fullStop, id(i + 2) == .s, id(i + 3) == .fullStop,
            id(i + 4) == .dollars || id(i + 4) == .dollar
        {
            return ("USD", i + 5)
        }
        if wordID == .american, id(i + 1) == .dollars { return ("USD", i + 2) }
        if wordID == .swiss, id(i + 1) == .francs { return ("CHF", i + 2) }
        if wordID == .pounds, id(i + 1) == .sterling { return ("GBP", i + 2) }
        // "million of US dollars".
        if wordID == .of, let (code, end) = suffix(at: i + 1), id(i + 1) != .of { return (code, end) }
        // "3 billion in US currency".
        if wordID == .in, id(i + 1) == .us || id(i + 1) == .american, id(i + 2) == .currency {
            return ("USD", i + 3)
        }
        if wordID == .in, id(i + 1) == .u, id(i + 2) == .fullStop, id(i + 3) == .s, id(i + 4) == .fullStop,
            id(i + 5) == .currency
        {
            return ("USD", i + 6)
        }
        if wordID == .dollarSign { return ("USD", i + 1) }
        if wordID == .euroSign { return ("EUR", i + 1) }
        if has(i, .currencySuffix), let code = Lexicon.currencySuffix[w], wordID != .try || id(i - 1) == .turkish {
            return (code, i + 1)
        }
        if wordID == .turkish, id(i + 1) == .lira || id(i + 1) == .liras { return ("TRY", i + 2) }
        return nil
    }

    /// An amount starting at token i (the currency mark or the number).
    func parse(at i: Int) -> MoneyMention? {
        guard i < tokens.count else { return nil }
        var currency: String?
        var j = i
        if let (code, numberAt) = prefix(at: i) {
            currency = code
            j = numberAt
        }
        guard j < tokens.count, tokens[j].kind == .number else { return nil }
        // The number is parsed once it is known to be an amount (most numbers, years and
        // counts, have no currency and no scale): a number that does not parse is none either.
        var scale: Double?
        // A number glued to letters other than a scale ("31st", "Q1") is not an amount.
        var k = j + 1
        var hasScale = false
        if has(k, .scales), let w = word(k), let wordScale = Lexicon.scales[w] {
            let glued = tokens[k].attached
            let attachedOnly = tokens[k].classes.contains(.attachedOnlyScales)
            if !attachedOnly || glued {
                // "5 m" is metres unless glued to a currency amount: "$5m".
                if !(attachedOnly && currency == nil) {
                    scale = wordScale
                    hasScale = true
                    k += 1
                    // "5 mln. USD": the abbreviation's dot, only when a currency follows.
                    if id(k) == .fullStop && tokens[k].attached
                        && (w == "mln" || w == "bln" || w == "bn" || w == "thsd" || w == "trln"),
                        suffix(at: k + 1) != nil
                    {
                        k += 1
                    }
                }
            }
        } else if k < tokens.count, tokens[k].attached, tokens[k].kind == .word, !has(k, .scales) {
            return nil
        }
        if let (code, end) = suffix(at: k) {
            if currency == nil || currency == code {
                currency = code
                k = end
            }
        }
        if currency == nil && !hasScale { return nil }
        guard var value = Numbers.parse(words[j]) else { return nil }
        if let scale { value = Numbers.parse(words[j], exponent: log10Int(scale)) ?? value * scale }
        // A number too long for a Double (or absurdly large) is a typo or an attack, not money.
        guard value.isFinite, abs(value) <= Lexicon.maxAmount else { return nil }
        // A percentage or a count is not money.
        switch id(k) {
        case .percentSign, .percent, .per, .pct: return nil
        default: break
        }
        return MoneyMention(range: i..<k, amount: value, currency: currency, hasScale: hasScale)
    }
}

/// The base-10 logarithm of a power of ten (1e3 → 3).
func log10Int(_ x: Double) -> Int {
    var n = 0
    var v = x
    while v >= 10 { v /= 10; n += 1 }
    return n
}
