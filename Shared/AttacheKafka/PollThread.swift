import CRdKafka
import Foundation
import Logging

/// A thread that blocks in `rd_kafka_poll`, serving delivery reports and client events as
/// they arrive (no sleep loop, so a send pays no added latency).
final class PollThread: @unchecked Sendable {
    private let lock = NSLock()
    private var running = true
    private let done = DispatchSemaphore(value: 0)

    init(handle: OpaquePointer, name: String) {
        let handle = KafkaHandle(raw: handle)
        let thread = Thread { [self] in
            while isRunning {
                rd_kafka_poll(handle.raw, 100)
            }
            done.signal()
        }
        thread.name = name
        thread.start()
    }

    private var isRunning: Bool { lock.withLock { running } }

    /// Stops polling and waits for the thread to leave `rd_kafka_poll`.
    func stop() {
        let wasRunning = lock.withLock {
            defer { running = false }
            return running
        }
        if wasRunning { done.wait() }
    }
}
