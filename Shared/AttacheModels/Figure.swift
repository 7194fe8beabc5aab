/// What a figure measures.
public enum Metric: String, Hashable, Sendable, Codable, CaseIterable {
    case tradeTurnover = "trade_turnover"
    case exports
    case imports
    case tradeBalance = "trade_balance"
    case fdiInflow = "fdi_inflow"
    case investment
    case other
}

/// How a stated amount is hedged: `nearly` and `about` are approximate, `over` and
/// `more than` are lower bounds, `up to` is an upper bound.
public enum Qualifier: String, Hashable, Sendable, Codable, CaseIterable {
    case approximately
    case atLeast
    case atMost
}

/// Which way money flows, where the text says it: `inbound` is from the partner into the
/// reporter (e.g. investment from Luxembourg into Kazakhstan), `outbound` the reverse.
public enum Direction: String, Hashable, Sendable, Codable, CaseIterable {
    case inbound
    case outbound
}

/// One trade or investment figure found in an article.
public struct Figure: Hashable, Sendable, Codable {
    public var metric: Metric
    /// The country whose statistics these are (ISO 3166-1 alpha-2, or `EU`).
    public var reporter: String
    /// The counterpart country or union.
    public var partner: String
    public var direction: Direction?
    public var period: Period
    /// The amount in units of `currency` (202.5 million is `202500000`).
    public var amount: Double
    /// ISO 4217 code, as the text states it.
    public var currency: String
    /// The amount in US dollars, only when `currency` is not USD and the text also gives a
    /// dollar equivalent (`2.3 billion euros ($2.5 billion)`).
    public var usdAmount: Double?
    public var qualifier: Qualifier?
    /// True when computed rather than stated: a trade balance, or an earlier value implied
    /// by a stated change.
    public var derived: Bool
    /// Where in `Article.text` the figure is stated (for a derived figure: the statement it
    /// was derived from).
    public var span: TextSpan
    /// The exact text of `span`.
    public var text: String

    public init(
        metric: Metric, reporter: String, partner: String, direction: Direction? = nil,
        period: Period, amount: Double, currency: String, qualifier: Qualifier? = nil,
        derived: Bool = false, span: TextSpan, text: String, usdAmount: Double? = nil
    ) {
        self.metric = metric
        self.reporter = reporter
        self.partner = partner
        self.direction = direction
        self.period = period
        self.amount = amount
        self.currency = currency
        self.usdAmount = usdAmount
        self.qualifier = qualifier
        self.derived = derived
        self.span = span
        self.text = text
    }

    /// The series this figure belongs to.
    public var series: Series {
        Series(metric: metric, reporter: reporter, partner: partner, currency: currency)
    }
}

/// A time series of one metric between one pair of countries in one currency.
public struct Series: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public var metric: Metric
    public var reporter: String
    public var partner: String
    public var currency: String

    public init(metric: Metric, reporter: String, partner: String, currency: String) {
        self.metric = metric
        self.reporter = reporter
        self.partner = partner
        self.currency = currency
    }

    /// The series id and Kafka key: `trade_turnover:KZ:LU:USD`.
    public var id: String { "\(metric.rawValue):\(reporter):\(partner):\(currency)" }

    public var description: String { id }

    public static func < (a: Series, b: Series) -> Bool { a.id < b.id }
}
