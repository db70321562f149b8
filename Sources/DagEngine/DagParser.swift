import Foundation
import Yams

/// Reads a DAG file (YAML, parsed with Yams) into a `Dag`, substituting `${VAR:-default}` from
/// the environment, and refuses anything that could not run: unknown keys, bad values, unknown
/// upstream tasks or service dependencies, cycles. Every error names the file and line.
public struct DagParser {
    public let environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    public func parse(file path: String) throws(DagError) -> Dag {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw DagError(file: path, line: nil, "cannot read the file: \(error.localizedDescription)")
        }
        return try parse(text, file: path)
    }

    public func parse(_ text: String, file: String) throws(DagError) -> Dag {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else { throw DagError(file: file, line: nil, "the file is empty") }
            root = node
        } catch let error as DagError {
            throw error
        } catch let error as YamlError {
            throw DagError(file: file, line: Self.line(of: error), "not valid YAML: \(Self.problem(of: error))")
        } catch {
            throw DagError(file: file, line: nil, "not valid YAML: \(error)")
        }
        let reader = Reader(file: file, environment: environment)
        let top = try reader.mapping(root, "the document", allowed: ["dag_id", "description", "schedule", "default_args", "tasks"])
        guard let idNode = top["dag_id"] else { throw reader.error(root, "dag_id is missing") }
        let dagId = try reader.string(idNode, "dag_id")
        guard Self.isIdentifier(dagId) else { throw reader.error(idNode, "dag_id '\(dagId)' may use only letters, digits, '_', '-' and '.'") }
        let defaults = try top["default_args"].map { (node) throws(DagError) in
            try reader.mapping(node, "default_args", allowed: TaskReader.defaultable)
        } ?? [:]
        guard let tasksNode = top["tasks"], case .sequence(let taskNodes) = tasksNode else {
            throw reader.error(top["tasks"] ?? root, "tasks must be a list of tasks")
        }
        // Each task is read on its own, so that one run of `validate` reports every bad task.
        var tasks: [DagTask] = []
        var problems: [DagError] = []
        for node in taskNodes {
            do throws(DagError) {
                let task = try TaskReader(reader: reader, defaults: defaults).task(node)
                if tasks.contains(where: { $0.id == task.id }) { throw reader.error(node, "task id '\(task.id)' is used twice") }
                tasks.append(task)
            } catch {
                problems.append(error)
            }
        }
        if let first = problems.first { throw first.adding(problems.dropFirst()) }
        guard !tasks.isEmpty else { throw reader.error(tasksNode, "the DAG has no tasks") }
        let schedule = try top["schedule"].map { (node) throws(DagError) in
            let text = try reader.string(node, "schedule")
            guard DagSchedule.isValid(text) else {
                throw reader.error(node, "schedule '\(text)' is neither a preset (\(DagSchedule.presets.keys.sorted().joined(separator: ", "))) nor a cron expression of 5 fields")
            }
            return text
        }
        var dag = Dag(id: dagId, description: try top["description"].map { (node) throws(DagError) in try reader.string(node, "description") } ?? "",
                      file: file, tasks: tasks)
        dag.schedule = schedule
        try validate(dag)
        return dag
    }

    /// Unknown references and cycles, every one found (not only the first).
    func validate(_ dag: Dag) throws(DagError) {
        var problems: [DagError] = []
        let ids = Set(dag.tasks.map(\.id))
        for task in dag.tasks {
            for upstream in task.upstream where !ids.contains(upstream) {
                problems.append(DagError(file: dag.file, line: task.line, "task '\(task.id)': upstream task '\(upstream)' does not exist"))
            }
            let names = Set(task.services.map(\.name))
            for service in task.services {
                for dependency in service.dependsOn where !names.contains(dependency.name) {
                    problems.append(DagError(file: dag.file, line: service.line,
                                             "service '\(service.name)' of task '\(task.id)': depends_on '\(dependency.name)', which is not a service of this task"))
                }
                if service.dependsOn.contains(where: { dependency in
                    dependency.condition == .serviceHealthy && task.services.first { $0.name == dependency.name }?.readiness == nil
                }) {
                    problems.append(DagError(file: dag.file, line: service.line,
                                             "service '\(service.name)': service_healthy needs a readiness probe on the service it depends on"))
                }
            }
            let serviceEdges = Dictionary(uniqueKeysWithValues: task.services.map { ($0.name, $0.dependsOn.map(\.name)) })
            for cycle in Self.cycles(among: task.services.map(\.name), edges: serviceEdges) {
                let line = task.services.first { $0.name == cycle[0] }?.line ?? task.line
                problems.append(DagError(file: dag.file, line: line,
                                         "task '\(task.id)': services depend on each other in a cycle: \(cycle.joined(separator: " -> "))"))
            }
        }
        let edges = Dictionary(uniqueKeysWithValues: dag.tasks.map { ($0.id, $0.upstream) })
        for cycle in Self.cycles(among: dag.tasks.map(\.id), edges: edges) {
            let line = dag.tasks.first { $0.id == cycle[0] }?.line
            problems.append(DagError(file: dag.file, line: line, "tasks depend on each other in a cycle: \(cycle.joined(separator: " -> "))"))
        }
        if let first = problems.first { throw first.adding(problems.dropFirst()) }
    }

    /// Each cycle once, as the path from its first node (in `nodes` order) back to that node.
    static func cycles(among nodes: [String], edges: [String: [String]]) -> [[String]] {
        var found: [[String]] = []
        var inCycle = Set<String>()
        for node in nodes where !inCycle.contains(node) {
            guard let cycle = cycle(from: node, edges: edges) else { continue }
            found.append(cycle)
            inCycle.formUnion(cycle)
        }
        return found
    }

    /// A path that comes back to `start`, if any.
    static func cycle(from start: String, edges: [String: [String]]) -> [String]? {
        var stack: [(node: String, path: [String])] = [(start, [start])]
        var seen = Set<String>()
        while let (node, path) = stack.popLast() {
            for next in edges[node] ?? [] {
                if next == start { return path + [start] }
                if seen.insert(next).inserted { stack.append((next, path + [next])) }
            }
        }
        return nil
    }

    static func isIdentifier(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 100 && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == ".") }
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        default: nil
        }
    }

    private static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): problem
        default: "\(error)"
        }
    }
}

/// Typed reads of YAML nodes with file:line errors.
struct Reader {
    let file: String
    let environment: [String: String]

    func error(_ node: Node, _ message: String) -> DagError {
        DagError(file: file, line: node.mark?.line, message)
    }

    func mapping(_ node: Node, _ what: String, allowed: Set<String>) throws(DagError) -> [String: Node] {
        guard case .mapping(let mapping) = node else { throw error(node, "\(what) must be a mapping") }
        var result: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string else { throw error(keyNode, "keys in \(what) must be plain names") }
            guard allowed.contains(key) else {
                throw error(keyNode, "unknown key '\(key)' in \(what) (known: \(allowed.sorted().joined(separator: ", ")))")
            }
            guard result[key] == nil else { throw error(keyNode, "'\(key)' appears twice in \(what)") }
            result[key] = value
        }
        return result
    }

    func string(_ node: Node, _ what: String) throws(DagError) -> String {
        guard let scalar = node.scalar else { throw error(node, "\(what) must be a single value") }
        do {
            return try EnvironmentSubstitution.apply(scalar.string, environment: environment)
        } catch {
            throw self.error(node, "\(what): \(error.message)")
        }
    }

    func strings(_ node: Node, _ what: String) throws(DagError) -> [String] {
        if case .sequence(let sequence) = node {
            var values: [String] = []
            for element in sequence { values.append(try string(element, what)) }
            return values
        }
        return [try string(node, what)]
    }

    func integer(_ node: Node, _ what: String, range: ClosedRange<Int>) throws(DagError) -> Int {
        let text = try string(node, what)
        guard let value = Int(text), range.contains(value) else { throw error(node, "\(what) must be a whole number in \(range.lowerBound)...\(range.upperBound), got '\(text)'") }
        return value
    }

    func boolean(_ node: Node, _ what: String) throws(DagError) -> Bool {
        switch try string(node, what).lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        case let other: throw error(node, "\(what) must be true or false, got '\(other)'")
        }
    }

    /// A duration up to a year; `positive` refuses zero where zero makes no sense (a timeout of
    /// `0s` would fail every attempt).
    func duration(_ node: Node, _ what: String, positive: Bool = false) throws(DagError) -> Duration {
        let text = try string(node, what)
        guard let duration = DurationText.parse(text) else {
            throw error(node, "\(what) must be a duration from 0 to 365 days such as 500ms, 5s, 2m or 1h, got '\(text)'")
        }
        if positive, duration == .zero { throw error(node, "\(what) must be longer than zero, got '\(text)'") }
        return duration
    }

    func environmentMap(_ node: Node, _ what: String) throws(DagError) -> [String: String] {
        guard case .mapping(let mapping) = node else { throw error(node, "\(what) must be a mapping of NAME: value") }
        var result: [String: String] = [:]
        for (key, value) in mapping {
            guard let name = key.scalar?.string, !name.isEmpty else { throw error(key, "\(what) names must be plain") }
            result[name] = try string(value, "\(what).\(name)")
        }
        return result
    }
}
