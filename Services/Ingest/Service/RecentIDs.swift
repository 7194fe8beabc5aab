import Foundation

/// A bounded set of recently published article ids, least recently used evicted first.
///
/// The ingest service answers `duplicate: true` when an id is in it. It is a hint for
/// clients, not a guarantee: downstream stays correct either way, because the Kafka key of
/// an article is its stable id. `ArticlePublisher` inserts an id when its publication
/// starts (so of two concurrent submissions of one article, one is the duplicate) and
/// removes it again when that publication fails. Thread-safe; `insert` and `contains` are
/// O(1) amortised.
public final class RecentIDs: @unchecked Sendable {
    /// The ids remembered by default in one process (e.g. by `FileIngest`).
    public static let shared = RecentIDs()

    /// The most ids kept.
    public let capacity: Int
    private let lock = NSLock()
    /// id → the sequence number of its latest use.
    private var lastUse: [String: UInt64] = [:]
    /// Uses in order; entries whose sequence number is no longer the id's latest are stale.
    private var uses: [(id: String, sequence: UInt64)] = []
    private var head = 0
    private var sequence: UInt64 = 0

    /// A set that keeps at most `capacity` ids (default 100,000).
    public init(capacity: Int = 100_000) {
        self.capacity = max(1, capacity)
    }

    /// Records `id` as used now. Returns true when it was already there.
    @discardableResult
    public func insert(_ id: String) -> Bool {
        lock.withLock {
            sequence += 1
            let present = lastUse.updateValue(sequence, forKey: id) != nil
            uses.append((id, sequence))
            while lastUse.count > capacity, head < uses.count {
                let oldest = uses[head]
                head += 1
                if lastUse[oldest.id] == oldest.sequence { lastUse[oldest.id] = nil }
            }
            // Drop consumed and stale entries once they outnumber the live ones.
            if head > 1024 && head * 2 > uses.count {
                uses.removeFirst(head)
                head = 0
            }
            if uses.count - head > capacity * 2 + 1024 { compact() }
            return present
        }
    }

    /// Forgets `id` (e.g. when its publication failed).
    public func remove(_ id: String) {
        lock.withLock { _ = lastUse.removeValue(forKey: id) }
    }

    /// Whether `id` is remembered (does not count as a use).
    public func contains(_ id: String) -> Bool {
        lock.withLock { lastUse[id] != nil }
    }

    /// The number of ids remembered.
    public var count: Int { lock.withLock { lastUse.count } }

    /// Rebuilds the use list from the live entries (called with the lock held).
    private func compact() {
        uses = uses[head...].filter { lastUse[$0.id] == $0.sequence }
        head = 0
    }
}
