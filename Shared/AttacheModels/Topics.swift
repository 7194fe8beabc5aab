/// The Kafka topics of docs/architecture.md §1, with an optional name prefix (`ATTACHE_TOPIC_PREFIX`).
public struct Topics: Sendable, Hashable {
    /// Prepended to every name, e.g. `staging.` gives `staging.articles.raw`.
    public var prefix: String

    public init(prefix: String = "") { self.prefix = prefix }

    public var raw: String { prefix + "articles.raw" }
    public var parsed: String { prefix + "articles.parsed" }
    public var rejected: String { prefix + "articles.rejected" }
    public var enriched: String { prefix + "articles.enriched" }
    public var observations: String { prefix + "trade.observations" }
    public var deltas: String { prefix + "trade.deltas" }
    public var anniversaries: String { prefix + "anniversaries" }
    public var ledger: String { prefix + "attache.ledger" }
    public var notifications: String { prefix + "notifications" }
    /// Notifications a sink did not accept after its retries, with the sink and the error
    /// (keyed by notification id).
    public var notificationsDead: String { prefix + "notifications.dead" }
    /// The (notification id, receiver) pairs the notifier delivered, keyed by the pair:
    /// compacted, so a restart never sends again what a receiver accepted, whatever the
    /// retention of `notifications`.
    public var notificationsDelivered: String { prefix + "notifications.delivered" }

    /// Every topic with its cleanup policy, for creating them.
    public var all: [TopicSpec] {
        [
            TopicSpec(name: raw, cleanup: .delete),
            TopicSpec(name: parsed, cleanup: .compact),
            TopicSpec(name: rejected, cleanup: .delete),
            TopicSpec(name: enriched, cleanup: .compact),
            TopicSpec(name: observations, cleanup: .delete),
            TopicSpec(name: deltas, cleanup: .delete),
            TopicSpec(name: anniversaries, cleanup: .compact),
            TopicSpec(name: ledger, cleanup: .compact),
            TopicSpec(name: notifications, cleanup: .delete),
            TopicSpec(name: notificationsDead, cleanup: .delete),
            TopicSpec(name: notificationsDelivered, cleanup: .compact),
        ]
    }
}

/// A topic to create: name, partitions and cleanup policy.
public struct TopicSpec: Sendable, Hashable {
    public enum Cleanup: String, Sendable, Hashable {
        case delete
        case compact
    }

    public var name: String
    public var partitions: Int
    public var cleanup: Cleanup

    public init(name: String, partitions: Int = 4, cleanup: Cleanup) {
        self.name = name
        self.partitions = partitions
        self.cleanup = cleanup
    }
}
