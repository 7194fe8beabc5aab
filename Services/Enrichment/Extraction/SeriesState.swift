import AttacheModels

/// A slot of a series: a period (figures) or a pair of periods (stated changes).
enum SlotKey: Hashable, Sendable {
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
struct PairKey: Hashable, Sendable {
    var from: String
    var to: String
}

/// One series: its slots and the deltas they give. Only `SeriesLedger` uses it (one per
/// series); the slot keys above are its.
struct SeriesState: Sendable {
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
        if let current, !Self.replaces(o, current) { return (current, false) }
        set(slot, o)
        return (current, true)
    }

    /// Whether `o` takes the place of `current` in their slot: the same statement of the same
    /// article, revised, replaces it; another replaces it only when better.
    static func replaces(_ o: TradeObservation, _ current: TradeObservation) -> Bool {
        if current == o { return false }
        return current.ledgerKey == o.ledgerKey || SeriesLedger.better(o, current)
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
        return SeriesLedger.Change(
            deltas: changedDeltas.sorted(by: SeriesLedger.order),
            undo: SeriesLedger.Undo(
                series: series, slot: slot, previous: previous,
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
        forEachPair(of: o) { result.append(($0, $1, $2)) }
        return result
    }

    /// `pairs(of:)` without collecting them in an array.
    private func forEachPair(of o: TradeObservation, _ body: (PairKey, Period, Period) -> Void) {
        Self.forEachPair(of: o, change: { changes[$0] }, body)
    }

    /// The pairs of `pairs(of:)`, with `change` the slot of a stated change between two periods.
    static func forEachPair(
        of o: TradeObservation, change slot: (PairKey) -> TradeObservation?, _ body: (PairKey, Period, Period) -> Void
    ) {
        func consider(_ from: Period, _ to: Period) {
            guard from.isComparable(with: to), from.start.year == to.start.year - 1 else { return }
            let key = PairKey(from: from.label, to: to.label)
            // A stated change between the two fixes the periods (as it always did).
            if let change = slot(key)?.change {
                body(key, change.from, change.to)
            } else {
                body(key, from, to)
            }
        }
        if let f = o.figure {
            if let before = f.period.shifted(years: -1) { consider(before, f.period) }
            if let after = f.period.shifted(years: 1) { consider(f.period, after) }
        } else if let c = o.change {
            consider(c.from, c.to)
        }
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
        // A delta needs two figures or a stated change: one figure alone gives none (the common
        // case of an article's own ledger), and its neighbours need not be looked up.
        if changes.isEmpty, figures.count < 2 { return [:] }
        var seen = Set<PairKey>()
        var result: [PairKey: TradeDelta] = [:]
        func add(_ o: TradeObservation) {
            forEachPair(of: o) { key, from, to in
                guard seen.insert(key).inserted else { return }
                if let d = delta(series: series, key: key, from: from, to: to) { result[key] = d }
            }
        }
        for o in figures.values { add(o) }
        for o in changes.values { add(o) }
        return result
    }

    private static func isImplied(_ o: TradeObservation) -> Bool {
        guard let f = o.figure else { return false }
        return f.derived && f.metric != .tradeBalance
    }

    private func delta(series: Series, key: PairKey, from: Period, to: Period) -> TradeDelta? {
        Self.delta(series: series, from: from, to: to, fa: figures[key.from], fb: figures[key.to], change: changes[key])
    }

    /// The delta between the periods `from` and `to` of a series, from the best figures of
    /// each (`fa`, `fb`) and the best stated change between them; nil when they give none.
    static func delta(
        series: Series, from: Period, to: Period, fa: TradeObservation?, fb: TradeObservation?,
        change: TradeObservation?
    ) -> TradeDelta? {
        // The articles behind it (at most three; an array, not a Set).
        var articles: [String] = []
        func note(_ article: String) { if !articles.contains(article) { articles.append(article) } }
        if let fa, let fb, let a = fa.figure?.amount, let b = fb.figure?.amount {
            note(fa.article); note(fb.article)
            let implied = isImplied(fa) || isImplied(fb)
            var consistent = true
            if let change, let c = change.change {
                note(change.article)
                consistent = Tolerance.agrees(change: c, from: a, to: b)
            }
            return TradeDelta(
                series: series, from: DeltaPoint(period: from, amount: a), to: DeltaPoint(period: to, amount: b),
                absolute: b - a, percent: Tolerance.percent(a, b), ratio: Tolerance.ratio(a, b),
                basis: implied ? .implied : .computed, articles: articles.sorted(), consistent: consistent)
        }
        guard let change, let c = change.change else { return nil }
        note(change.article)
        if let known = fb ?? fa, let amount = known.figure?.amount {
            let knownIsTo = fb != nil
            guard let other = Implied.amount(known: amount, knownIsTo: knownIsTo, change: c) else { return nil }
            note(known.article)
            let a = knownIsTo ? other : amount
            let b = knownIsTo ? amount : other
            return TradeDelta(
                series: series, from: DeltaPoint(period: from, amount: a), to: DeltaPoint(period: to, amount: b),
                absolute: b - a, percent: Tolerance.percent(a, b), ratio: Tolerance.ratio(a, b),
                basis: .implied, articles: articles.sorted(), consistent: true)
        }
        var percent = c.percent
        var ratio = c.ratio
        if percent == nil, let r = ratio { percent = Tolerance.round((r - 1) * 100, 1) }
        if ratio == nil, let p = percent { ratio = Tolerance.round(1 + p / 100, 3) }
        return TradeDelta(
            series: series, from: DeltaPoint(period: from, amount: nil), to: DeltaPoint(period: to, amount: nil),
            absolute: c.absolute, percent: percent, ratio: ratio, basis: .stated, articles: articles.sorted(),
            consistent: true)
    }
}
