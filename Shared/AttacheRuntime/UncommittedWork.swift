import AttacheKafka
import Foundation

/// The input records a process has read and not yet committed, per consumer (a stage, a
/// raw consumer), so that a shutdown that cannot finish in time (the cluster is gone) can
/// say what is left: those records are read again after restart, nothing is lost.
public final class UncommittedWork: @unchecked Sendable {
    /// The registry of the process (the shutdown watchdog logs it).
    public static let shared = UncommittedWork()

    private let lock = NSLock()
    private var ranges: [String: [String]] = [:]

    public init() {}

    /// `owner` (e.g. `enrichment articles stage`) holds `messages` uncommitted.
    public func hold(_ owner: String, _ messages: [KafkaMessage]) {
        hold(owner, ranges: UncommittedWork.describe(messages))
    }

    /// `owner` holds these described ranges uncommitted.
    public func hold(_ owner: String, ranges described: [String]) {
        lock.withLock {
            if described.isEmpty { ranges[owner] = nil } else { ranges[owner] = described }
        }
    }

    /// `owner` committed what it held.
    public func release(_ owner: String) {
        lock.withLock { ranges[owner] = nil }
    }

    /// What `owner` holds, described (`articles.parsed[0] offsets 10-14`).
    public func held(by owner: String) -> [String] {
        lock.withLock { ranges[owner] ?? [] }
    }

    /// Everything held, one clause per owner; empty when nothing is.
    public func describe() -> String {
        lock.withLock {
            ranges.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.joined(separator: ", "))" }.joined(
                separator: "; ")
        }
    }

    /// Per partition, the range of offsets of `messages`.
    public static func describe(_ messages: [KafkaMessage]) -> [String] {
        var bounds: [String: (topic: String, partition: Int32, low: Int64, high: Int64)] = [:]
        for message in messages {
            let key = "\(message.topic)[\(message.partition)]"
            if let known = bounds[key] {
                bounds[key] = (
                    message.topic, message.partition, min(known.low, message.offset), max(known.high, message.offset)
                )
            } else {
                bounds[key] = (message.topic, message.partition, message.offset, message.offset)
            }
        }
        return bounds.sorted { $0.key < $1.key }.map { key, range in
            range.low == range.high ? "\(key) offset \(range.low)" : "\(key) offsets \(range.low)-\(range.high)"
        }
    }
}
