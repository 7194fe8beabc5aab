/// A read of a topic to given offsets that did not get there: the caller must not go on with
/// part of what the topic holds (a service stays not ready and reads again).
public struct ReadToEndIncomplete: Error, CustomStringConvertible, Sendable {
    public enum Cause: Sendable {
        /// No record arrived for this long before every end was reached.
        case stalled(Duration)
        /// The caller's `stop` asked the read to give up.
        case stopped
    }

    public var topic: String
    /// The partitions that did not reach their end.
    public var partitions: [Int32]
    public var cause: Cause

    public var description: String {
        let unfinished = partitions.map(String.init).joined(separator: ", ")
        switch cause {
        case .stalled(let idle):
            return "reading \(topic): no records for \(idle) before the end of partition(s) \(unfinished)"
        case .stopped:
            return "reading \(topic): interrupted by shutdown before the end of partition(s) \(unfinished)"
        }
    }
}

extension KafkaConsumer {
    /// Reads partitions of `topic` from `starts` (an offset, or `KafkaOffset.beginning`) until
    /// each reaches its offset in `ends` (exclusive: the high watermarks the caller took),
    /// handing every record to `handle`. It assigns the partitions itself and never commits,
    /// so a consumer that restores state from a changelog can use it without joining a group.
    ///
    /// Offsets without records (transaction markers, records compacted away) end a partition
    /// too: after an empty poll, a partition whose position passed its end is done. Throws
    /// `ReadToEndIncomplete` when no record arrives for `idleLimit` before every end is
    /// reached, or when `stop` (asked after each empty poll) says so.
    public func read(
        topic: String, from starts: [Int32: Int64], to ends: [Int32: Int64], maxBatch: Int, idleLimit: Duration,
        stop: () -> Bool = { false }, handle: (KafkaMessage) -> Void
    ) async throws {
        var open = ends.filter { starts[$0.key] != nil }
        guard !open.isEmpty else { return }
        try assign(open.keys.sorted().map { TopicPartitionOffset(topic: topic, partition: $0, offset: starts[$0]!) })
        var idleSince = ContinuousClock.now
        while !open.isEmpty {
            let batch = try await poll(max: maxBatch, timeoutMs: 100)
            for message in batch {
                handle(message)
                if let end = open[message.partition], message.nextOffset >= end { open[message.partition] = nil }
            }
            guard batch.isEmpty else {
                idleSince = .now
                continue
            }
            for position in assignment() where position.offset >= 0 {
                if let end = open[position.partition], position.offset >= end { open[position.partition] = nil }
            }
            if open.isEmpty { return }
            if idleSince.duration(to: .now) > idleLimit {
                throw ReadToEndIncomplete(topic: topic, partitions: open.keys.sorted(), cause: .stalled(idleLimit))
            }
            if stop() { throw ReadToEndIncomplete(topic: topic, partitions: open.keys.sorted(), cause: .stopped) }
        }
    }
}
