import ArgumentParser
import CommandOptions
import DagEngine
import Foundation
import Logging
import ServiceLifecycle

/// One task of a DAG, run by a scheduler's worker (Airflow's BashOperator): its services
/// started and probed, its command run, the services stopped in order, exactly as `dagrun run`
/// does for that task, once; the scheduler keeps retries, time-outs and trigger rules.
struct RunTask: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "task",
        abstract: "Run one task of a DAG file once, for a scheduler such as Airflow.",
        discussion: """
            The task's services start, pass their probes, its command runs and the services stop in reverse order, as in 'dagrun run', with the YAML's env and cwd applied here (so ${VAR:-default} is read in the worker's environment). No retries: the scheduler retries the whole task. Logs and the task's state go to <runs-dir>/<dag_id>/<run-id>/ (the run id with characters other than letters, digits, '.', '_' and '-' replaced by '_'), shared by the run's tasks, where 'dagrun status' finds them; their paths and the command's log are printed. Exit status: 0 success, 99 skipped (the task's skip_on_exit_code; Airflow's BashOperator skips on it), 1 failed, 130 stopped (SIGTERM from the scheduler's time-out), 2 invalid DAG file or unknown task.
            """)

    @Argument(help: "The DAG file (YAML).")
    var file: String

    @Argument(help: "The task's id.")
    var taskId: String

    @Option(help: "The run this task belongs to (Airflow: {{ run_id }}).")
    var runId: String

    @Option(help: "Which attempt this is (Airflow: {{ ti.try_number }}); names the attempt's logs.")
    var attempt = 1

    @OptionGroup var options: CommonOptions

    /// A run id usable as a folder name.
    static func folderName(_ runId: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        let name = String(runId.map { allowed.contains($0) ? $0 : "_" })
        return name.isEmpty || name.allSatisfy({ $0 == "." }) ? "_" : name
    }

    func run() async throws {
        let logger = options.logging.bootstrap(label: "dagrun")
        let dag = try DagFileLoader.load(file)
        guard let task = dag.task(taskId) else {
            FileHandle.standardError.write(Data("dagrun: \(file): no task '\(taskId)' (tasks: \(dag.tasks.map(\.id).joined(separator: ", ")))\n".utf8))
            throw ExitCode(2)
        }
        let store = RunStore(root: options.runsDir)
        let runner = DagRunner(dag: dag, store: store, runId: Self.folderName(runId), scheduler: "airflow", logger: logger)
        let commandLog = store.taskLog(dag.id, runner.runId, task: taskId, attempt: attempt)
        var said = "dagrun: \(dag.id) task \(taskId), run \(runner.runId), attempt \(attempt)\n  command log: \(commandLog)\n"
        for service in task.services {
            said += "  service \(service.name) log: \(service.logFile ?? store.serviceLog(dag.id, runner.runId, task: taskId, service: service.name, attempt: attempt))\n"
        }
        FileHandle.standardOutput.write(Data(said.utf8))
        let service = DagRunService(runner: runner) { [taskId, attempt] in await $0.runTask(taskId, attempt: attempt) }
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)],
            gracefulShutdownSignals: [.sigint, .sigterm, .sighup], logger: logger))
        try await group.run()
        // The command's own output belongs in the scheduler's task log too.
        if let output = FileManager.default.contents(atPath: commandLog), !output.isEmpty {
            FileHandle.standardOutput.write(Data("--- \(commandLog)\n".utf8) + output)
        }
        guard let outcome = service.outcome, let record = outcome else { throw ExitCode(1) }
        FileHandle.standardOutput.write(Data("dagrun: task \(taskId) \(record.state.rawValue)\(record.message.map { ": \($0)" } ?? "")\n".utf8))
        switch record.state {
        case .success: return
        case .skipped: throw ExitCode(task.skipOnExitCode)
        case .stopped: throw ExitCode(130)
        default: throw ExitCode(1)
        }
    }
}
