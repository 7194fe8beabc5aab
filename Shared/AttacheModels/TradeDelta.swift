/// How a delta's numbers were obtained.
public enum DeltaBasis: String, Hashable, Sendable, Codable, CaseIterable {
    /// The text states the change ("increased by 23%").
    case stated
    /// Computed from two stated figures.
    case computed
    /// A stated change plus one figure gives the other.
    case implied
}

/// One end of a delta: a period and, when known, the amount in it.
public struct DeltaPoint: Hashable, Sendable, Codable {
    public var period: Period
    /// Nil when only a stated change is known.
    public var amount: Double?

    public init(period: Period, amount: Double?) {
        self.period = period
        self.amount = amount
    }
}

/// How a series moved between two comparable periods (`attache.trade-delta.v1`), the value
/// of `trade.deltas`, keyed by the series id.
public struct TradeDelta: SchemaRecord, Hashable {
    public static let schemaName = SchemaName.tradeDelta

    public var schema: SchemaName = TradeDelta.schemaName
    /// Stable: series + both periods (`StableID.delta`).
    public var id: String
    public var series: Series
    public var from: DeltaPoint
    public var to: DeltaPoint
    /// `to.amount - from.amount`, when both are known.
    public var absolute: Double?
    /// The change in percent (`+22.6` for a 22.6 % rise).
    public var percent: Double?
    /// `to.amount / from.amount` (2.5 for "grew 2.5 times").
    public var ratio: Double?
    public var basis: DeltaBasis
    /// Ids of the articles that supplied the numbers, sorted.
    public var articles: [String]
    /// False when a stated change and the computed one disagree beyond rounding.
    public var consistent: Bool

    public init(
        series: Series, from: DeltaPoint, to: DeltaPoint, absolute: Double?, percent: Double?,
        ratio: Double?, basis: DeltaBasis, articles: [String], consistent: Bool
    ) {
        self.id = StableID.delta(series: series, from: from.period, to: to.period)
        self.series = series
        self.from = from
        self.to = to
        self.absolute = absolute
        self.percent = percent
        self.ratio = ratio
        self.basis = basis
        self.articles = articles
        self.consistent = consistent
    }
}
