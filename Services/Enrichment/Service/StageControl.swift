import Foundation

/// Flags shared by the service and its stages: stop after the current batch (graceful), or
/// stop without committing anything (a simulated crash, for tests).
final class StageControl: @unchecked Sendable {
    private let lock = NSLock()
    private var stop = false
    private var crash = false
    private var crashAfterDelivery: Set<String> = []

    func requestStop() { lock.withLock { stop = true } }
    func requestCrash() {
        lock.withLock {
            crash = true; stop = true
        }
    }
    func requestCrash(afterNextDeliveryOf stage: String) { lock.withLock { _ = crashAfterDelivery.insert(stage) } }

    /// Called by a stage whose output is delivered and not yet committed: true when it
    /// must stop there (a crash armed for it, or requested).
    func crashes(afterDeliveryOf stage: String) -> Bool {
        lock.withLock {
            if crashAfterDelivery.remove(stage) != nil {
                crash = true
                stop = true
            }
            return crash
        }
    }
    var stopRequested: Bool { lock.withLock { stop } }
    var crashRequested: Bool { lock.withLock { crash } }
}
