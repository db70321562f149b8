import ArgumentParser
import CommandOptions
import DagEngine
import Foundation
import Logging
import ServiceLifecycle

@main
struct DagRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dagrun",
        abstract: "Run YAML DAGs (Airflow's vocabulary, long-running services with readiness probes).",
        discussion: """
            Runs live in <runs-dir>/<dag_id>/<run_id>/: state.json and one log per task attempt and service.
            Exit status of 'run': 0 when every task succeeded or was skipped, 1 when one failed, 130 when stopped.
            """,
        subcommands: [RunDag.self, ValidateDag.self, StatusCommand.self, StopCommand.self])
}

struct CommonOptions: ParsableArguments {
    @Option(help: "Folder of run states and logs.")
    var runsDir = "runs"

    @OptionGroup var logging: LoggingOptions
}

struct RunDag: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run a DAG file once, in the foreground.")

    @Argument(help: "The DAG file (YAML).")
    var file: String

    @OptionGroup var options: CommonOptions

    func run() async throws {
        let logger = options.logging.bootstrap(label: "dagrun")
        let dag: Dag
        do {
            dag = try DagParser().parse(file: file)
        } catch {
            FileHandle.standardError.write(Data("dagrun: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let store = RunStore(root: options.runsDir)
        guard let lock = try store.lock(dag.id) else {
            let active = store.runs(dagId: dag.id).first { $0.state == .running }
            FileHandle.standardError.write(Data("dagrun: DAG '\(dag.id)' already has an active run\(active.map { " (\($0.runId), pid \($0.pid))" } ?? "")\n".utf8))
            throw ExitCode(3)
        }
        defer { close(lock) }
        let runner = DagRunner(dag: dag, store: store, logger: logger)
        // Unbuffered: these lines interleave with the log lines on a terminal or in a file.
        FileHandle.standardOutput.write(Data("dagrun: \(dag.id) run \(runner.runId) (logs and state in \(runner.runDirectory))\n".utf8))
        // Ctrl-C, SIGTERM and SIGHUP stop the services in reverse order instead of killing the runner.
        let service = DagRunService(runner: runner)
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)],
            gracefulShutdownSignals: [.sigint, .sigterm, .sighup], logger: logger))
        try await group.run()
        guard let record = service.record else { throw ExitCode(1) }
        FileHandle.standardOutput.write(Data((StatusTable.render(record) + "\n").utf8))
        switch record.state {
        case .success: return
        case .stopped: throw ExitCode(130)
        case .failed, .running: throw ExitCode(1)
        }
    }
}

struct ValidateDag: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "validate", abstract: "Check a DAG file without running it.")

    @Argument(help: "The DAG file (YAML).")
    var file: String

    func run() throws {
        do {
            let dag = try DagParser().parse(file: file)
            print("\(file): DAG '\(dag.id)' is valid: \(dag.tasks.count) tasks, order \(dag.topologicalOrder.map(\.id).joined(separator: " >> "))")
            for task in dag.topologicalOrder where !task.services.isEmpty {
                print("  \(task.id): services \(task.services.map(\.name).joined(separator: ", "))")
            }
        } catch {
            FileHandle.standardError.write(Data("dagrun: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the last runs and their task states with durations.")

    @Option(help: "Only this DAG.")
    var dag: String?

    @Option(help: "How many runs to show.")
    var last = 5

    @OptionGroup var options: CommonOptions

    func run() throws {
        let runs = RunStore(root: options.runsDir).runs(dagId: dag).prefix(max(last, 1))
        guard !runs.isEmpty else {
            print("no runs in \(options.runsDir)\(dag.map { " for DAG '\($0)'" } ?? "")")
            return
        }
        print(runs.map(StatusTable.render).joined(separator: "\n\n"))
    }
}

struct StopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stop", abstract: "Stop active runs (SIGTERM to their runner, which stops every service).")

    @Option(help: "Only this DAG.")
    var dag: String?

    @Option(help: "Seconds to wait for the runs to end.")
    var timeout = 60

    @OptionGroup var options: CommonOptions

    func run() throws {
        let active = RunStore(root: options.runsDir).runs(dagId: dag).filter { $0.state == .running && kill($0.pid, 0) == 0 }
        guard !active.isEmpty else {
            print("no active run\(dag.map { " of DAG '\($0)'" } ?? "")")
            return
        }
        for run in active {
            print("stopping \(run.dagId) run \(run.runId) (pid \(run.pid))")
            kill(run.pid, SIGTERM)
        }
        let deadline = Date().addingTimeInterval(TimeInterval(timeout))
        while active.contains(where: { kill($0.pid, 0) == 0 }) {
            guard Date() < deadline else {
                FileHandle.standardError.write(Data("dagrun: runs still active after \(timeout) s\n".utf8))
                throw ExitCode(1)
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        print("stopped")
    }
}
