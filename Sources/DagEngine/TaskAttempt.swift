import AsyncHTTPClient
import Foundation
import Logging

/// One attempt of one task: starts its services in `depends_on` order (gated by readiness),
/// then its command once every probed service is ready; succeeds when the command and every
/// `wait: exit` service ended with status 0. Whatever happens, everything it started is stopped
/// in reverse order before it returns.
final class TaskAttempt: Sendable {
    enum Outcome: Sendable, Equatable {
        case success
        case failed(String)
        /// The command exited with the task's `skip_on_exit_code`.
        case skipped(String)
        case stopped
    }

    struct Paths: Sendable {
        var commandLog: String
        var serviceLog: @Sendable (DagService) -> String
    }

    private enum Event: Sendable {
        case exited(name: String?, generation: Int, status: Int32)
        case ready(String, generation: Int)
        case notReady(String, message: String)
        case timedOut
        case stop
    }

    let task: DagTask
    let environment: [String: String]
    let paths: Paths
    let client: HTTPClient
    /// Probe intervals, start periods and deadlines.
    let clock: any DagClock
    let logger: Logger
    /// Called once, when every service is started and every probed one is ready.
    let onServicesUp: @Sendable () -> Void
    private let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation

    init(task: DagTask, environment: [String: String], paths: Paths, client: HTTPClient, clock: any DagClock = SystemDagClock(), logger: Logger,
         onServicesUp: @escaping @Sendable () -> Void = {}) {
        self.task = task
        self.onServicesUp = onServicesUp
        self.environment = environment
        self.paths = paths
        self.client = client
        self.clock = clock
        self.logger = logger
        (events, continuation) = AsyncStream.makeStream(of: Event.self)
    }

    func requestStop() { continuation.yield(.stop) }

    func run() async -> Outcome {
        var state = State(task: task)
        var background: [Task<Void, Never>] = []
        defer { background.forEach { $0.cancel() } }
        if let timeout = task.executionTimeout {
            background.append(Task { [continuation] in
                try? await Task.sleep(for: timeout)
                if !Task.isCancelled { continuation.yield(.timedOut) }
            })
        }
        var outcome: Outcome?
        do {
            try startWhatCan(&state, &background)
        } catch {
            outcome = .failed("\(error)")
        }
        if outcome == nil { outcome = state.finished }
        if outcome == nil {
            for await event in events {
                switch event {
                case .exited(let name, let generation, let status):
                    outcome = handleExit(name: name, generation: generation, status: status, &state, &background)
                case .ready(let name, let generation):
                    if state.generations[name] == generation {
                        state.ready.insert(name)
                        logger.info("service ready", metadata: ["dag.task": "\(task.id)", "dag.service": "\(name)"])
                    }
                case .notReady(_, let message):
                    outcome = .failed(message)
                case .timedOut:
                    outcome = .failed("timed out after \(DurationText.format(task.executionTimeout ?? .zero))")
                case .stop:
                    outcome = .stopped
                }
                if outcome == nil {
                    do {
                        try startWhatCan(&state, &background)
                    } catch {
                        outcome = .failed("\(error)")
                    }
                }
                if outcome == nil { outcome = state.finished }
                if outcome != nil { break }
            }
        }
        await stopAll(&state)
        return outcome ?? .stopped
    }

    /// What is running and what is done.
    private struct State {
        let task: DagTask
        var processes: [String: ChildProcess] = [:]
        var startOrder: [String] = []
        var generations: [String: Int] = [:]
        var ready = Set<String>()
        var exitedCleanly = Set<String>()
        var restarts: [String: Int] = [:]
        var command: ChildProcess?
        var commandFinished = false
        var reportedUp = false

        init(task: DagTask) {
            self.task = task
            commandFinished = task.command == nil
        }

        var pending: [DagService] { task.services.filter { generations[$0.name] == nil } }

        func satisfied(_ service: DagService) -> Bool {
            service.dependsOn.allSatisfy { dependency in
                switch dependency.condition {
                case .serviceStarted: generations[dependency.name] != nil
                case .serviceHealthy: ready.contains(dependency.name)
                }
            }
        }

        /// Every service started and every probed one ready (or done).
        var servicesUp: Bool {
            pending.isEmpty && task.services.allSatisfy { $0.readiness == nil || ready.contains($0.name) || exitedCleanly.contains($0.name) }
        }

        var finished: Outcome? {
            guard commandFinished, pending.isEmpty else { return nil }
            let waited = task.services.filter { $0.wait == .exit }
            guard waited.allSatisfy({ exitedCleanly.contains($0.name) }) else { return nil }
            // Nothing to wait for at all (only servers, no command): done once they are up.
            if task.command == nil && waited.isEmpty { return servicesUp ? .success : nil }
            return .success
        }
    }

    private func startWhatCan(_ state: inout State, _ background: inout [Task<Void, Never>]) throws {
        var progress = true
        while progress {
            progress = false
            for service in state.pending where state.satisfied(service) {
                try start(service, &state, &background)
                progress = true
            }
        }
        if !task.services.isEmpty, !state.reportedUp, state.servicesUp {
            state.reportedUp = true
            logger.info("all services up", metadata: ["dag.task": "\(task.id)"])
            onServicesUp()
        }
        if let command = task.command, state.command == nil, !state.commandFinished, state.servicesUp {
            let process = try ChildProcess(command: command, environment: environment.merging(task.environment) { _, task in task },
                                           directory: task.workingDirectory, logFile: paths.commandLog)
            logger.info("command started", metadata: ["dag.task": "\(task.id)", "dag.pid": "\(process.pid)", "dag.log": "\(paths.commandLog)"])
            state.command = process
            background.append(Task { [continuation] in
                let status = await process.waitForExit()
                continuation.yield(.exited(name: nil, generation: 0, status: status))
            })
        }
    }

    private func start(_ service: DagService, _ state: inout State, _ background: inout [Task<Void, Never>]) throws {
        let generation = (state.generations[service.name] ?? 0) + 1
        let environment = self.environment.merging(task.environment) { _, task in task }.merging(service.environment) { _, service in service }
        let log = paths.serviceLog(service)
        let process = try ChildProcess(command: service.command, environment: environment,
                                       directory: service.workingDirectory ?? task.workingDirectory, logFile: log)
        logger.info("service started", metadata: ["dag.task": "\(task.id)", "dag.service": "\(service.name)", "dag.pid": "\(process.pid)",
                                                  "dag.log": "\(log)"])
        state.generations[service.name] = generation
        state.processes[service.name] = process
        state.ready.remove(service.name)
        if !state.startOrder.contains(service.name) { state.startOrder.append(service.name) }
        background.append(Task { [continuation] in
            let status = await process.waitForExit()
            continuation.yield(.exited(name: service.name, generation: generation, status: status))
        })
        if let probe = service.readiness {
            let checker = ProbeChecker(client: client, environment: environment, directory: service.workingDirectory ?? task.workingDirectory,
                                       logFile: log + ".probe")
            background.append(Task { [continuation, logger, task, clock] in
                let started = clock.now
                var failures = 0
                while !Task.isCancelled {
                    if await checker.check(probe) {
                        continuation.yield(.ready(service.name, generation: generation))
                        return
                    }
                    // Failures within start_period are expected; later ones are reported now and then.
                    if clock.now - started >= probe.startPeriod {
                        if failures % 10 == 0 {
                            logger.info("service not ready yet", metadata: ["dag.task": "\(task.id)", "dag.service": "\(service.name)",
                                                                           "dag.probe": "\(probe.check.summary)"])
                        }
                        failures += 1
                    }
                    if clock.now - started >= probe.deadline {
                        continuation.yield(.notReady(service.name, message: "service '\(service.name)' was not ready within \(DurationText.format(probe.deadline)) (\(probe.check.summary))"))
                        return
                    }
                    await clock.sleep(for: probe.interval)
                }
            })
        }
    }

    private func handleExit(name: String?, generation: Int, status: Int32, _ state: inout State, _ background: inout [Task<Void, Never>]) -> Outcome? {
        guard let name else {
            state.command = nil
            state.commandFinished = status == 0
            logger.info("command exited", metadata: ["dag.task": "\(task.id)", "dag.status": "\(status)"])
            if status == task.skipOnExitCode {
                // The run says why: the command's last line (a refusing gate prints its reasons there).
                let said = Self.lastLine(of: paths.commandLog).map { ": \($0)" } ?? ""
                return .skipped("skipped (exit status \(status))\(said)")
            }
            return status == 0 ? nil : .failed("command exited with status \(status) (log: \(paths.commandLog))")
        }
        guard state.generations[name] == generation, let service = task.services.first(where: { $0.name == name }) else { return nil }
        state.processes[name] = nil
        logger.info("service exited", metadata: ["dag.task": "\(task.id)", "dag.service": "\(name)", "dag.status": "\(status)"])
        if service.wait == .exit && status == 0 {
            state.exitedCleanly.insert(name)
            return nil
        }
        if service.restartOnFailure && status != 0 && state.restarts[name, default: 0] < service.maxRestarts {
            let restart = state.restarts[name, default: 0] + 1
            state.restarts[name] = restart
            logger.warning("restarting service", metadata: ["dag.task": "\(task.id)", "dag.service": "\(name)",
                                                           "dag.restart": "\(restart)/\(service.maxRestarts)"])
            do {
                try start(service, &state, &background)
                return nil
            } catch {
                return .failed("service '\(name)' could not be restarted: \(error)")
            }
        }
        return .failed("service '\(name)' exited with status \(status) (log: \(paths.serviceLog(service)))")
    }

    /// The command first, then services in reverse start order, each with its signal and grace.
    private func stopAll(_ state: inout State) async {
        if let command = state.command {
            _ = await command.stop(grace: .seconds(10))
            state.command = nil
        }
        for name in state.startOrder.reversed() {
            guard let service = task.services.first(where: { $0.name == name }) else { continue }
            if let process = state.processes[name] {
                let status = await process.stop(signal: service.stopSignal, grace: service.stopGracePeriod)
                logger.info("service stopped", metadata: ["dag.task": "\(task.id)", "dag.service": "\(name)", "dag.status": "\(status)"])
                state.processes[name] = nil
            }
        }
    }
}

extension ReadinessProbe.Check {
    var summary: String {
        switch self {
        case .httpGet(let url): "GET \(url)"
        case .exec(let command): "exec \(command)"
        }
    }
}

extension TaskAttempt {
    /// The last non-empty line of a log (up to 300 characters), nil when there is none.
    static func lastLine(of path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let line = String(decoding: data.suffix(4_096), as: UTF8.self).split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        return line.map { String($0.prefix(300)) }
    }
}
