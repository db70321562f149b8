import Foundation

/// The JSON state file of one run (`runs/<dag_id>/<run_id>/state.json`), rewritten at every
/// change so `dagrun status` and other tools can read it at any time.
public struct RunRecord: Codable, Sendable, Equatable {
    public struct TaskRecord: Codable, Sendable, Equatable {
        public var state: TaskState
        public var attempts: Int
        public var startedAt: Date?
        public var endedAt: Date?
        public var exitCode: Int32?
        /// When every service of the task was started and every probed one ready.
        public var servicesReadyAt: Date?
        public var message: String?
        public var logs: [String]

        public var seconds: Double? {
            guard let startedAt else { return nil }
            return (endedAt ?? Date()).timeIntervalSince(startedAt)
        }

        enum CodingKeys: String, CodingKey {
            case state, attempts, message, logs
            case startedAt = "started_at"
            case endedAt = "ended_at"
            case exitCode = "exit_code"
            case servicesReadyAt = "services_ready_at"
        }
    }

    public enum State: String, Codable, Sendable {
        case running
        case success
        case failed
        case stopped
    }

    public var dagId: String
    public var runId: String
    public var file: String
    public var state: State
    public var pid: Int32
    public var startedAt: Date
    public var endedAt: Date?
    /// Task ids in the DAG's order.
    public var order: [String]
    public var tasks: [String: TaskRecord]
    /// Set when the file still says running but its runner process is gone (killed with
    /// SIGKILL, say): the run is shown as failed. Not stored; `RunStore` decides it on reading.
    public var runnerDied = false
    /// Who runs the tasks when not one `dagrun run` process: "airflow" for `dagrun task` under
    /// Airflow, each task its own process. The run's state then follows from its tasks'.
    public var scheduler: String?

    enum CodingKeys: String, CodingKey {
        case state, pid, file, order, tasks, scheduler
        case dagId = "dag_id"
        case runId = "run_id"
        case startedAt = "started_at"
        case endedAt = "ended_at"
    }
}
