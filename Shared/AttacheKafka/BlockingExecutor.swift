import Dispatch

/// Runs blocking librdkafka calls (flush, commit, transaction calls, metadata, close) on
/// threads of their own, so they never occupy Swift's cooperative thread pool.
enum BlockingExecutor {
    private static let queue = DispatchQueue(label: "attache.kafka.blocking", attributes: .concurrent)

    /// Runs `work` on `queue` (default: the shared blocking-call queue) and returns its result.
    static func run<T: Sendable>(on queue: DispatchQueue = BlockingExecutor.queue,
                                 _ work: @escaping @Sendable () throws(KafkaError) -> T) async throws(KafkaError) -> T {
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
/// a Dispatch thread, so it never holds one of Swift's few cooperative threads.
public func offCooperativePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            do { continuation.resume(returning: try work()) } catch { continuation.resume(throwing: error) }
        }
    }
}

/// `offCooperativePool` for work that cannot fail.
public func offCooperativePool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(returning: work()) }
    }
}
