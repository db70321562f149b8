import ArgumentParser
@testable import dagrun
import DagEngine
import Foundation
import RecoCore
import Testing
import TestSupport

/// `dagrun`'s command line and exit codes: 2 for an invalid DAG file, a usage error for bad options.
@Suite struct DagRunCommandTests {
    let directory = TemporaryDirectory()

    @Test func subcommandsParseWithTheirDefaults() throws {
        let run = try #require(try DagRunCommand.parseAsRoot(["run", "dags/daily_dag.yaml"]) as? RunDag)
        #expect(run.file == "dags/daily_dag.yaml" && run.options.runsDir == "runs")
        let status = try #require(try DagRunCommand.parseAsRoot(["status", "--dag", "daily_dag", "--last", "2", "--runs-dir", "/tmp/r"]) as? StatusCommand)
        #expect(status.dag == "daily_dag" && status.last == 2 && status.options.runsDir == "/tmp/r")
        let stop = try #require(try DagRunCommand.parseAsRoot(["stop"]) as? StopCommand)
        #expect(stop.timeout == 60)
    }

    /// Issue 31: `dagrun task` for a scheduler, and the JSON `validate --json` gives it.
    @Test func aTaskForASchedulerAndTheDagAsJSON() throws {
        let task = try #require(try DagRunCommand.parseAsRoot(["task", "dags/daily_dag.yaml", "run_all", "--run-id", "manual__2026-12-07T23:44:32+00:00",
                                                                "--attempt", "2"]) as? RunTask)
        #expect(task.taskId == "run_all" && task.attempt == 2 && task.runId == "manual__2026-12-07T23:44:32+00:00")
        #expect(RunTask.folderName("manual__2026-12-07T23:44:32.8+00:00") == "manual__2026-12-07T23_44_32.8_00_00")
        #expect(RunTask.folderName("../..") == ".._.." && RunTask.folderName("..") == "_" && RunTask.folderName("") == "_")
        directory.file("good.yaml", "dag_id: good\nschedule: \"@hourly\"\ntasks:\n  - {id: a, command: \"true\", retries: 2, retry_delay: 500ms}\n  - {id: b, upstream: a, command: \"true\", execution_timeout: 1m, trigger_rule: all_done}\n")
        let dag = try DagParser(environment: [:]).parse(file: directory.path + "/good.yaml")
        let json = try JSONParser.parse(ValidateDag.json(dag))
        #expect(json["dag_id"]?.string == "good" && json["schedule"]?.string == "@hourly")
        let tasks = try #require(json["tasks"]?.array)
        #expect(tasks.map { $0["id"]?.string } == ["a", "b"])
        #expect(tasks[0]["retries"]?.number == 2 && tasks[0]["retry_delay_seconds"]?.number == 0.5 && tasks[0]["execution_timeout_seconds"] == nil)
        #expect(tasks[1]["upstream"]?.array?.first?.string == "a" && tasks[1]["execution_timeout_seconds"]?.number == 60
                && tasks[1]["trigger_rule"]?.string == "all_done" && tasks[1]["skip_on_exit_code"]?.number == 99)
        #expect(ValidateDag.errorJSON("a \"quoted\" problem") == #"{"error":"a \"quoted\" problem"}"#)
    }

    @Test func aValidDagValidatesAndABrokenOneExitsTwo() throws {
        directory.file("good.yaml", "dag_id: good\ntasks:\n  - {id: a, command: \"true\"}\n  - {id: b, upstream: a, command: \"true\"}\n")
        var good = try #require(try DagRunCommand.parseAsRoot(["validate", directory.path + "/good.yaml"]) as? ValidateDag)
        try good.run()
        directory.file("cycle.yaml", "dag_id: bad\ntasks:\n  - {id: a, upstream: b, command: \"true\"}\n  - {id: b, upstream: a, command: \"true\"}\n")
        var bad = try #require(try DagRunCommand.parseAsRoot(["validate", directory.path + "/cycle.yaml"]) as? ValidateDag)
        #expect(throws: ExitCode(2)) { try bad.run() }
        var missing = try #require(try DagRunCommand.parseAsRoot(["validate", directory.path + "/none.yaml"]) as? ValidateDag)
        #expect(throws: ExitCode(2)) { try missing.run() }
    }

    @Test func statusAndStopWithNoRunsSaySoAndSucceed() throws {
        var status = try #require(try DagRunCommand.parseAsRoot(["status", "--runs-dir", directory.path + "/runs"]) as? StatusCommand)
        try status.run()
        var stop = try #require(try DagRunCommand.parseAsRoot(["stop", "--runs-dir", directory.path + "/runs"]) as? StopCommand)
        try stop.run()
    }

    @Test func badOptionsAreUsageErrors() {
        for arguments in [["run"], ["status", "--last", "x"], ["frobnicate"]] {
            do {
                _ = try DagRunCommand.parseAsRoot(arguments)
                Issue.record("\(arguments) parsed")
            } catch {
                #expect(DagRunCommand.exitCode(for: error) == .validationFailure, "\(arguments)")
            }
        }
    }
}
