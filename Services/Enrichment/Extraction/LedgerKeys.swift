import AttacheModels

/// The `TradeObservation.ledgerKey`s of one article's observations, by their parts: the
/// series, the period label (or both of a change's) and whether derived are what tells two
/// keys of one article apart (the article is the same; labels hold no `|` or `>`), so the
/// key's String is not built for each. An article has a handful: they are compared one by
/// one, and hashed only past 64.
struct LedgerKeys {
    struct Key: Hashable {
        var series: Series
        var from: String
        var to: String?
        var derived: Bool
    }
    private var list: [Key] = []
    private var set: Set<Key> = []

    /// Adds a key; false when it was there already.
    mutating func insert(_ key: Key) -> Bool {
        if list.count < 64 {
            if list.contains(key) { return false }
            list.append(key)
            if list.count == 64 { set = Set(list) }
            return true
        }
        return set.insert(key).inserted
    }
}
