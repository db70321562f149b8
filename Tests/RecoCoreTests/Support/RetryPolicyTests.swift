import RecoCore
import Synchronization
import Testing

/// The one retry loop: attempts counted, a refused error not retried, a deadline kept, delays
/// exponential and capped, with or without jitter.
@Suite struct RetryPolicyTests {
    private struct Failure: Error, Equatable {
        var transient = true
    }

    @Test func backoffIsExponentialBoundedAndJittered() {
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: .milliseconds(100), maxDelay: .seconds(2))
        #expect(policy.ceiling(afterFailures: 1) == .milliseconds(100))
        #expect(policy.ceiling(afterFailures: 3) == .milliseconds(400))
        #expect(policy.ceiling(afterFailures: 9) == .seconds(2))
        var generator = SplitMix64(seed: 5)
        let delays = (0..<200).map { _ in policy.delay(afterFailures: 4, using: &generator) }
        #expect(delays.allSatisfy { $0 >= .zero && $0 <= .milliseconds(800) })
        // Jitter: the delays spread over the interval rather than repeating one value.
        #expect(Set(delays).count > 150)
        #expect(delays.contains { $0 < .milliseconds(200) } && delays.contains { $0 > .milliseconds(600) })
        // A server's Retry-After wins when longer, within the ceiling of the policy.
        #expect(policy.delay(afterFailures: 1, retryAfter: .seconds(1), using: &generator) == .seconds(1))
        #expect(policy.delay(afterFailures: 1, retryAfter: .seconds(60), using: &generator) == .seconds(2))
    }

    @Test func withoutJitterTheDelaysAreTheCeilings() {
        let policy = RetryPolicy(maxAttempts: 6, baseDelay: .seconds(1), maxDelay: .seconds(5), jitter: false)
        #expect((1...5).map { policy.delay(afterFailures: $0) } == [.seconds(1), .seconds(2), .seconds(4), .seconds(5), .seconds(5)])
    }

    @Test func retriesUntilItWorksAndCountsTheAttempts() async throws {
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(1), maxDelay: .milliseconds(2))
        let retries = Mutex<[Int]>([])
        let result = try await policy.run(onRetry: { (_: Failure, failures, _) in retries.withLock { $0.append(failures) } }) { (number) throws(Failure) in
            if number < 3 { throw Failure() }
            return number
        }
        #expect(result == 3)
        #expect(retries.withLock { $0 } == [1, 2])
    }

    @Test func stopsAtTheLastAttemptOrARefusedError() async {
        let policy = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(1), maxDelay: .milliseconds(2))
        let attempts = Mutex(0)
        await #expect(throws: Failure()) {
            try await policy.run { (_) throws(Failure) -> Int in
                attempts.withLock { $0 += 1 }
                throw Failure()
            }
        }
        #expect(attempts.withLock { $0 } == 4)
        attempts.withLock { $0 = 0 }
        await #expect(throws: Failure(transient: false)) {
            try await policy.run(shouldRetry: { (error: Failure) in error.transient }) { (_) throws(Failure) -> Int in
                attempts.withLock { $0 += 1 }
                throw Failure(transient: false)
            }
        }
        #expect(attempts.withLock { $0 } == 1, "a refused error is not retried")
        #expect(RetryPolicy.once.maxAttempts == 1)
    }

    /// No retry starts once its delay would end past the deadline: with 40 ms delays and a
    /// 100 ms deadline, three attempts at most (0, 40, 80 ms), however slow the machine.
    @Test func noRetryStartsAfterTheDeadline() async {
        let policy = RetryPolicy(maxAttempts: .max, baseDelay: .milliseconds(40), maxDelay: .milliseconds(40), jitter: false, deadline: .milliseconds(100))
        let attempts = Mutex(0)
        await #expect(throws: Failure.self) {
            try await policy.run { (_) throws(Failure) -> Int in
                attempts.withLock { $0 += 1 }
                throw Failure()
            }
        }
        #expect((1...3).contains(attempts.withLock { $0 }))
    }

    @Test func theSummarySaysWhatItDoes() {
        #expect(RetryPolicy(maxAttempts: 6, baseDelay: .milliseconds(250), maxDelay: .seconds(30)).summary
            == "up to 6 attempts, 250 ms apart doubling to 30 s (full jitter)")
        #expect(RetryPolicy.untilStopped(baseDelay: .milliseconds(200), maxDelay: .seconds(5)).summary
            == "retried until it works or the service stops, 200 ms apart doubling to 5 s (full jitter)")
        #expect(RetryPolicy(maxAttempts: .max, baseDelay: .milliseconds(100), maxDelay: .seconds(5), jitter: false, deadline: .seconds(60)).summary
            == "retried for up to 60 s, 100 ms apart doubling to 5 s")
        #expect(RetryPolicy.once.summary == "one attempt, no retry")
    }
}
