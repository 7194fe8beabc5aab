import AttacheModels
import AttacheRuntime
import Foundation

/// How the notifier retries and which rules it runs, from `ATTACHE_NOTIFY_*`:
///
/// - `ATTACHE_NOTIFY_MAX_ATTEMPTS`: attempts per sink before dead-lettering (default 5).
/// - `ATTACHE_NOTIFY_BACKOFF_MS`: base of the exponential backoff (default 500).
/// - `ATTACHE_NOTIFY_BACKOFF_MAX_MS`: its cap (default 30000).
/// - `ATTACHE_NOTIFY_DELTA_THRESHOLD`: percent change that makes a delta notify (default 10).
/// - `ATTACHE_NOTIFY_RULES`: rules to run, comma-separated (default all:
///   `trade-delta,anniversary-milestone,new-figures`).
/// - `ATTACHE_NOTIFY_MAX_IN_FLIGHT`: notifications in flight per receiver (default 4).
/// - `ATTACHE_NOTIFY_MAX_PENDING`: records of a partition not yet done before it is paused
///   (default 200).
/// - `ATTACHE_SHUTDOWN_TIMEOUT_MS`: how long a stop waits for deliveries in flight (10000).
public struct NotifierSettings: Sendable, Hashable {
    public var retry: RetryPolicy
    public var rules: RuleSettings
    /// The dead-letter topic; by default `<prefix>notifications.dead`.
    public var deadLetterTopic: String?
    /// Records taken per poll.
    public var maxBatch: Int
    /// Notifications in flight per receiver, retries and their waits included.
    public var maxInFlight: Int
    /// Records of one partition not yet done before the partition is paused.
    public var maxPendingPerPartition: Int
    /// How long a graceful stop waits for deliveries in flight.
    public var shutdownGrace: Duration
    /// How long a rebalance waits for the deliveries of the partitions it takes away.
    public var revokeGrace: Duration

    public init(
        retry: RetryPolicy = RetryPolicy(), rules: RuleSettings = RuleSettings(), deadLetterTopic: String? = nil,
        maxBatch: Int = 100, maxInFlight: Int = 4, maxPendingPerPartition: Int = 200,
        shutdownGrace: Duration = .seconds(10),
        revokeGrace: Duration = .seconds(5)
    ) {
        self.retry = retry
        self.rules = rules
        self.deadLetterTopic = deadLetterTopic
        self.maxBatch = maxBatch
        self.maxInFlight = max(1, maxInFlight)
        self.maxPendingPerPartition = max(1, maxPendingPerPartition)
        self.shutdownGrace = shutdownGrace
        self.revokeGrace = revokeGrace
    }

    /// Reads the variables above; throws for a value that cannot be used.
    public init(environment: [String: String]) throws {
        self.init()
        func milliseconds(_ name: String) throws -> Duration? {
            guard let text = environment[name] else { return nil }
            guard let ms = Int(text), ms >= 0 else {
                throw OptionsError("\(name)=\(text) is not a number of milliseconds")
            }
            return .milliseconds(ms)
        }
        if let text = environment["ATTACHE_NOTIFY_MAX_ATTEMPTS"] {
            guard let attempts = Int(text), attempts >= 1 else {
                throw OptionsError("ATTACHE_NOTIFY_MAX_ATTEMPTS=\(text) is not a number of attempts (1 or more)")
            }
            retry.maxAttempts = attempts
        }
        if let base = try milliseconds("ATTACHE_NOTIFY_BACKOFF_MS") { retry.baseDelay = base }
        if let cap = try milliseconds("ATTACHE_NOTIFY_BACKOFF_MAX_MS") { retry.maxDelay = cap }
        if let text = environment["ATTACHE_NOTIFY_DELTA_THRESHOLD"] {
            guard let threshold = Double(text), threshold >= 0 else {
                throw OptionsError("ATTACHE_NOTIFY_DELTA_THRESHOLD=\(text) is not a percentage")
            }
            rules.deltaThresholdPercent = threshold
        }
        if let text = environment["ATTACHE_NOTIFY_RULES"] {
            let names = Set(
                text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
            let known = RuleSettings().enabled
            let unknown = names.subtracting(known)
            guard unknown.isEmpty else {
                throw OptionsError(
                    "ATTACHE_NOTIFY_RULES: unknown rule(s) \(unknown.sorted().joined(separator: ", ")); known: \(known.sorted().joined(separator: ", "))"
                )
            }
            rules.enabled = names
        }
        if let topic = environment["ATTACHE_NOTIFY_DEAD_LETTER_TOPIC"], !topic.isEmpty { deadLetterTopic = topic }
        if let text = environment["ATTACHE_NOTIFY_MAX_IN_FLIGHT"] {
            guard let value = Int(text), value >= 1 else {
                throw OptionsError("ATTACHE_NOTIFY_MAX_IN_FLIGHT=\(text) is not a count (1 or more)")
            }
            maxInFlight = value
        }
        if let text = environment["ATTACHE_NOTIFY_MAX_PENDING"] {
            guard let value = Int(text), value >= 1 else {
                throw OptionsError("ATTACHE_NOTIFY_MAX_PENDING=\(text) is not a count (1 or more)")
            }
            maxPendingPerPartition = value
        }
        if let grace = try milliseconds("ATTACHE_SHUTDOWN_TIMEOUT_MS") { shutdownGrace = grace }
    }
}

extension NotifierSettings {
    /// The settings of the process's environment (as `IngestSettings.fromEnvironment`).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> NotifierSettings
    {
        try NotifierSettings(environment: environment)
    }
}
