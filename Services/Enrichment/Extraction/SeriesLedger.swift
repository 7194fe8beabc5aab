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
        fileprivate var series: Series
        fileprivate var slot: SlotKey
        fileprivate var previous: TradeObservation?
        fileprivate var previousDeltas: [(PairKey, TradeDelta?)]
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
        if a.from.period != b.from.period { return a.from.period < b.from.period }
        if a.to.period != b.to.period { return a.to.period < b.to.period }
        return a.id < b.id
    }

    /// Whether `a` should be preferred over `b`: stated over derived, later over earlier,
    /// then the greater article id.
    public static func better(_ a: TradeObservation, _ b: TradeObservation) -> Bool {
        let ad = a.figure?.derived ?? false, bd = b.figure?.derived ?? false
        if ad != bd { return !ad }
        if a.published != b.published { return a.published > b.published }
        if a.article != b.article { return a.article > b.article }
        return a.ledgerKey > b.ledgerKey
    }
}

/// A slot of a series: a period (figures) or a pair of periods (stated changes).
fileprivate enum SlotKey: Hashable, Sendable {
    case figure(String)
    case change(PairKey)

    init?(_ observation: TradeObservation) {
        if let figure = observation.figure {
            self = .figure(figure.period.label)
        } else if let change = observation.change {
            self = .change(PairKey(from: change.from.label, to: change.to.label))
        } else {
            return nil
        }
    }
}

/// Two period labels, `from` → `to`: where a delta or a stated change sits.
fileprivate struct PairKey: Hashable, Sendable {
    var from: String
    var to: String
}

/// One series: its slots and the deltas they give.
fileprivate struct SeriesState: Sendable {
    /// The best figure observation per period label.
    var figures: [String: TradeObservation] = [:]
    /// The best change observation per pair of period labels.
    var changes: [PairKey: TradeObservation] = [:]
    /// The deltas, per pair of period labels (valid unless `stale`).
    var deltas: [PairKey: TradeDelta] = [:]
    /// Slots were restored and `deltas` not recomputed yet.
    var stale = false

    /// Places an observation in its slot when it is new, a revision, or better than the slot's;
    /// returns what the slot held and whether it changed.
    private mutating func place(_ o: TradeObservation, slot: SlotKey) -> (previous: TradeObservation?, changed: Bool) {
        let current: TradeObservation?
        switch slot {
        case .figure(let label): current = figures[label]
        case .change(let pair): current = changes[pair]
        }
        if let current {
            if current == o { return (current, false) }
            // The same statement of the same article, revised, replaces it; another replaces
            // it only when better.
            if current.ledgerKey != o.ledgerKey, !SeriesLedger.better(o, current) { return (current, false) }
        }
        set(slot, o)
        return (current, true)
    }

    private mutating func set(_ slot: SlotKey, _ o: TradeObservation?) {
        switch slot {
        case .figure(let label): figures[label] = o
        case .change(let pair): changes[pair] = o
        }
    }

    mutating func restore(_ o: TradeObservation, slot: SlotKey) -> Bool {
        let changed = place(o, slot: slot).changed
        if changed { stale = true }
        return changed
    }

    mutating func record(_ o: TradeObservation, slot: SlotKey, series: Series) -> SeriesLedger.Change? {
        if stale { rebuild(series) }
        let (previous, changed) = place(o, slot: slot)
        guard changed else { return nil }
        var previousDeltas: [(PairKey, TradeDelta?)] = []
        var changedDeltas: [TradeDelta] = []
        for (key, from, to) in pairs(of: o) {
            let old = deltas[key]
            let new = delta(series: series, key: key, from: from, to: to)
            guard new != old else { continue }
            previousDeltas.append((key, old))
            deltas[key] = new
            if let new { changedDeltas.append(new) }
        }
        return SeriesLedger.Change(deltas: changedDeltas.sorted(by: SeriesLedger.order),
                                   undo: SeriesLedger.Undo(series: series, slot: slot, previous: previous,
                                                           previousDeltas: previousDeltas))
    }

    mutating func undo(_ undo: SeriesLedger.Undo) {
        set(undo.slot, undo.previous)
        for (key, delta) in undo.previousDeltas.reversed() { deltas[key] = delta }
    }

    /// The pairs whose delta an observation can change: a figure's period with the year before
    /// and the year after; a change's two periods.
    private func pairs(of o: TradeObservation) -> [(PairKey, Period, Period)] {
        var result: [(PairKey, Period, Period)] = []
        func consider(_ from: Period, _ to: Period) {
            guard from.isComparable(with: to), from.start.year == to.start.year - 1 else { return }
            let key = PairKey(from: from.label, to: to.label)
            // A stated change between the two fixes the periods (as it always did).
            if let change = changes[key]?.change {
                result.append((key, change.from, change.to))
            } else {
                result.append((key, from, to))
            }
        }
        if let f = o.figure {
            if let before = f.period.shifted(years: -1) { consider(before, f.period) }
            if let after = f.period.shifted(years: 1) { consider(f.period, after) }
        } else if let c = o.change {
            consider(c.from, c.to)
        }
        return result
    }

    /// Recomputes every delta from the slots.
    mutating func rebuild(_ series: Series) {
        deltas = computeAll(series)
        stale = false
    }

    /// The deltas, computed afresh when the series was restored and not rebuilt yet.
    func currentDeltas(_ series: Series) -> [TradeDelta] {
        Array(stale ? computeAll(series).values : deltas.values)
    }

    private func computeAll(_ series: Series) -> [PairKey: TradeDelta] {
        var seen = Set<PairKey>()
        var result: [PairKey: TradeDelta] = [:]
        for o in Array(figures.values) + Array(changes.values) {
            for (key, from, to) in pairs(of: o) where seen.insert(key).inserted {
                if let d = delta(series: series, key: key, from: from, to: to) { result[key] = d }
            }
        }
        return result
    }

    private func isImplied(_ o: TradeObservation) -> Bool {
        guard let f = o.figure else { return false }
        return f.derived && f.metric != .tradeBalance
    }

    private func delta(series: Series, key: PairKey, from: Period, to: Period) -> TradeDelta? {
        let fa = figures[key.from], fb = figures[key.to], change = changes[key]
        var articles = Set<String>()
        if let fa, let fb, let a = fa.figure?.amount, let b = fb.figure?.amount {
            articles.insert(fa.article); articles.insert(fb.article)
            let implied = isImplied(fa) || isImplied(fb)
            var consistent = true
            if let change, let c = change.change {
                articles.insert(change.article)
                consistent = Tolerance.agrees(change: c, from: a, to: b)
            }
            return TradeDelta(series: series, from: DeltaPoint(period: from, amount: a), to: DeltaPoint(period: to, amount: b),
                              absolute: b - a, percent: Tolerance.percent(a, b), ratio: Tolerance.ratio(a, b),
                              basis: implied ? .implied : .computed, articles: articles.sorted(), consistent: consistent)
        }
        guard let change, let c = change.change else { return nil }
        articles.insert(change.article)
        if let known = fb ?? fa, let amount = known.figure?.amount {
            let knownIsTo = fb != nil
            guard let other = Implied.amount(known: amount, knownIsTo: knownIsTo, change: c) else { return nil }
            articles.insert(known.article)
            let a = knownIsTo ? other : amount, b = knownIsTo ? amount : other
            return TradeDelta(series: series, from: DeltaPoint(period: from, amount: a), to: DeltaPoint(period: to, amount: b),
                              absolute: b - a, percent: Tolerance.percent(a, b), ratio: Tolerance.ratio(a, b),
                              basis: .implied, articles: articles.sorted(), consistent: true)
        }
        var percent = c.percent
        var ratio = c.ratio
        if percent == nil, let r = ratio { percent = Tolerance.round((r - 1) * 100, 1) }
        if ratio == nil, let p = percent { ratio = Tolerance.round(1 + p / 100, 3) }
        return TradeDelta(series: series, from: DeltaPoint(period: from, amount: nil), to: DeltaPoint(period: to, amount: nil),
                          absolute: c.absolute, percent: percent, ratio: ratio, basis: .stated, articles: articles.sorted(),
                          consistent: true)
    }
}

/// How far a stated change may be from the computed one and still agree.
///
/// Stated numbers are rounded, and the figures they are checked against are too, so:
/// - a plain percent agrees within max(1 point, 5 % of the stated value);
/// - a plain ratio within max(0.05, 5 %);
/// - a plain absolute change within max(1 % of it, 0.5 % of the larger amount);
/// - with a qualifier the tolerance triples ("nearly 2.5 times" accepts 2.1–2.9); `atLeast`
///   ("over 20%") only fails when the computed change is below the stated one minus the
///   tolerance, `atMost` only when above it plus the tolerance.
public enum Tolerance {
    public static func round(_ x: Double, _ places: Int) -> Double {
        var f = 1.0
        for _ in 0..<places { f *= 10 }
        return (x * f).rounded() / f
    }

    public static func percent(_ a: Double, _ b: Double) -> Double? {
        guard a != 0 else { return nil }
        return round((b - a) / abs(a) * 100, 1)
    }

    public static func ratio(_ a: Double, _ b: Double) -> Double? {
        guard a != 0 else { return nil }
        return round(b / a, 3)
    }

    static func within(_ computed: Double, _ stated: Double, _ tol: Double, _ q: Qualifier?) -> Bool {
        switch q {
        case .atLeast: return computed >= stated - tol
        case .atMost: return computed <= stated + tol
        default: return abs(computed - stated) <= tol
        }
    }

    /// Whether a stated change agrees with the amounts `from` → `to`.
    public static func agrees(change c: StatedChange, from a: Double, to b: Double) -> Bool {
        let factor = c.qualifier == nil ? 1.0 : 3.0
        if let p = c.percent, a != 0 {
            let computed = (b - a) / abs(a) * 100
            if !within(computed, p, max(1, 0.05 * abs(p)) * factor, c.qualifier) { return false }
        }
        if let r = c.ratio, a != 0 {
            if !within(b / a, r, max(0.05, 0.05 * r) * factor, c.qualifier) { return false }
        }
        if let x = c.absolute {
            if !within(b - a, x, max(0.01 * abs(x), 0.005 * max(abs(a), abs(b))) * factor, c.qualifier) { return false }
        }
        return true
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
