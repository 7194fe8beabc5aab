import AttacheKafka
import AttacheModels
import AttacheRuntime
import Dispatch
import Extraction
import Foundation
import Logging

/// Rebuilds the ledger of some partitions by reading the same partitions of
/// `attache.ledger` from the beginning to their end (the high watermark when the read
/// starts). Read committed: entries of aborted transactions are not restored.
public struct LedgerRestorer: Sendable {
    public var config: KafkaConfig
    public var topic: String
    public var groupID: String
    public var metrics: Metrics
    public var logger: Logger
    /// How long a restore waits without any entry before the end is reached, then fails.
    public var idleLimit: Duration = .seconds(10)
    /// Asked between polls: true when the restore must give up (shutdown).
    public var stop: (@Sendable () -> Bool)?

    public init(config: KafkaConfig, topic: String, groupID: String, metrics: Metrics, logger: Logger) {
        self.config = config
        self.topic = topic
        self.groupID = groupID
        self.metrics = metrics
        self.logger = logger
    }

    /// What a restore found.
    public struct Result: Sendable {
        var partitions: [Int32: PartitionLedger]
        /// Ledger entries read.
        public var entries: Int
        /// Entries that could not be read, with the records they came from.
        var rejections: [(Rejection, KafkaMessage)] = []
        public var seconds: Double
        /// Builds every restored series' ledger (otherwise built on first use) and returns
        /// how many deltas they hold and how long that took (for tools and benchmarks).
        public mutating func materialize() -> (deltas: Int, seconds: Double) {
            let started = ContinuousClock.now
            for key in Array(partitions.keys) { partitions[key]!.materialize() }
            let seconds = started.duration(to: .now).seconds
            return (partitions.values.reduce(0) { $0 + $1.deltaCount }, seconds)
        }
    }

    /// Restores `partitions` (numbers of `trade.observations` = numbers of `attache.ledger`).
    public func restore(partitions numbers: [Int32]) async throws -> Result {
        let started = ContinuousClock.now
        var states: [Int32: PartitionLedger] = [:]
        for number in numbers { states[number] = PartitionLedger() }
        var entries = 0
        var rejections: [(Rejection, KafkaMessage)] = []
        if !numbers.isEmpty {
            // The consumer never joins its group nor commits: it only reads assigned partitions.
            let consumer = try KafkaConsumer(config: config, groupID: groupID, readCommitted: true, logger: logger)
            defer { inBackground { consumer.close() } }
            let topic = topic
            let ends: [Int32: Int64] = try await offCooperativePool {
                var ends: [Int32: Int64] = [:]
                for number in numbers {
                    let (low, high) = try consumer.watermarks(topic: topic, partition: number)
                    if high > low { ends[number] = high }
                }
                return ends
            }
            let shouldStop = { stop?() ?? false }
            // Never continue with part of the state: an incomplete read throws, and the stage
            // stays not ready and restores again.
            try await consumer.read(
                topic: topic, from: ends.mapValues { _ in KafkaOffset.beginning }, to: ends, maxBatch: 2_000,
                idleLimit: idleLimit, stop: shouldStop
            ) { message in
                entries += 1
                guard message.value != nil else { return }
                switch PoisonRecord.decode(LedgerEntry.self, from: message) {
                case .success(let entry):
                    states[message.partition, default: PartitionLedger()].restore(entry.observation)
                case .failure(let rejection):
                    // Not state: rejected (again at each restore, with the same key and value)
                    // and left out.
                    logger.warning(
                        "ledger entry at \(PoisonRecord.location(message)) cannot be restored, rejected: \(rejection.detail)"
                    )
                    metrics.increment(
                        EnrichmentMetrics.rejectedTotal, labels: ["topic": message.topic, "reason": rejection.reason])
                    rejections.append((rejection, message))
                }
            }
        }
        let seconds = started.duration(to: .now).seconds
        metrics.set(EnrichmentMetrics.restoreSeconds, seconds)
        metrics.observe(EnrichmentMetrics.restoreDurationSeconds, seconds)
        metrics.set(EnrichmentMetrics.restoredEntries, Double(entries))
        logger.info(
            "restored the series ledger of \(topic) partitions \(numbers.sorted()): \(entries) entries in \(String(format: "%.3f", seconds)) s"
        )
        return Result(partitions: states, entries: entries, rejections: rejections, seconds: seconds)
    }
}
