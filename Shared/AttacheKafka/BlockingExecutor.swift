import Dispatch

/// Runs blocking librdkafka calls (flush, commit, transaction calls, metadata, close) on
/// threads of their own, so they never occupy Swift's cooperative thread pool.
///
/// Each call gets a serial queue of its own: serial queues draw on libdispatch's overcommit
/// pool, which adds threads while others block. The global and concurrent queues do not:
/// they run at most one blocked thread per core, so two slow calls (a consumer leaving its
/// group, a flush) would stall every other blocking call on a two-core machine.
enum BlockingExecutor {
    /// A queue for one blocking call.
    static func queue() -> DispatchQueue { DispatchQueue(label: "attache.kafka.blocking") }

    /// Runs `work` on `queue` (default: a queue of its own) and returns its result.
    static func run<T: Sendable>(
        on queue: DispatchQueue = BlockingExecutor.queue(),
        _ work: @escaping @Sendable () throws(KafkaError) -> T
    ) async throws(KafkaError) -> T {
        let result: Result<T, KafkaError> = await withCheckedContinuation { continuation in
            queue.async {
                do throws(KafkaError) {
                    continuation.resume(returning: .success(try work()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }
}

/// Runs blocking work (a synchronous Kafka call, closing a client, waiting for a process) on
/// a thread of its own (see `BlockingExecutor`), so it never holds one of Swift's few
/// cooperative threads.
public func offCooperativePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        BlockingExecutor.queue().async {
            do { continuation.resume(returning: try work()) } catch { continuation.resume(throwing: error) }
        }
    }
}

/// `offCooperativePool` for work that cannot fail.
public func offCooperativePool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        BlockingExecutor.queue().async { continuation.resume(returning: work()) }
    }
}

/// Starts blocking work in the background (e.g. closing a client nobody waits for), on a
/// thread of its own.
public func inBackground(_ work: @escaping @Sendable () -> Void) {
    BlockingExecutor.queue().async(execute: work)
}
