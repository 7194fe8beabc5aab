import AttacheModels

/// The deltas within one article's observations: what `SeriesLedger(observations:).allDeltas`
/// gives, computed over short lists instead of the ledger's dictionaries. An article states a
/// handful of series, periods and changes, so finding a slot by comparing is cheaper than
/// hashing its Strings, and the series ids are built once for sorting rather than in every
/// comparison. The rules are the ledger's own: `SeriesState.replaces` chooses a slot's
/// observation, `SeriesState.forEachPair` the pairs and `SeriesState.delta` each delta.
enum ArticleDeltas {
    /// One series' slots, in the order their first observation came.
    private struct SeriesSlots {
        var series: Series
        var figures = SmallMap<String, TradeObservation>()
        var changes = SmallMap<PairKey, TradeObservation>()
    }

    /// The deltas of `observations`, sorted as `SeriesLedger.allDeltas`.
    static func deltas(_ observations: [TradeObservation]) -> [TradeDelta] {
        var all: [SeriesSlots] = []
        var place = SmallMap<Series, Int>()
        for o in observations {
            guard let series = o.series, let slot = SlotKey(o) else { continue }
            let s: Int
            if let k = place[series] {
                s = k
            } else {
                s = all.count
                place.insert(series, s)
                all.append(SeriesSlots(series: series))
            }
            switch slot {
            case .figure(let label):
                if let current = all[s].figures[label], !SeriesState.replaces(o, current) { continue }
                all[s].figures.update(label, o)
            case .change(let pair):
                if let current = all[s].changes[pair], !SeriesState.replaces(o, current) { continue }
                all[s].changes.update(pair, o)
            }
        }
        var result: [(id: String, delta: TradeDelta)] = []
        for slots in all {
            // A delta needs two figures or a stated change.
            if slots.changes.count == 0, slots.figures.count < 2 { continue }
            let id = slots.series.id
            var seen = SmallMap<PairKey, Void>()
            func add(_ o: TradeObservation) {
                func pair(_ key: PairKey, _ from: Period, _ to: Period) {
                    guard seen.insert(key) else { return }
                    if let d = SeriesState.delta(
                        series: slots.series, from: from, to: to, fa: slots.figures[key.from],
                        fb: slots.figures[key.to], change: slots.changes[key])
                    {
                        result.append((id, d))
                    }
                }
                SeriesState.forEachPair(of: o, change: { slots.changes[$0] }, pair)
            }
            for (_, o) in slots.figures.entries { add(o) }
            for (_, o) in slots.changes.entries { add(o) }
        }
        result.sort { a, b in a.id != b.id ? a.id < b.id : SeriesLedger.orderInSeries(a.delta, b.delta) }
        return result.map(\.delta)
    }
}
