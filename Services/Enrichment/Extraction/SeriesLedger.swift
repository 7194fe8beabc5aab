import AttacheModels

/// The series ledger (issue 4, item 4): every observation of every series, and the deltas
/// they give. The state is the set of observations keyed by `TradeObservation.ledgerKey`,
/// so the deltas never depend on the order observations arrive in; the enrichment service
/// backs it with the compacted `attache.ledger` changelog and replays it on assignment.
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
public struct SeriesLedger: Sendable {
    private var observations: [String: TradeObservation] = [:]
    private var keysBySeries: [Series: Set<String>] = [:]
    private var deltasBySeries: [Series: [String: TradeDelta]] = [:]

    public init() {}

    /// Records an observation; returns every delta that is new or whose value changed because
    /// of it (including both sides of a late observation), sorted as `allDeltas`. Observing
    /// the same ledger key again with the same value returns [].
    public mutating func observe(_ observation: TradeObservation) -> [TradeDelta] {
        guard let series = observation.series else { return [] }
        let key = observation.ledgerKey
        if observations[key] == observation { return [] }
        observations[key] = observation
        keysBySeries[series, default: []].insert(key)
        let old = deltasBySeries[series] ?? [:]
        let fresh = compute(series)
        deltasBySeries[series] = fresh
        return fresh.values.filter { old[$0.id] != $0 }.sorted(by: SeriesLedger.order)
    }

    /// The deltas of one series, sorted by period.
    public func deltas(for series: Series) -> [TradeDelta] {
        (deltasBySeries[series] ?? [:]).values.sorted(by: SeriesLedger.order)
    }

    /// Every delta, sorted by series id, then periods.
    public var allDeltas: [TradeDelta] {
        deltasBySeries.values.flatMap(\.values).sorted(by: SeriesLedger.order)
    }

    /// Every observation recorded, sorted by ledger key (what the changelog holds).
    public var allObservations: [TradeObservation] {
        observations.values.sorted { $0.ledgerKey < $1.ledgerKey }
    }

    static func order(_ a: TradeDelta, _ b: TradeDelta) -> Bool {
        if a.series.id != b.series.id { return a.series.id < b.series.id }
        if a.from.period != b.from.period { return a.from.period < b.from.period }
        if a.to.period != b.to.period { return a.to.period < b.to.period }
        return a.id < b.id
    }

    /// Whether `a` should be preferred over `b`: stated over derived, later over earlier,
    /// then the greater article id.
    static func better(_ a: TradeObservation, _ b: TradeObservation) -> Bool {
        let ad = a.figure?.derived ?? false, bd = b.figure?.derived ?? false
        if ad != bd { return !ad }
        if a.published != b.published { return a.published > b.published }
        if a.article != b.article { return a.article > b.article }
        return a.ledgerKey > b.ledgerKey
    }

    private func compute(_ series: Series) -> [String: TradeDelta] {
        let all = (keysBySeries[series] ?? []).compactMap { observations[$0] }
        var bestFigure: [String: TradeObservation] = [:]
        var periodByLabel: [String: Period] = [:]
        var bestChange: [String: TradeObservation] = [:]
        for o in all {
            if let f = o.figure {
                periodByLabel[f.period.label] = f.period
                if let cur = bestFigure[f.period.label], !SeriesLedger.better(o, cur) { continue }
                bestFigure[f.period.label] = o
            } else if let c = o.change {
                let k = c.from.label + ">" + c.to.label
                if let cur = bestChange[k], !SeriesLedger.better(o, cur) { continue }
                bestChange[k] = o
            }
        }
        // Candidate pairs: each figure period with its neighbours a year either side, and each change.
        var pairs: [String: (Period, Period)] = [:]
        func consider(_ from: Period, _ to: Period) {
            guard from.isComparable(with: to), from.start.year == to.start.year - 1 else { return }
            pairs[from.label + ">" + to.label] = (from, to)
        }
        for p in periodByLabel.values {
            if let before = p.shifted(years: -1) { consider(before, p) }
            if let after = p.shifted(years: 1) { consider(p, after) }
        }
        for o in bestChange.values { if let c = o.change { consider(c.from, c.to) } }

        var result: [String: TradeDelta] = [:]
        for (key, (from, to)) in pairs {
            let fa = bestFigure[from.label], fb = bestFigure[to.label]
            let ch = bestChange[key]
            if let d = delta(series: series, from: from, to: to, fa: fa, fb: fb, change: ch) { result[d.id] = d }
        }
        return result
    }

    private func isImplied(_ o: TradeObservation) -> Bool {
        guard let f = o.figure else { return false }
        return f.derived && f.metric != .tradeBalance
    }

    private func delta(series: Series, from: Period, to: Period, fa: TradeObservation?, fb: TradeObservation?,
                       change: TradeObservation?) -> TradeDelta? {
        var articles = Set<String>()
        if let fa, let fb, let a = fa.figure?.amount, let b = fb.figure?.amount {
            articles.insert(fa.article); articles.insert(fb.article)
            let implied = isImplied(fa) || isImplied(fb)
            var consistent = true
            if let c = change?.change {
                articles.insert(change!.article)
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
    /// A ledger fed with all of `list` at once: each series is computed once at the end, which
    /// is the state `observe` one by one ends in, without the recomputation after every
    /// observation (used for one article's own deltas).
    public init(observations list: [TradeObservation]) {
        self.init()
        var touched: [Series] = []
        var seen = Set<Series>()
        for o in list {
            guard let series = o.series else { continue }
            let key = o.ledgerKey
            if observations[key] == o { continue }
            observations[key] = o
            keysBySeries[series, default: []].insert(key)
            if seen.insert(series).inserted { touched.append(series) }
        }
        for series in touched { deltasBySeries[series] = compute(series) }
    }
}
