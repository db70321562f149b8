import ArgumentParser
@testable import dagrun
import Foundation
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
