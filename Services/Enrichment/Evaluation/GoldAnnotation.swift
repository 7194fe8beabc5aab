import AttacheModels
import Foundation

/// The hand-made annotation of one corpus article (`gold/NNN.json`), in the corpus's own
/// format: snake_case fields, country names rather than codes, periods as labels.
public struct GoldAnnotation: Decodable, Sendable, Hashable {
    public var source: String?
    public var published: String
    public var figures: [GoldFigure]
    public var changes: [GoldChange]
    public var anniversaries: [GoldAnniversary]

    public init(
        source: String? = nil, published: String, figures: [GoldFigure] = [], changes: [GoldChange] = [],
        anniversaries: [GoldAnniversary] = []
    ) {
        self.source = source
        self.published = published
        self.figures = figures
        self.changes = changes
        self.anniversaries = anniversaries
    }
}

/// A gold figure: `value_usd`, or `currency` + `value` for other currencies.
public struct GoldFigure: Decodable, Sendable, Hashable {
    public var text: String
    public var metric: String
    public var reporter: String
    public var partner: String
    public var period: String
    public var valueUSD: Double?
    public var currency: String?
    public var value: Double?
    public var approx: Bool?

    enum CodingKeys: String, CodingKey {
        case text, metric, reporter, partner, period, currency, value, approx
        case valueUSD = "value_usd"
    }

    public init(
        text: String, metric: String, reporter: String = "Kazakhstan", partner: String, period: String,
        valueUSD: Double? = nil, currency: String? = nil, value: Double? = nil, approx: Bool? = nil
    ) {
        self.text = text
        self.metric = metric
        self.reporter = reporter
        self.partner = partner
        self.period = period
        self.valueUSD = valueUSD
        self.currency = currency
        self.value = value
        self.approx = approx
    }

    /// The amount and its ISO 4217 currency (USD when `value_usd` is given).
    public var money: (amount: Double, currency: String)? {
        if let v = valueUSD { return (v, "USD") }
        if let v = value, let c = currency { return (v, c.uppercased()) }
        return nil
    }
}

/// A gold stated change: `kind` is `percent` (signed) or `ratio` (a multiplier).
public struct GoldChange: Decodable, Sendable, Hashable {
    public var text: String
    public var metric: String
    public var partner: String
    public var fromPeriod: String
    public var toPeriod: String
    public var kind: String
    public var value: Double

    enum CodingKeys: String, CodingKey {
        case text, metric, partner, kind, value
        case fromPeriod = "from_period"
        case toPeriod = "to_period"
    }

    public init(
        text: String, metric: String, partner: String, fromPeriod: String, toPeriod: String, kind: String, value: Double
    ) {
        self.text = text
        self.metric = metric
        self.partner = partner
        self.fromPeriod = fromPeriod
        self.toPeriod = toPeriod
        self.kind = kind
        self.value = value
    }
}

/// A gold anniversary: ordinal, base year and (when the text fixes it) base date.
public struct GoldAnniversary: Decodable, Sendable, Hashable {
    public var text: String
    public var ordinal: Int
    public var subject: String
    public var baseYear: Int
    public var baseDate: String?
    public var year: Int?

    enum CodingKeys: String, CodingKey {
        case text, ordinal, subject, year
        case baseYear = "base_year"
        case baseDate = "base_date"
    }

    public init(text: String, ordinal: Int, subject: String, baseYear: Int, baseDate: String? = nil, year: Int? = nil) {
        self.text = text
        self.ordinal = ordinal
        self.subject = subject
        self.baseYear = baseYear
        self.baseDate = baseDate
        self.year = year
    }
}

/// A gold period label: `2024`, `2023-01..2023-05`, `2005..2021`, or `unspecified (…)`,
/// compared with an extracted `Period` at the granularity the label gives.
public enum GoldPeriod: Sendable, Hashable {
    /// `unspecified (cumulative)`, `unspecified (annual)`: any period is accepted.
    case any
    /// `2024` (one calendar year) or `2005..2021` (a range of years).
    case years(Int, Int)
    /// `2023-01..2023-05`.
    case months(start: (year: Int, month: Int), end: (year: Int, month: Int))

    public static func == (a: GoldPeriod, b: GoldPeriod) -> Bool {
        switch (a, b) {
        case (.any, .any): return true
        case (.years(let x1, let y1), .years(let x2, let y2)): return x1 == x2 && y1 == y2
        case (.months(let s1, let e1), .months(let s2, let e2)): return s1 == s2 && e1 == e2
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(String(describing: self)) }

    /// Parses a gold label; nil when it is none of the corpus's forms.
    public init?(label: String) {
        let l = label.trimmingCharacters(in: .whitespaces)
        if l.hasPrefix("unspecified") { self = .any; return }
        let parts = l.components(separatedBy: "..")
        func ym(_ s: String) -> (Int, Int?)? {
            let f = s.split(separator: "-")
            guard let y = Int(f[0]), f[0].count == 4 else { return nil }
            if f.count == 1 { return (y, nil) }
            guard f.count == 2, let m = Int(f[1]), (1...12).contains(m) else { return nil }
            return (y, m)
        }
        if parts.count == 1, let (y, m) = ym(parts[0]), m == nil { self = .years(y, y); return }
        guard parts.count == 2, let (y1, m1) = ym(parts[0]), let (y2, m2) = ym(parts[1]) else { return nil }
        switch (m1, m2) {
        case (nil, nil): self = .years(y1, y2)
        case (let a?, let b?): self = .months(start: (y1, a), end: (y2, b))
        default: return nil
        }
    }

    /// Whether an extracted period matches: a calendar year must be that whole year, a range of
    /// years must start and end in those years, a month range must start and end in those
    /// months.
    public func accepts(_ p: Period) -> Bool {
        switch self {
        case .any:
            return true
        case .years(let a, let b) where a == b:
            return p.start.year == a && p.start.month == 1 && p.start.day == 1 && p.end.year == a && p.end.month == 12
                && p.end.day == 31
        case .years(let a, let b):
            return p.start.year == a && p.end.year == b
        case .months(let s, let e):
            return p.start.year == s.year && p.start.month == s.month && p.end.year == e.year && p.end.month == e.month
        }
    }
}
