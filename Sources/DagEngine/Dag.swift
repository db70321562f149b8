/// A DAG as read from YAML: Airflow's vocabulary (`dag_id`, tasks, `upstream`, `trigger_rule`,
/// retries) plus long-running services owned by tasks.
public struct Dag: Sendable, Equatable {
    public var id: String
    public var description: String
    public var file: String
    public var tasks: [DagTask]
    /// When a scheduler should start a run (`schedule`: an Airflow preset or a cron expression);
    /// `dagrun run` itself runs once per invocation.
    public var schedule: String?

    public init(id: String, description: String = "", file: String = "", tasks: [DagTask]) {
        self.id = id
        self.description = description
        self.file = file
        self.tasks = tasks
    }

    public func task(_ id: String) -> DagTask? { tasks.first { $0.id == id } }

    /// Tasks in an order where every task comes after its upstream tasks (file order among
    /// independent ones). The parser has already refused cycles.
    public var topologicalOrder: [DagTask] {
        var placed = Set<String>()
        var order: [DagTask] = []
        while order.count < tasks.count {
            guard let next = tasks.first(where: { !placed.contains($0.id) && $0.upstream.allSatisfy(placed.contains) }) else { break }
            placed.insert(next.id)
            order.append(next)
        }
        return order
    }
}
