/// Bounded exponential backoff with full jitter: the delay before retry n is uniform in
/// [0, min(maxDelay, baseDelay · 2^(n-1))]. Jitter spreads the retries of many clients that
/// failed together, so that they do not hit a recovering server at the same instant.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration

    public init(maxAttempts: Int = 6, baseDelay: Duration = .milliseconds(250), maxDelay: Duration = .seconds(30)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The ceiling of the delay after `failures` failed attempts (1 or more).
    public func ceiling(afterFailures failures: Int) -> Duration {
        let exponent = min(max(failures - 1, 0), 30)
        let scaled = baseDelay * (1 << exponent)
        return scaled > maxDelay ? maxDelay : scaled
    }

    /// A jittered delay after `failures` failed attempts; a server's Retry-After is honoured
    /// when it asks for longer, within `maxDelay`.
    public func delay(afterFailures failures: Int, retryAfter: Duration? = nil,
                      using generator: inout some RandomNumberGenerator) -> Duration {
        let ceiling = ceiling(afterFailures: failures)
        let nanoseconds = ceiling.components.seconds * 1_000_000_000 + ceiling.components.attoseconds / 1_000_000_000
        var delay = Duration.nanoseconds(nanoseconds > 0 ? Int64.random(in: 0...nanoseconds, using: &generator) : 0)
        if let retryAfter, retryAfter > delay { delay = retryAfter }
        return delay > maxDelay ? maxDelay : delay
    }

    public func delay(afterFailures failures: Int, retryAfter: Duration? = nil) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return delay(afterFailures: failures, retryAfter: retryAfter, using: &generator)
    }
}
