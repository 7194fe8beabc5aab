import Foundation

/// Threads of their own for the CPU work of ingest (reading and counting bodies, parsing,
/// encoding records and answers), as a task executor: the article route and the raw
/// consumer's batches run with this executor as their preference, so however many
/// submissions arrive, Swift's cooperative pool (a thread per core) stays free for
/// `/healthz`, `/readyz` and `/metrics`, and the operating system shares the cores fairly.
final class WorkerThreads: TaskExecutor, @unchecked Sendable {
    /// The article API's workers: one thread per core, for the life of the process.
    static let shared = WorkerThreads(
        threads: max(1, ProcessInfo.processInfo.activeProcessorCount), name: "attache.ingest.worker")

    private let condition = NSCondition()
    /// Jobs in arrival order, from `head` on.
    private var jobs: [UnownedJob] = []
    private var head = 0

    init(threads: Int, name: String) {
        for index in 0..<threads {
            let thread = Thread { [unowned self] in self.work() }
            thread.name = "\(name)-\(index)"
            thread.start()
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while head == jobs.count { condition.wait() }
            let job = jobs[head]
            head += 1
            if head == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 1_024, head * 2 >= jobs.count {
                jobs.removeFirst(head)
                head = 0
            }
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
