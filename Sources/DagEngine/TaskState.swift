/// A task's state in a run, with Airflow's names.
public enum TaskState: String, Codable, Sendable, Equatable {
    case pending
    case running
    case upForRetry = "up_for_retry"
    case success
    case failed
    case upstreamFailed = "upstream_failed"
    case skipped
    /// The run was stopped (Ctrl-C, SIGTERM, `dagrun stop`) before the task finished.
    case stopped

    public var isFinal: Bool {
        switch self {
        case .pending, .running, .upForRetry: false
        default: true
        }
    }
}
