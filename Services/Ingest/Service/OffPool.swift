import Dispatch

/// Runs blocking work (closing Kafka clients, which flushes and joins librdkafka's threads)
/// on a Dispatch thread, so it never holds one of Swift's few cooperative threads.
func offCooperativePool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(returning: work()) }
    }
}
