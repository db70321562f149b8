/// The one retry policy of the code base, and its one retry loop (`run`): how many attempts, the
/// delay before each retry (exponential from `baseDelay`, capped at `maxDelay`, with full jitter
/// unless turned off) and an optional deadline for the whole. Whatever retries does it through
/// `run`, and nothing that `run` calls retries again inside: a retry inside a retry multiplies
/// the attempts and hides the real time-outs.
///
/// With jitter the delay before retry n is uniform in [0, min(maxDelay, baseDelay · 2^(n-1))]:
/// it spreads the retries of many clients that failed together, so that they do not hit a
/// recovering server at the same instant.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included (`Int.max`: until success or a stop).
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// Full jitter (true) or the ceiling itself (false).
    public var jitter: Bool
    /// No retry starts later than this after the first attempt began (nil: no limit).
    public var deadline: Duration?

    public init(maxAttempts: Int = 6, baseDelay: Duration = .milliseconds(250), maxDelay: Duration = .seconds(30),
                jitter: Bool = true, deadline: Duration? = nil) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.jitter = jitter
        self.deadline = deadline
    }

    /// One attempt, no retry.
    public static let once = RetryPolicy(maxAttempts: 1)

    /// Until it works or the caller stops: for outages that must be waited out, never given up on.
    public static func untilStopped(baseDelay: Duration, maxDelay: Duration) -> RetryPolicy {
        RetryPolicy(maxAttempts: .max, baseDelay: baseDelay, maxDelay: maxDelay)
    }

    /// The ceiling of the delay after `failures` failed attempts (1 or more).
    public func ceiling(afterFailures failures: Int) -> Duration {
        let exponent = min(max(failures - 1, 0), 30)
        let scaled = baseDelay * (1 << exponent)
        return scaled > maxDelay ? maxDelay : scaled
    }

    /// The delay after `failures` failed attempts; a server's Retry-After is honoured when it
    /// asks for longer, within `maxDelay`.
    public func delay(afterFailures failures: Int, retryAfter: Duration? = nil,
                      using generator: inout some RandomNumberGenerator) -> Duration {
        let ceiling = ceiling(afterFailures: failures)
        var delay = ceiling
        if jitter {
            let nanoseconds = ceiling.components.seconds * 1_000_000_000 + ceiling.components.attoseconds / 1_000_000_000
            delay = .nanoseconds(nanoseconds > 0 ? Int64.random(in: 0...nanoseconds, using: &generator) : 0)
        }
        if let retryAfter, retryAfter > delay { delay = retryAfter }
        return delay > maxDelay ? maxDelay : delay
    }

    public func delay(afterFailures failures: Int, retryAfter: Duration? = nil) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return delay(afterFailures: failures, retryAfter: retryAfter, using: &generator)
    }

    /// Runs `attempt` (given its number, from 1) until it succeeds. After a failure it is tried
    /// again when `shouldRetry` accepts the error, attempts remain, the deadline allows the next
    /// start and the task is not cancelled; otherwise the last error is thrown. `onRetry` hears of
    /// each retry before its delay (for logs and metrics); `retryAfter` reads a server's wish.
    public func run<T, E: Error>(shouldRetry: (E) -> Bool = { _ in true },
                                 retryAfter: (E) -> Duration? = { _ in nil },
                                 onRetry: (_ error: E, _ failures: Int, _ delay: Duration) -> Void = { _, _, _ in },
                                 _ attempt: (_ number: Int) async throws(E) -> T) async throws(E) -> T {
        let started = ContinuousClock.now
        var failures = 0
        while true {
            do {
                return try await attempt(failures + 1)
            } catch let failure {
                failures += 1
                guard failures < maxAttempts, !Task.isCancelled, shouldRetry(failure) else { throw failure }
                let delay = delay(afterFailures: failures, retryAfter: retryAfter(failure))
                if let deadline, ContinuousClock.now + delay - started >= deadline { throw failure }
                onRetry(failure, failures, delay)
                // A cancellation during the delay ends the retries with the failure it waited on.
                do { try await Task.sleep(for: delay) } catch { throw failure }
            }
        }
    }

    /// What `--help` says of a policy, e.g. "up to 6 attempts, 250 ms apart doubling to 30 s (full jitter)".
    public var summary: String {
        guard maxAttempts > 1 else { return "one attempt, no retry" }
        let attempts = switch (maxAttempts, deadline) {
        case (.max, nil): "retried until it works or the service stops"
        case (.max, let deadline?): "retried for up to \(Self.format(deadline))"
        case (let count, nil): "up to \(count) attempts"
        case (let count, let deadline?): "up to \(count) attempts within \(Self.format(deadline))"
        }
        return "\(attempts), \(Self.format(baseDelay)) apart doubling to \(Self.format(maxDelay))\(jitter ? " (full jitter)" : "")"
    }

    private static func format(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000
        return milliseconds % 1_000 == 0 ? "\(milliseconds / 1_000) s" : "\(milliseconds) ms"
    }
}
