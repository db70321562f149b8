/// Airflow's trigger rules, decided once every upstream task has finished.
public enum TriggerRule: String, Sendable, CaseIterable, Equatable {
    case allSuccess = "all_success"
    case allDone = "all_done"
    case allFailed = "all_failed"
    case oneSuccess = "one_success"
    case oneFailed = "one_failed"
    case noneFailed = "none_failed"
    case always

    public enum Decision: Equatable, Sendable {
        case run
        case skip
        case upstreamFailed
    }

    /// What happens to a task whose upstream tasks ended in `states` (all final).
    public func decide(_ states: [TaskState]) -> Decision {
        let failed = states.contains { $0 == .failed || $0 == .upstreamFailed }
        let succeeded = states.contains(.success)
        switch self {
        case .always, .allDone:
            return .run
        case .allSuccess:
            if failed { return .upstreamFailed }
            return states.allSatisfy { $0 == .success } ? .run : .skip
        case .allFailed:
            return states.allSatisfy { $0 == .failed || $0 == .upstreamFailed } ? .run : .skip
        case .oneSuccess:
            return succeeded || states.isEmpty ? .run : .upstreamFailed
        case .oneFailed:
            return failed ? .run : .skip
        case .noneFailed:
            return failed ? .upstreamFailed : .run
        }
    }
}
