/// A map for the handful of keys one article has (its currencies, facts, series and periods):
/// up to 64 keys it compares a key with each held one, which costs less than hashing it (a
/// key of Strings is hashed with SipHash over every byte); past 64 it keeps a dictionary too,
/// so an article with very many keys stays linear. The first value put for a key stays
/// unless it is replaced with `update`.
struct SmallMap<Key: Hashable, Value> {
    private var keys: [Key] = []
    private var values: [Value] = []
    /// The place of each key in `keys`, once there are 64 of them.
    private var index: [Key: Int]?

    init() {}

    /// How many keys the map holds.
    var count: Int { keys.count }

    /// Where `key` is in `keys`, if there.
    private func place(of key: Key) -> Int? {
        if let index { return index[key] }
        return keys.withUnsafeBufferPointer { keys in
            for k in 0..<keys.count where keys[k] == key { return k }
            return nil
        }
    }

    /// The value of `key`, nil when it has none.
    subscript(key: Key) -> Value? {
        guard let k = place(of: key) else { return nil }
        return values[k]
    }

    /// Puts `value` for `key` when the key has none; false (and no change) when it has one.
    @discardableResult
    mutating func insert(_ key: Key, _ value: Value) -> Bool {
        if place(of: key) != nil { return false }
        append(key, value)
        return true
    }

    /// Puts `value` for `key`, replacing the one it had.
    mutating func update(_ key: Key, _ value: Value) {
        if let k = place(of: key) {
            values[k] = value
        } else {
            append(key, value)
        }
    }

    /// The keys and values in the order the keys were first put.
    var entries: Zip2Sequence<[Key], [Value]> { zip(keys, values) }

    private mutating func append(_ key: Key, _ value: Value) {
        keys.append(key)
        values.append(value)
        if index != nil {
            index![key] = keys.count - 1
        } else if keys.count == 64 {
            index = Dictionary(uniqueKeysWithValues: zip(keys, keys.indices))
        }
    }
}

extension SmallMap where Value == Void {
    /// Adds `key`; false when it was there already (a set of few keys).
    mutating func insert(_ key: Key) -> Bool { insert(key, ()) }
}
