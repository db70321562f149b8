import Yams

/// Reads one task (and its services) from its YAML mapping; `default_args` fill what a task
/// leaves out, as in Airflow.
struct TaskReader {
    let reader: Reader
    let defaults: [String: Node]

    static let defaultable: Set<String> = ["trigger_rule", "retries", "retry_delay", "retry_exponential_backoff", "max_retry_delay",
                                           "execution_timeout", "env", "cwd", "skip_on_exit_code"]
    static let taskKeys: Set<String> = defaultable.union(["id", "command", "upstream", "services"])
    static let serviceKeys: Set<String> = ["name", "command", "env", "cwd", "depends_on", "readiness", "stop", "restart", "max_restarts",
                                           "wait", "log"]

    func task(_ node: Node) throws(DagError) -> DagTask {
        let fields = try reader.mapping(node, "a task", allowed: Self.taskKeys)
        guard let idNode = fields["id"] else { throw reader.error(node, "a task needs an id") }
        let id = try reader.string(idNode, "id")
        guard DagParser.isIdentifier(id) else { throw reader.error(idNode, "task id '\(id)' may use only letters, digits, '_', '-' and '.'") }
        func value(_ key: String) -> Node? { fields[key] ?? defaults[key] }
        var task = DagTask(id: id, line: node.mark?.line ?? 0)
        task.command = try fields["command"].map { (node) throws(DagError) in try reader.string(node, "\(id).command") }
        task.upstream = try fields["upstream"].map { (node) throws(DagError) in try reader.strings(node, "\(id).upstream") } ?? []
        if let rule = value("trigger_rule") {
            let text = try reader.string(rule, "\(id).trigger_rule")
            guard let parsed = TriggerRule(rawValue: text) else {
                throw reader.error(rule, "\(id).trigger_rule '\(text)' is not one of \(TriggerRule.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            task.triggerRule = parsed
        }
        if let node = value("retries") { task.retries = try reader.integer(node, "\(id).retries", range: 0...100) }
        if let node = value("retry_delay") { task.retryDelay = try reader.duration(node, "\(id).retry_delay") }
        if let node = value("retry_exponential_backoff") { task.retryExponentialBackoff = try reader.boolean(node, "\(id).retry_exponential_backoff") }
        if let node = value("max_retry_delay") { task.maxRetryDelay = try reader.duration(node, "\(id).max_retry_delay") }
        if let node = value("execution_timeout") { task.executionTimeout = try reader.duration(node, "\(id).execution_timeout", positive: true) }
        if let node = defaults["env"] { task.environment = try reader.environmentMap(node, "default_args.env") }
        if let node = fields["env"] { task.environment.merge(try reader.environmentMap(node, "\(id).env")) { _, task in task } }
        if let node = value("cwd") { task.workingDirectory = try reader.string(node, "\(id).cwd") }
        if let node = value("skip_on_exit_code") {
            task.skipOnExitCode = Int32(try reader.integer(node, "\(id).skip_on_exit_code", range: 1...255))
        }
        if let servicesNode = fields["services"] {
            guard case .sequence(let nodes) = servicesNode else { throw reader.error(servicesNode, "\(id).services must be a list") }
            for serviceNode in nodes {
                let service = try self.service(serviceNode, task: id)
                if task.services.contains(where: { $0.name == service.name }) { throw reader.error(serviceNode, "service '\(service.name)' appears twice in task '\(id)'") }
                task.services.append(service)
            }
        }
        guard task.command != nil || !task.services.isEmpty else { throw reader.error(node, "task '\(id)' has neither a command nor services") }
        return task
    }

    private func service(_ node: Node, task: String) throws(DagError) -> DagService {
        let fields = try reader.mapping(node, "a service of task '\(task)'", allowed: Self.serviceKeys)
        guard let nameNode = fields["name"] else { throw reader.error(node, "a service of task '\(task)' needs a name") }
        let name = try reader.string(nameNode, "name")
        guard DagParser.isIdentifier(name) else { throw reader.error(nameNode, "service name '\(name)' may use only letters, digits, '_', '-' and '.'") }
        let what = "\(task).\(name)"
        guard let commandNode = fields["command"] else { throw reader.error(node, "service '\(what)' needs a command") }
        var service = DagService(name: name, line: node.mark?.line ?? 0, command: try reader.string(commandNode, "\(what).command"))
        if let node = fields["env"] { service.environment = try reader.environmentMap(node, "\(what).env") }
        if let node = fields["cwd"] { service.workingDirectory = try reader.string(node, "\(what).cwd") }
        if let node = fields["log"] { service.logFile = try reader.string(node, "\(what).log") }
        if let node = fields["depends_on"] { service.dependsOn = try dependencies(node, what) }
        if let node = fields["readiness"] { service.readiness = try probe(node, what) }
        if let node = fields["stop"] {
            let stop = try reader.mapping(node, "\(what).stop", allowed: ["signal", "grace_period"])
            if let signalNode = stop["signal"] {
                let text = try reader.string(signalNode, "\(what).stop.signal")
                guard let signal = Self.signals[text.uppercased().replacingOccurrences(of: "SIG", with: "")] else {
                    throw reader.error(signalNode, "\(what).stop.signal '\(text)' is not one of \(Self.signals.keys.sorted().joined(separator: ", "))")
                }
                service.stopSignal = signal
            }
            if let grace = stop["grace_period"] { service.stopGracePeriod = try reader.duration(grace, "\(what).stop.grace_period") }
        }
        if let node = fields["restart"] {
            switch try reader.string(node, "\(what).restart") {
            case "no": service.restartOnFailure = false
            case "on-failure": service.restartOnFailure = true
            case let other: throw reader.error(node, "\(what).restart must be 'no' or 'on-failure', got '\(other)'")
            }
        }
        if let node = fields["max_restarts"] { service.maxRestarts = try reader.integer(node, "\(what).max_restarts", range: 0...1000) }
        if let node = fields["wait"] {
            let text = try reader.string(node, "\(what).wait")
            guard let wait = DagService.Wait(rawValue: text) else { throw reader.error(node, "\(what).wait must be 'ready' or 'exit', got '\(text)'") }
            service.wait = wait
        }
        return service
    }

    static let signals: [String: Int32] = ["TERM": 15, "INT": 2, "HUP": 1, "QUIT": 3, "KILL": 9, "USR1": 10, "USR2": 12]

    /// `depends_on: [api]` (started) or `depends_on: {api: service_healthy}` (Compose's two forms).
    private func dependencies(_ node: Node, _ what: String) throws(DagError) -> [(name: String, condition: DagService.Condition)] {
        if case .mapping(let mapping) = node {
            var result: [(name: String, condition: DagService.Condition)] = []
            for (key, value) in mapping {
                let name = try reader.string(key, "\(what).depends_on")
                var conditionNode = value
                if case .mapping = value {
                    let fields = try reader.mapping(value, "\(what).depends_on.\(name)", allowed: ["condition"])
                    guard let condition = fields["condition"] else { throw reader.error(value, "\(what).depends_on.\(name) needs a condition") }
                    conditionNode = condition
                }
                let text = try reader.string(conditionNode, "\(what).depends_on.\(name)")
                guard let condition = DagService.Condition(rawValue: text) else {
                    throw reader.error(conditionNode, "\(what).depends_on.\(name) must be service_started or service_healthy, got '\(text)'")
                }
                result.append((name, condition))
            }
            return result
        }
        return try reader.strings(node, "\(what).depends_on").map { ($0, .serviceStarted) }
    }

    private func probe(_ node: Node, _ what: String) throws(DagError) -> ReadinessProbe {
        let fields = try reader.mapping(node, "\(what).readiness", allowed: ["http_get", "exec", "interval", "timeout", "start_period", "deadline"])
        let check: ReadinessProbe.Check
        switch (fields["http_get"], fields["exec"]) {
        case (let url?, nil):
            let text = try reader.string(url, "\(what).readiness.http_get")
            guard text.hasPrefix("http://") || text.hasPrefix("https://") else { throw reader.error(url, "\(what).readiness.http_get must be an http:// or https:// URL") }
            check = .httpGet(text)
        case (nil, let command?):
            check = .exec(try reader.string(command, "\(what).readiness.exec"))
        default:
            throw reader.error(node, "\(what).readiness needs exactly one of http_get or exec")
        }
        var probe = ReadinessProbe(check: check)
        if let node = fields["interval"] { probe.interval = try reader.duration(node, "\(what).readiness.interval", positive: true) }
        if let node = fields["timeout"] { probe.timeout = try reader.duration(node, "\(what).readiness.timeout", positive: true) }
        if let node = fields["start_period"] { probe.startPeriod = try reader.duration(node, "\(what).readiness.start_period") }
        if let node = fields["deadline"] { probe.deadline = try reader.duration(node, "\(what).readiness.deadline", positive: true) }
        guard probe.interval > .zero else { throw reader.error(node, "\(what).readiness.interval must be above zero") }
        return probe
    }
}
