import AttacheKafka

/// A partition of an input topic.
struct PartitionKey: Hashable, Sendable, Comparable {
    var topic: String
    var partition: Int32

    static func < (a: PartitionKey, b: PartitionKey) -> Bool { (a.topic, a.partition) < (b.topic, b.partition) }
}

/// Which input records are done, per partition, and so which offsets may be committed:
/// records finish out of order (deliveries run concurrently), but a partition's commit
/// position only moves past a record once it and every record before it are done. Pure
/// value; the service keeps it under a lock.
struct OffsetTracker {
    /// Records handed out and not yet below the commit position: offset → done.
    private var open: [PartitionKey: [Int64: Bool]] = [:]
    /// One past the last offset handed out.
    private var next: [PartitionKey: Int64] = [:]
    /// The last position committed (or taken as committed).
    private var committed: [PartitionKey: Int64] = [:]

    /// Starts tracking a record; false when it was handed out already (fetched again after
    /// a pause or a seek): it must not be processed twice.
    mutating func begin(_ key: PartitionKey, offset: Int64) -> Bool {
        if let last = next[key], offset < last { return false }
        next[key] = offset + 1
        open[key, default: [:]][offset] = false
        return true
    }

    /// Marks a record done (unknown records, e.g. of a revoked partition, are ignored).
    mutating func finish(_ key: PartitionKey, offset: Int64) {
        guard open[key]?[offset] != nil else { return }
        open[key]![offset] = true
    }

    /// Records of a partition handed out and not done.
    func outstanding(_ key: PartitionKey) -> Int {
        open[key]?.values.filter { !$0 }.count ?? 0
    }

    /// Partitions with records not done.
    var busyPartitions: [PartitionKey] { open.filter { $0.value.values.contains(false) }.map(\.key) }

    /// The commit position of a partition: the first record not done, else one past the last.
    func position(_ key: PartitionKey) -> Int64? {
        guard let last = next[key] else { return nil }
        return open[key]?.filter { !$0.value }.keys.min() ?? last
    }

    /// Positions that moved since the last commit (optionally only of `partitions`).
    func uncommitted(of partitions: Set<PartitionKey>? = nil) -> [TopicPartitionOffset] {
        next.keys.sorted().compactMap { key in
            if let partitions, !partitions.contains(key) { return nil }
            guard let position = position(key), position > (committed[key] ?? -1) else { return nil }
            return TopicPartitionOffset(topic: key.topic, partition: key.partition, offset: position)
        }
    }

    /// Records that these positions are committed and forgets the done records below them.
    mutating func committed(_ offsets: [TopicPartitionOffset]) {
        for entry in offsets {
            let key = PartitionKey(topic: entry.topic, partition: entry.partition)
            committed[key] = max(committed[key] ?? -1, entry.offset)
            open[key] = open[key]?.filter { $0.key >= entry.offset }
        }
    }

    /// Forgets partitions (revoked or lost): their records are read again by their next owner.
    mutating func drop(_ keys: Set<PartitionKey>) {
        for key in keys {
            open[key] = nil
            next[key] = nil
            committed[key] = nil
        }
    }

    /// Forgets everything.
    mutating func reset() {
        self = OffsetTracker()
    }
}
