import RecoCore

/// One task: an optional shell command and the services it owns, with Airflow's retry and
/// trigger settings.
public struct DagTask: Sendable, Equatable {
    public var id: String
    /// Line of the task in the YAML file, for messages.
    public var line: Int
    public var command: String?
    public var upstream: [String]
    public var triggerRule: TriggerRule
    public var retries: Int
    public var retryDelay: Duration
    public var retryExponentialBackoff: Bool
    public var maxRetryDelay: Duration
    public var executionTimeout: Duration?
    public var environment: [String: String]
    public var workingDirectory: String?
    public var services: [DagService]
    /// The command's exit status that means "skipped, not failed" (Airflow's BashOperator
    /// `skip_on_exit_code`, 99 by default): a gate that refuses, say, skips what depends on it.
    public var skipOnExitCode: Int32 = 99

    public init(id: String, line: Int = 0, command: String? = nil, upstream: [String] = [], triggerRule: TriggerRule = .allSuccess,
                retries: Int = 0, retryDelay: Duration = .seconds(1), retryExponentialBackoff: Bool = false,
                maxRetryDelay: Duration = .seconds(300), executionTimeout: Duration? = nil, environment: [String: String] = [:],
                workingDirectory: String? = nil, services: [DagService] = []) {
        self.id = id
        self.line = line
        self.command = command
        self.upstream = upstream
        self.triggerRule = triggerRule
        self.retries = retries
        self.retryDelay = retryDelay
        self.retryExponentialBackoff = retryExponentialBackoff
        self.maxRetryDelay = maxRetryDelay
        self.executionTimeout = executionTimeout
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.services = services
    }

    /// The wait before attempt `attempt` (2, 3, …): `retry_delay`, doubled per earlier retry
    /// with `retry_exponential_backoff`, never above `max_retry_delay`.
    public func delay(beforeAttempt attempt: Int) -> Duration {
        guard retryExponentialBackoff else { return retryDelay }
        return RetryPolicy(maxAttempts: retries + 1, baseDelay: retryDelay, maxDelay: maxRetryDelay, jitter: false)
            .ceiling(afterFailures: attempt - 1)
    }
}
