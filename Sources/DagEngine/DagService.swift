/// A long-running process owned by a task: started in `depends_on` order, probed for
/// readiness, stopped with its signal and grace period when the task ends.
public struct DagService: Sendable, Equatable {
    public enum Condition: String, Sendable, Equatable {
        /// The dependency's process is running.
        case serviceStarted = "service_started"
        /// The dependency's readiness probe succeeded.
        case serviceHealthy = "service_healthy"
    }

    public enum Wait: String, Sendable, Equatable {
        /// Runs until the task ends, then is stopped (a server).
        case ready
        /// The task waits for it to exit and fails if it fails (a batch job such as a producer with --count).
        case exit
    }

    public var name: String
    public var line: Int
    public var command: String
    public var environment: [String: String]
    public var workingDirectory: String?
    public var dependsOn: [(name: String, condition: Condition)]
    public var readiness: ReadinessProbe?
    public var stopSignal: Int32
    public var stopGracePeriod: Duration
    public var restartOnFailure: Bool
    public var maxRestarts: Int
    public var wait: Wait
    /// Output file; by default `<task>/<service>.attempt=<n>.log` in the run's folder.
    public var logFile: String?

    public init(name: String, line: Int = 0, command: String, environment: [String: String] = [:], workingDirectory: String? = nil,
                dependsOn: [(name: String, condition: Condition)] = [], readiness: ReadinessProbe? = nil, stopSignal: Int32 = 15,
                stopGracePeriod: Duration = .seconds(10), restartOnFailure: Bool = false, maxRestarts: Int = 3, wait: Wait = .ready,
                logFile: String? = nil) {
        self.name = name
        self.line = line
        self.command = command
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.dependsOn = dependsOn
        self.readiness = readiness
        self.stopSignal = stopSignal
        self.stopGracePeriod = stopGracePeriod
        self.restartOnFailure = restartOnFailure
        self.maxRestarts = maxRestarts
        self.wait = wait
        self.logFile = logFile
    }

    public static func == (lhs: DagService, rhs: DagService) -> Bool {
        lhs.name == rhs.name && lhs.command == rhs.command && lhs.environment == rhs.environment && lhs.workingDirectory == rhs.workingDirectory
            && lhs.dependsOn.map(\.name) == rhs.dependsOn.map(\.name) && lhs.dependsOn.map(\.condition) == rhs.dependsOn.map(\.condition)
            && lhs.readiness == rhs.readiness && lhs.stopSignal == rhs.stopSignal && lhs.stopGracePeriod == rhs.stopGracePeriod
            && lhs.restartOnFailure == rhs.restartOnFailure && lhs.maxRestarts == rhs.maxRestarts && lhs.wait == rhs.wait && lhs.logFile == rhs.logFile
    }
}
