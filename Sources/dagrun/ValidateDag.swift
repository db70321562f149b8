import ArgumentParser
import DagEngine
import Foundation

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
