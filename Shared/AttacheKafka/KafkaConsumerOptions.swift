/// Where a consumer starts in a partition its group has no committed offset for
/// (`auto.offset.reset`).
public enum AutoOffsetReset: String, Sendable, Hashable {
    /// The oldest record the partition still holds.
    case earliest
    /// The next record written after the consumer joins.
    case latest
}

/// Which records of transactional producers a consumer sees (`isolation.level`).
public enum IsolationLevel: String, Sendable, Hashable {
    /// Only records of committed transactions (and non-transactional ones).
    case readCommitted = "read_committed"
    /// Every record, including those of open and aborted transactions.
    case readUncommitted = "read_uncommitted"
}

/// A consumer's typed options; anything else passes through `KafkaConfig.properties`
/// (which override these).
public struct KafkaConsumerOptions: Sendable, Hashable {
    public var autoOffsetReset: AutoOffsetReset
    public var isolation: IsolationLevel
    /// How long the group waits for a heartbeat before it rebalances the member away
    /// (`session.timeout.ms`).
    public var sessionTimeout: Duration
    /// How often the member sends heartbeats (`heartbeat.interval.ms`).
    public var heartbeatInterval: Duration

    public init(
        autoOffsetReset: AutoOffsetReset = .earliest, isolation: IsolationLevel = .readCommitted,
        sessionTimeout: Duration = .seconds(10), heartbeatInterval: Duration = .seconds(1)
    ) {
        self.autoOffsetReset = autoOffsetReset
        self.isolation = isolation
        self.sessionTimeout = sessionTimeout
        self.heartbeatInterval = heartbeatInterval
    }

    /// The librdkafka properties of these options.
    var properties: [(String, String)] {
        [
            ("auto.offset.reset", autoOffsetReset.rawValue),
            ("isolation.level", isolation.rawValue),
            ("session.timeout.ms", String(sessionTimeout.milliseconds)),
            ("heartbeat.interval.ms", String(heartbeatInterval.milliseconds)),
        ]
    }
}

extension Duration {
    /// Whole milliseconds, for librdkafka calls and properties that take them.
    public var milliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
