import ArgumentParser
import CommandOptions
import DagEngine
import Foundation
import Logging
import ServiceLifecycle

struct RunDag: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run a DAG file once, in the foreground.")

    @Argument(help: "The DAG file (YAML).")
    var file: String

    @OptionGroup var options: CommonOptions

    func run() async throws {
        let logger = options.logging.bootstrap(label: "dagrun")
        let dag = try DagFileLoader.load(file)
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
        let service = DagRunService(runner: runner) { try await $0.run() }
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)],
            gracefulShutdownSignals: [.sigint, .sigterm, .sighup], logger: logger))
        try await group.run()
        guard let record = service.outcome else { throw ExitCode(1) }
        FileHandle.standardOutput.write(Data((StatusTable.render(record) + "\n").utf8))
        switch record.state {
        case .success: return
        case .stopped: throw ExitCode(130)
        case .failed, .running: throw ExitCode(1)
        }
    }
}
