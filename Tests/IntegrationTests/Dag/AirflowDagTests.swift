import Foundation
import RecoCore
import Testing
import TestSupport

/// `dags/daily_dag.yaml` on real Apache Airflow 3 (scripts/lib/airflow.sh's venv) through
/// `airflow/reco_dags.py`: it imports without error, a bad YAML fails the import with dagrun's
/// own message, and `airflow dags test daily_dag` gives what `dagrun run` gives on the same inputs.
@Suite(.serialized) struct AirflowDagTests {
    static let root = Repository.root
    static let bin = root + "/.build/debug"
    static var enabled: Bool { TestEnvironment.databaseEnabled && TestEnvironment.airflowEnabled }

    /// Airflow's settings for a home of its own (SQLite) and the project's DAG folder; `project`
    /// is the folder whose dags/*.yaml the loader reads.
    private func airflowEnvironment(home: String, project: String = root) -> [String: String] {
        ["AIRFLOW_HOME": home, "AIRFLOW__CORE__DAGS_FOLDER": Self.root + "/airflow", "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
         "RECO_HOME": project, "RECO_DAGRUN": Self.bin + "/dagrun"]
    }

    /// `airflow dags list-import-errors --local` as JSON: file and error of each.
    private func importErrors(_ airflow: String, environment: [String: String]) async throws -> [JSONValue] {
        let file = NSTemporaryDirectory() + "import-errors-\(UUID().uuidString).json"
        // Exit 1 when there are import errors: the JSON says which. (Braces: Shell.run sends the
        // command's output to its own log after this redirection.)
        try await Shell.run("{ '\(airflow)' dags list-import-errors --local -o json > \(file) 2>/dev/null; }", environment: environment, allowFailure: true)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try #require(text.contains("["), "no JSON from list-import-errors: \(text)")
        let lines = text.split(separator: "\n")
        return try JSONParser.parse(Array((lines.last ?? "[]").utf8)).array ?? []
    }

    @Test(.enabled(if: enabled), .timeLimit(.minutes(5)))
    func theProjectsDagsImportAndABadOneFailsWithDagrunsMessage() async throws {
        let airflow = try #require(TestEnvironment.airflow, "RECO_TEST_AIRFLOW is not set")
        let home = NSTemporaryDirectory() + "airflow-import-\(UUID().uuidString.prefix(8))"
        try await Shell.run("'\(airflow)' db migrate", environment: airflowEnvironment(home: home))
        #expect(try await importErrors(airflow, environment: airflowEnvironment(home: home)).isEmpty)
        let tasks = try await Shell.output("AIRFLOW_HOME=\(home) AIRFLOW__CORE__DAGS_FOLDER=\(Self.root)/airflow RECO_DAGRUN=\(Self.bin)/dagrun '\(airflow)' tasks list daily_dag")
        #expect(tasks.split(separator: "\n").suffix(7).sorted() == ["export_watches", "gate", "promote", "run_all", "run_end", "run_start", "train_candidate"],
                "\(tasks)")

        // A cycle, an unknown upstream, a bad duration, an unknown trigger rule, a service without a probe.
        let cases = [
            "tasks:\n  - {id: a, command: 'true', upstream: b}\n  - {id: b, command: 'true', upstream: a}",
            "tasks:\n  - {id: a, command: 'true', upstream: nowhere}",
            "tasks:\n  - {id: a, command: 'true', retry_delay: soon}",
            "tasks:\n  - {id: a, command: 'true', trigger_rule: sometimes}",
            "tasks:\n  - id: a\n    services:\n      - {name: s, command: 'sleep 9', depends_on: {t: service_healthy}}\n      - {name: t, command: 'sleep 9'}",
        ]
        for body in cases {
            let project = NSTemporaryDirectory() + "airflow-bad-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: project + "/dags", withIntermediateDirectories: true)
            try "dag_id: bad\n\(body)\n".write(toFile: project + "/dags/bad.yaml", atomically: true, encoding: .utf8)
            let said = try await Shell.output("cd \(project) && \(Self.bin)/dagrun validate dags/bad.yaml 2>&1")
                .trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "dagrun: ", with: "")
            #expect(!said.isEmpty && said.contains("bad.yaml"), "\(said)")
            let errors = try await importErrors(airflow, environment: airflowEnvironment(home: home, project: project))
            #expect(errors.count == 1 && errors.first?["error"]?.string?.contains(said) == true, "dagrun: \(said)\nairflow: \(errors)")
        }
    }

    /// The same day twice, on two beds with the same inputs (synthetic ratings, first model,
    /// producer seed): once by `dagrun run`, once by `airflow dags test`, whose tasks each run
    /// `dagrun task`. Both store the same 300 watches once, archive them, notify them, pass the
    /// gate and promote; the audit finds nothing missing in either.
    @Test(.enabled(if: enabled), .timeLimit(.minutes(10)))
    func theDailyDagRunsOnAirflowWithTheResultsOfDagrun() async throws {
        let database = try TestEnvironment.requireDatabase()
        let airflow = try #require(TestEnvironment.airflow, "RECO_TEST_AIRFLOW is not set")
        let home = NSTemporaryDirectory() + "airflow-test-\(UUID().uuidString.prefix(8))"
        try await Shell.run("'\(airflow)' db migrate", environment: airflowEnvironment(home: home))

        let byDagrun = try await DailyDagBed(database: database, name: "by-dagrun")
        defer { withExtendedLifetime(byDagrun) {} }
        let dagrunStatus = try await Shell.run("\(Self.bin)/dagrun run dags/daily_dag.yaml --runs-dir \(byDagrun.work)/runs --log-level warning",
                                               environment: byDagrun.environment, directory: Self.root, allowFailure: true)
        #expect(dagrunStatus == 0, "logs in \(byDagrun.work)/runs")

        let byAirflow = try await DailyDagBed(database: database, name: "by-airflow")
        defer { withExtendedLifetime(byAirflow) {} }
        var environment = byAirflow.environment.merging(airflowEnvironment(home: home)) { $1 }
        environment["RECO_DAG_RUNS_DIR"] = byAirflow.work + "/runs"
        let output = byAirflow.work + "/airflow-dags-test.log"
        let airflowStatus = try await Shell.run("{ '\(airflow)' dags test daily_dag > \(output) 2>&1; }", environment: environment, directory: Self.root,
                                                allowFailure: true)
        let said = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        #expect(airflowStatus == 0, "\(said.suffix(3000))")
        #expect(said.contains("DagRun Finished: dag_id=daily_dag") && said.contains("state=success"), "\(said.suffix(3000))")
        // Airflow's task log names where dagrun keeps the service logs.
        #expect(said.contains("service reco-api log: \(byAirflow.work)/runs/daily_dag/"), "\(said.suffix(3000))")

        // dagrun status finds the Airflow run, every task a success.
        let run = try #require(try FileManager.default.contentsOfDirectory(atPath: "\(byAirflow.work)/runs/daily_dag").first { !$0.hasPrefix(".") })
        let record = try JSONParser.parse(Array(try String(contentsOfFile: "\(byAirflow.work)/runs/daily_dag/\(run)/state.json", encoding: .utf8).utf8))
        #expect(record["scheduler"]?.string == "airflow" && record["state"]?.string == "success", "\(record)")
        for task in ["run_start", "run_all", "run_end", "export_watches", "train_candidate", "gate", "promote"] {
            #expect(record["tasks"]?[task]?["state"]?.string == "success", "\(task): \(record)")
        }
        let status = try await Shell.output("\(Self.bin)/dagrun status --dag daily_dag --runs-dir \(byAirflow.work)/runs")
        #expect(status.contains("success"), "\(status)")

        // The same results as dagrun's.
        let watches = try await byDagrun.storedWatches(database: database)
        #expect(watches.count == 300)
        #expect(try await byAirflow.storedWatches(database: database) == watches)
        for bed in [byDagrun, byAirflow] {
            let report = try await bed.audit(database: database)
            func total(_ column: String) -> Double { report.reduce(0) { $0 + ($1[column]?.number ?? 0) } }
            #expect(total("stored") == 300 && total("archived") == 300 && total("deadLettered") == 0 && total("missing") == 0, "\(bed.work): \(report)")
            let notifications = ((try? String(contentsOfFile: "\(bed.work)/notifications.jsonl", encoding: .utf8)) ?? "").split(separator: "\n")
            #expect(notifications.count == 300, "\(bed.work)")
            let served = try #require(try bed.registry.currentVersion())
            let entry = try bed.registry.entry(served)
            #expect(served != bed.firstVersion && entry.gate?.passed == true, "\(bed.work)")
        }

        // Day 2 under Airflow, the gate told to refuse: gate and promote are skipped, not
        // failed (dagrun task exits 99, the BashOperator's skip code), run_end runs, the run
        // succeeds, and day 1's version serves on.
        let dayOne = try byAirflow.registry.currentVersion()
        let runs = Set(try FileManager.default.contentsOfDirectory(atPath: "\(byAirflow.work)/runs/daily_dag"))
        var dayTwo = environment
        dayTwo["RECO_EVENTS"] = "100"
        dayTwo["RECO_GATE_OPTIONS"] = "--tolerance=-1"
        dayTwo["RECO_API_PORT"] = String(freePort())
        let secondOutput = byAirflow.work + "/airflow-dags-test-2.log"
        let secondStatus = try await Shell.run("{ '\(airflow)' dags test daily_dag > \(secondOutput) 2>&1; }", environment: dayTwo, directory: Self.root,
                                               allowFailure: true)
        let secondSaid = (try? String(contentsOfFile: secondOutput, encoding: .utf8)) ?? ""
        #expect(secondStatus == 0 && secondSaid.contains("state=success"), "\(secondSaid.suffix(3000))")
        let secondRun = try #require(try FileManager.default.contentsOfDirectory(atPath: "\(byAirflow.work)/runs/daily_dag")
            .first { !$0.hasPrefix(".") && !runs.contains($0) })
        let second = try JSONParser.parse(Array(try String(contentsOfFile: "\(byAirflow.work)/runs/daily_dag/\(secondRun)/state.json", encoding: .utf8).utf8))
        #expect(second["tasks"]?["gate"]?["state"]?.string == "skipped" && second["tasks"]?["promote"]?["state"]?.string == "skipped", "\(second)")
        #expect(second["tasks"]?["run_end"]?["state"]?.string == "success" && second["state"]?.string == "success", "\(second)")
        #expect(try byAirflow.registry.currentVersion() == dayOne)
    }
}
