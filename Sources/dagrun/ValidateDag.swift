import ArgumentParser
import DagEngine
import Foundation

struct ValidateDag: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Check a DAG file without running it.",
        discussion: "With --json, the DAG as a scheduler needs it (airflow/reco_dags.py builds its Airflow DAG from this, so there is one parser), or {\"error\": …} with exit 2.")

    @Argument(help: "The DAG file (YAML).")
    var file: String

    @Flag(help: "Print the parsed DAG (or the error) as JSON.")
    var json = false

    func run() throws {
        let dag = json ? try DagFileLoader.load(file, report: { print(Self.errorJSON($0)) }) : try DagFileLoader.load(file)
        if json {
            print(String(decoding: Self.json(dag), as: UTF8.self))
            return
        }
        print("\(file): DAG '\(dag.id)' is valid: \(dag.tasks.count) tasks, order \(dag.topologicalOrder.map(\.id).joined(separator: " >> "))")
        for task in dag.topologicalOrder where !task.services.isEmpty {
            print("  \(task.id): services \(task.services.map(\.name).joined(separator: ", "))")
        }
        if let schedule = dag.schedule, let cron = DagSchedule.cron(schedule) {
            print("  schedule \(schedule): dagrun runs once per invocation; this crontab line runs it on that schedule:")
            print("    \(cron) cd \(FileManager.default.currentDirectoryPath) && dagrun run \(file)")
        }
    }

    /// What a scheduler maps (`--json`): ids, edges, retries and delays in seconds, the
    /// time-out, the trigger rule, the skip code, and which tasks own services.
    struct Description: Encodable {
        struct Task: Encodable {
            var id: String
            var upstream: [String]
            var trigger_rule: String
            var retries: Int
            var retry_delay_seconds: Double
            var retry_exponential_backoff: Bool
            var max_retry_delay_seconds: Double
            var execution_timeout_seconds: Double?
            var skip_on_exit_code: Int32
            var services: [String]
        }
        var dag_id: String
        var description: String
        var file: String
        var schedule: String?
        var tasks: [Task]
    }

    static func json(_ dag: Dag) -> [UInt8] {
        func seconds(_ duration: Duration) -> Double { Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18 }
        let description = Description(dag_id: dag.id, description: dag.description, file: dag.file, schedule: dag.schedule, tasks: dag.topologicalOrder.map {
            Description.Task(id: $0.id, upstream: $0.upstream, trigger_rule: $0.triggerRule.rawValue, retries: $0.retries,
                             retry_delay_seconds: seconds($0.retryDelay), retry_exponential_backoff: $0.retryExponentialBackoff,
                             max_retry_delay_seconds: seconds($0.maxRetryDelay), execution_timeout_seconds: $0.executionTimeout.map(seconds),
                             skip_on_exit_code: $0.skipOnExitCode, services: $0.services.map(\.name))
        })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array((try? encoder.encode(description)) ?? Data("{}".utf8))
    }

    static func errorJSON(_ message: String) -> String {
        String(decoding: (try? JSONEncoder().encode(["error": message])) ?? Data("{}".utf8), as: UTF8.self)
    }
}
