/// How to tell that a service is ready: an HTTP GET answering 2xx, or a command exiting 0.
public struct ReadinessProbe: Sendable, Equatable {
    public enum Check: Sendable, Equatable {
        case httpGet(String)
        case exec(String)
    }

    public var check: Check
    /// Between attempts.
    public var interval: Duration
    /// For one attempt.
    public var timeout: Duration
    /// Failures during this time after the start are expected and not logged; later ones are.
    public var startPeriod: Duration
    /// Not ready by then: the task fails and everything it started is stopped.
    public var deadline: Duration

    public init(check: Check, interval: Duration = .seconds(1), timeout: Duration = .seconds(2), startPeriod: Duration = .zero,
                deadline: Duration = .seconds(120)) {
        self.check = check
        self.interval = interval
        self.timeout = timeout
        self.startPeriod = startPeriod
        self.deadline = deadline
    }
}
