import AttacheRuntime
import Testing

/// The one retry rule: attempts, which errors are retried, and waits that a stop ends.
@Suite("RetryPolicy")
struct RetryPolicyTests {
    struct Failure: Error, Equatable {
        var transient: Bool
    }

    /// A counter the closures share.
    final class Count: @unchecked Sendable {
        var value = 0
    }

    static let quick = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(1), maxDelay: .milliseconds(2))

    @Test("a transient error is retried until the attempts run out; the last error is thrown")
    func attemptsRunOut() async {
        let attempts = Count()
        var retries: [Int] = []
        do {
            try await Self.quick.run(
                { () throws(Failure) in
                    attempts.value += 1
                    throw Failure(transient: true)
                }, retryable: { $0.transient }, onRetry: { _, retry, _ in retries.append(retry) })
            Issue.record("no error thrown")
        } catch {
            #expect(error == Failure(transient: true))
        }
        #expect(attempts.value == 4)
        #expect(retries == [1, 2, 3])
    }

    @Test("an error that is not retryable is thrown at once; a success after failures returns its value")
    func retryable() async throws {
        let attempts = Count()
        await #expect(throws: Failure(transient: false)) {
            try await Self.quick.run(
                { () throws(Failure) in
                    attempts.value += 1
                    throw Failure(transient: false)
                }, retryable: { $0.transient })
        }
        #expect(attempts.value == 1)
        let tries = Count()
        let value = try await Self.quick.run(
            { () throws(Failure) -> String in
                tries.value += 1
                if tries.value < 3 { throw Failure(transient: true) }
                return "done"
            }, retryable: { $0.transient })
        #expect(value == "done" && tries.value == 3)
    }

    @Test("a wait that returns false (the caller stops) ends the retries with the error that led to it")
    func stoppedWait() async {
        let attempts = Count()
        var waits: [Duration] = []
        do {
            try await RetryPolicy(maxAttempts: .max).run(
                { () throws(Failure) in
                    attempts.value += 1
                    throw Failure(transient: true)
                }, retryable: { $0.transient },
                wait: { wait in
                    waits.append(wait)
                    return waits.count < 2
                })
            Issue.record("no error thrown")
        } catch {
            #expect(error == Failure(transient: true))
        }
        #expect(attempts.value == 2, "the first wait let the retry happen, the second stopped it")
        #expect(waits.count == 2)
        #expect(waits.allSatisfy { $0 <= .milliseconds(1_000) })
    }

    @Test("the waits grow exponentially up to the ceiling, with full jitter")
    func delays() {
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: .milliseconds(100), maxDelay: .seconds(1))
        #expect(
            (1...6).map { policy.ceiling(beforeRetry: $0) }
                == [
                    .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1),
                    .seconds(1),
                ])
        #expect(policy.delay(beforeRetry: 3, unit: 0) == .zero)
        #expect(policy.delay(beforeRetry: 3, unit: 0.5) == .milliseconds(200))
        #expect(policy.delay(beforeRetry: 3, unit: 7) == .milliseconds(400), "the unit is clamped into 0...1")
        // A huge retry number neither traps nor passes the ceiling.
        #expect(RetryPolicy(maxAttempts: .max).ceiling(beforeRetry: .max) == .seconds(30))
    }

    @Test("pause: a stop ends the wait early (false); without one it sleeps the whole time (true)")
    func pause() async {
        let started = ContinuousClock.now
        let stopped = await RetryPolicy.pause(.seconds(60), until: { started.duration(to: .now) > .milliseconds(100) })
        #expect(!stopped)
        #expect(started.duration(to: .now) < .seconds(50), "the stop did not end the wait")
        let slept = await RetryPolicy.pause(.milliseconds(30), until: { false })
        #expect(slept)
    }
}
