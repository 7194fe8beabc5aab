import AttacheModels

/// The series ledger (issue 4, item 4; O(1) per observation since issue 12): for every
/// series, the best observation of each period and of each stated change between two
/// periods, and the deltas they give. The enrichment service backs it with the compacted
/// `attache.ledger` changelog, one entry per slot (`TradeObservation.ledgerSlot`), and
/// restores it on assignment.
///
/// Rules:
/// - A delta joins two comparable periods (`Period.isComparable`) one year apart
///   (`from.start.year == to.start.year - 1`); never Jan–Aug 2025 with 2024.
/// - For each series and period the amount comes from the best figure: a stated figure beats
///   a derived one; among equals the latest `published` wins, then the greater article id.
///   For each pair of periods the best stated change is chosen the same way.
/// - `computed`: both ends are stated figures (a trade balance derived from exports and
///   imports counts as stated here); `consistent` is false when a stated change for the same
///   pair disagrees beyond the tolerance of `Tolerance`.
///   `implied`: one end is known only through a stated change. `stated`: only the change is
///   known; amounts are null and percent/ratio come from the text (each filled from the other).
/// - Percent is rounded to one decimal, ratio to three; implied amounts to whole units.
///
/// State and cost: a delta depends only on the best figure of its two periods and the best
/// change between them, so the ledger keeps only those (one observation per slot: memory grows
/// with the distinct (series, period) pairs, not with the articles), and an observation
/// recomputes only the deltas whose inputs it changed — at most two for a figure (the year
/// before and the year after), one for a change. Since observations are never withdrawn, an
/// observation that is not better than its slot's best can never matter and is dropped, so
/// the deltas do not depend on the order observations arrive in. Re-observing an article's
/// observation (same `ledgerKey`) with a new value replaces it.
public struct SeriesLedger: Sendable {
    private var states: [Series: SeriesState] = [:]

    public init() {}

    /// Records an observation; returns every delta that is new or whose value changed because
    /// of it (including both sides of a late observation), sorted as `allDeltas`. An observation
    /// the ledger already holds, or one its slot already has a better one for, returns [].
    public mutating func observe(_ observation: TradeObservation) -> [TradeDelta] {
        record(observation)?.deltas ?? []
    }

    /// What `record` changed: the deltas (as `observe` returns them) and how to undo it.
    public struct Change: Sendable {
        public var deltas: [TradeDelta]
        public var undo: Undo
    }

    /// How to take one `record` back: the slot's and the recomputed deltas' earlier values.
    public struct Undo: Sendable {
        var series: Series
        var slot: SlotKey
        var previous: TradeObservation?
        var previousDeltas: [(PairKey, TradeDelta?)]
    }

    /// Records an observation. Nil when it changes nothing (the ledger holds it already, or its
    /// slot holds a better one): then there is nothing to write to the changelog either.
    public mutating func record(_ observation: TradeObservation) -> Change? {
        guard let series = observation.series, let slot = SlotKey(observation) else { return nil }
        return states[series, default: SeriesState()].record(observation, slot: slot, series: series)
    }

    /// Takes back a `record` (the last one not yet undone first).
    public mutating func undo(_ undo: Undo) {
        states[undo.series, default: SeriesState()].undo(undo)
    }

    /// Records an observation read from the changelog, without computing deltas yet: they are
    /// computed for the whole series when it is next observed or asked for (`materialize`), so
    /// a restore costs one slot comparison per entry. Returns whether the slot changed.
    @discardableResult
    public mutating func restore(_ observation: TradeObservation) -> Bool {
        guard let series = observation.series, let slot = SlotKey(observation) else { return false }
        return states[series, default: SeriesState()].restore(observation, slot: slot)
    }

    /// Computes the deltas of every restored series now.
    public mutating func materialize() {
        for series in Array(states.keys) where states[series]!.stale {
            states[series]!.rebuild(series)
        }
    }

    /// The deltas of one series, sorted by period.
    public func deltas(for series: Series) -> [TradeDelta] {
        guard let state = states[series] else { return [] }
        return state.currentDeltas(series).sorted(by: SeriesLedger.order)
    }

    /// Every delta, sorted by series id, then periods.
    public var allDeltas: [TradeDelta] {
        states.flatMap { $0.value.currentDeltas($0.key) }.sorted(by: SeriesLedger.order)
    }

    /// How many deltas the ledger holds.
    public var deltaCount: Int {
        states.reduce(0) { $0 + $1.value.currentDeltas($1.key).count }
    }

    /// The best observation of every slot, sorted by slot (what the changelog holds).
    public var allObservations: [TradeObservation] {
        states.values.flatMap { Array($0.figures.values) + Array($0.changes.values) }
            .sorted { $0.ledgerSlot < $1.ledgerSlot }
    }

    static func order(_ a: TradeDelta, _ b: TradeDelta) -> Bool {
        if a.series.id != b.series.id { return a.series.id < b.series.id }
        return orderInSeries(a, b)
    }

    /// `order` for two deltas of one series: by periods, then id.
    static func orderInSeries(_ a: TradeDelta, _ b: TradeDelta) -> Bool {
        if a.from.period != b.from.period { return a.from.period < b.from.period }
        if a.to.period != b.to.period { return a.to.period < b.to.period }
        return a.id < b.id
    }

    /// Whether `a` should be preferred over `b`: stated over derived, later over earlier,
    /// then the greater article id.
    public static func better(_ a: TradeObservation, _ b: TradeObservation) -> Bool {
        let ad = a.figure?.derived ?? false
        let bd = b.figure?.derived ?? false
        if ad != bd { return !ad }
        if a.published != b.published { return a.published > b.published }
        if a.article != b.article { return a.article > b.article }
        return a.ledgerKey > b.ledgerKey
    }
}

extension SeriesLedger {
    /// A ledger fed with all of `list` at once: the slots first, then each series' deltas
    /// computed once, which is the state `observe` one by one ends in (used for one article's
    /// own deltas).
    public init(observations list: [TradeObservation]) {
        self.init()
        for o in list { restore(o) }
        materialize()
    }
}
