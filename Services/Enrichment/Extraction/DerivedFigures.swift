import AttacheModels

/// Derived figures (`derived: true`): the trade balance of one period from stated exports and
/// imports, and the other end of a stated change with one stated figure.
extension ArticleAnalysis {
    /// Trade balances from exports and imports of one period, and earlier (or later) values
    /// implied by a stated change and one stated figure.
    func derivedFigures(figures: [Figure], changes: [(StatedChange, Range<Int>)]) -> [Figure] {
        var result: [Figure] = []
        let stated = figures.filter { !$0.derived }
        // The first stated figure of each series and period (an article has a handful).
        var bySeriesPeriod = SmallMap<SeriesPeriod, Figure>()
        for f in stated { bySeriesPeriod.insert(SeriesPeriod(f.series, f.period), f) }
        func find(_ metric: Metric, like f: Figure, period: Period) -> Figure? {
            bySeriesPeriod[
                SeriesPeriod(
                    Series(metric: metric, reporter: f.reporter, partner: f.partner, currency: f.currency), period)]
        }
        var balances = SmallMap<SeriesPeriod, Void>()
        // Trade balance.
        for exports in stated where exports.metric == .exports {
            guard let imports = find(.imports, like: exports, period: exports.period) else { continue }
            if find(.tradeBalance, like: exports, period: exports.period) != nil { continue }
            guard balances.insert(SeriesPeriod(exports.series, exports.period)) else { continue }
            let s = TextSpan(
                start: min(exports.span.start, imports.span.start), end: max(exports.span.end, imports.span.end))
            let q: Qualifier? = exports.qualifier == nil && imports.qualifier == nil ? nil : .approximately
            result.append(
                Figure(
                    metric: .tradeBalance, reporter: exports.reporter, partner: exports.partner, direction: nil,
                    period: exports.period, amount: exports.amount - imports.amount, currency: exports.currency,
                    qualifier: q, derived: true, span: s, text: text(s)))
        }
        // Implied values.
        for (change, _) in changes {
            let fromFigure = bySeriesPeriod[SeriesPeriod(change.series, change.from)]
            let toFigure = bySeriesPeriod[SeriesPeriod(change.series, change.to)]
            let hasTo = toFigure != nil
            guard (fromFigure == nil) != (toFigure == nil), let known = toFigure ?? fromFigure else { continue }
            guard let amount = Implied.amount(known: known.amount, knownIsTo: hasTo, change: change) else { continue }
            let s = TextSpan(start: min(known.span.start, change.span.start), end: max(known.span.end, change.span.end))
            // An implied value is approximate: the stated change is rounded.
            let q: Qualifier? = .approximately
            result.append(
                Figure(
                    metric: known.metric, reporter: known.reporter, partner: known.partner, direction: known.direction,
                    period: hasTo ? change.from : change.to, amount: amount, currency: known.currency,
                    qualifier: q, derived: true, span: s, text: text(s)))
        }
        return result
    }
}

/// A series and a period label: the key of one value in an article (a struct, not a joined
/// string, so no text is built to look it up).
struct SeriesPeriod: Hashable {
    var series: Series
    var label: String
    init(_ series: Series, _ period: Period) { self.series = series; self.label = period.label }
}

enum Implied {
    /// The other end of a stated change, rounded to whole units.
    static func amount(known: Double, knownIsTo: Bool, change: StatedChange) -> Double? {
        var value: Double?
        if let r = change.ratio, r > 0 {
            value = knownIsTo ? known / r : known * r
        } else if let p = change.percent, p > -100 {
            value = knownIsTo ? known / (1 + p / 100) : known * (1 + p / 100)
        } else if let a = change.absolute {
            value = knownIsTo ? known - a : known + a
        }
        guard let v = value, v.isFinite else { return nil }
        return v.rounded()
    }
}
