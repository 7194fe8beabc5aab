/// What one article says about one series (`attache.trade-observation.v1`): a figure or a
/// stated change, re-keyed by series id on the internal `trade.observations` topic so that
/// one owner computes each series. Exactly one of `figure` and `change` is set.
public struct TradeObservation: SchemaRecord, Hashable {
    public static let schemaName = SchemaName.tradeObservation

    public var schema: SchemaName = TradeObservation.schemaName
    /// The article that said it.
    public var article: String
    /// That article's publication date (a later article wins when two disagree).
    public var published: Day
    public var figure: Figure?
    public var change: StatedChange?

    public init(article: String, published: Day, figure: Figure) {
        self.article = article
        self.published = published
        self.figure = figure
    }

    public init(article: String, published: Day, change: StatedChange) {
        self.article = article
        self.published = published
        self.change = change
    }

    /// The series it is about.
    public var series: Series? { figure?.series ?? change?.series }

    /// The Kafka key: the series id.
    public var key: String { series?.id ?? "" }

    /// The ledger key: series, period (or both periods of a change), whether derived, and
    /// article. Observing the same key twice is observing the same thing twice.
    public var ledgerKey: String {
        if let figure {
            return "\(figure.series.id)|\(figure.period.label)|\(figure.derived ? "derived" : "stated")|\(article)"
        }
        if let change {
            return "\(change.series.id)|\(change.from.label)>\(change.to.label)|change|\(article)"
        }
        return "|\(article)"
    }

    /// The ledger slot this observation competes for: series and period for a figure, series
    /// and both periods for a stated change (`fdi_inflow:KZ:LU:USD|2022|figure`,
    /// `trade_turnover:KZ:LU:USD|2021>2022|change`). The series ledger keeps the best
    /// observation of each slot, and its changelog is keyed by the slot, so the changelog grows
    /// with the distinct (series, period) pairs, not with the articles.
    public var ledgerSlot: String {
        if let figure {
            return "\(figure.series.id)|\(figure.period.label)|figure"
        }
        if let change {
            return "\(change.series.id)|\(change.from.label)>\(change.to.label)|change"
        }
        return "|\(article)"
    }
}

/// One entry of the series ledger's changelog (`attache.ledger`, compacted, keyed by
/// `TradeObservation.ledgerSlot`): the best observation of one slot, so that reading the
/// topic to its end rebuilds every series. (Entries written before issue 12 are keyed by
/// `ledgerKey`; a restore reads both, keeping the best observation per slot.)
public struct LedgerEntry: SchemaRecord, Hashable {
    public static let schemaName = SchemaName.ledgerEntry

    public var schema: SchemaName = LedgerEntry.schemaName
    public var observation: TradeObservation

    public init(observation: TradeObservation) {
        self.observation = observation
    }

    /// The compaction key: the slot, so a better observation replaces the one before it.
    public var key: String { observation.ledgerSlot }
}
