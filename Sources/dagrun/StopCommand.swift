import ArgumentParser
import DagEngine
import Foundation

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
