import ArgumentParser
import DagEngine

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
