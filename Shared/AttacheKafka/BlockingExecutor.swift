import Dispatch

/// Runs blocking librdkafka calls (flush, commit, transaction calls, metadata) on threads
/// of its own, so they never occupy Swift's cooperative thread pool.
enum BlockingExecutor {
    private static let queue = DispatchQueue(label: "attache.kafka.blocking", attributes: .concurrent)

    /// Runs `work` on a blocking-call thread and returns its result.
    static func run<T: Sendable>(_ work: @escaping @Sendable () throws(KafkaError) -> T) async throws(KafkaError) -> T {
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
