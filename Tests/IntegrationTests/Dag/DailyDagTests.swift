import Foundation
import RecoCore
import Testing
import TestSupport

/// `dags/daily_dag.yaml` end to end through the `dagrun` executable: embedded broker, reco-api,
/// consumer and producer as real processes, against the PostgreSQL that scripts/test starts.
@Suite(.serialized) struct DailyDagTests {
    static let root = Repository.root
    static let bin = root + "/.build/debug"
    static var databaseURL: String? { TestEnvironment.databaseURL }
    static var enabled: Bool { TestEnvironment.databaseEnabled }

    /// Two days: the first moves its events into PostgreSQL and closes the loop (a candidate
    /// from the day's watches passes a lenient gate and serves); on the second the gate is told
    /// to refuse, so promote is skipped, the run still succeeds and says why, and the day-1
    /// version keeps serving.
    @Test(.enabled(if: enabled), .timeLimit(.minutes(8)))
    func theDailyDagMovesEventsIntoPostgreSQLAndClosesTheLoop() async throws {
        let database = try #require(Self.databaseURL, "RECO_TEST_DATABASE_URL is not set")
        let bed = try await DailyDagBed(database: database)
        defer { withExtendedLifetime(bed) {} }
        let (work, topic, registry, firstVersion, environment) = (bed.work, bed.topic, bed.registry, bed.firstVersion, bed.environment)

        let status = try await Shell.run("\(Self.bin)/dagrun run dags/daily_dag.yaml --runs-dir \(work)/runs --log-level warning",
                                   environment: environment, directory: Self.root, allowFailure: true)
        let runDirectory = try #require(try FileManager.default.contentsOfDirectory(atPath: "\(work)/runs/daily_dag").first { !$0.hasPrefix(".") })
        let runEnd = (try? String(contentsOfFile: "\(work)/runs/daily_dag/\(runDirectory)/run_end/attempt=1.log", encoding: .utf8)) ?? ""
        #expect(status == 0, "dagrun failed; logs in \(work)/runs")
        #expect(runEnd.contains("events produced:   300"), "\(runEnd)")
        #expect(runEnd.contains("events with a stored top 10 for topic \(topic): 300 (3000 rows in the recommendations view)"), "\(runEnd)")
        #expect(runEnd.contains("dead letters:      0"), "\(runEnd)")
        #expect(runEnd.contains("latest top 10 for customer"), "\(runEnd)")
        let rows = try await Shell.output("psql '\(database)' -X -qtA -c \"SELECT count(*), count(DISTINCT (kafka_partition, kafka_offset)) FROM recommendations WHERE topic = '\(topic)'\"")
        #expect(rows.trimmingCharacters(in: .whitespacesAndNewlines) == "3000|300")
        let statusText = try await Shell.output("\(Self.bin)/dagrun status --dag daily_dag --runs-dir \(work)/runs")
        #expect(statusText.contains("daily_dag  run \(runDirectory)  success"))
        #expect(statusText.contains("run_all: all services ready"))
        #expect(ProcessTable.commands(containing: "--topic \(topic)").isEmpty, "no service outlives the run")

        // One notification per event, each after a retried first attempt; the URL's secret in no log.
        #expect(runEnd.contains("notifications delivered 300, attempts 600, dead letters 0"), "\(runEnd)")
        let notifications = ((try? String(contentsOfFile: "\(work)/notifications.jsonl", encoding: .utf8)) ?? "").split(separator: "\n")
        #expect(notifications.count == 300)
        let keys = Set(notifications.compactMap { try? JSONParser.parse(Array($0.utf8))["idempotency_key"]?.string })
        #expect(keys.count == 300)
        let logs = try await Shell.output("cat \(work)/runs/daily_dag/\(runDirectory)/*/*.log")
        #expect(!logs.isEmpty && !logs.contains("secret-token"))

        // The whole day archived, in the S3 sink's layout: objects of 25 events, and each partition's
        // last, partial one written when the archiver drained.
        let archive = "\(work)/archive/topics/\(topic)"
        let objects = try await Shell.output("find \(archive) -name '*.json' | sort").split(separator: "\n")
        #expect(objects.allSatisfy { $0.contains("/partition=") && $0.hasSuffix(".json") && $0.contains("/\(topic)+") })
        let lines = try await Shell.output("cat \(archive)/partition=*/*.json | wc -l").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(Int(lines) == 300)
        #expect((300 / 25...300 / 25 + 4).contains(objects.count))
        #expect(runEnd.contains("objects \(objects.count), records archived 300"), "\(runEnd)")
        // reco audit says the same from Kafka's side: every offset stored and archived once.
        let report = try await bed.audit(database: database)
        func total(_ column: String) -> Double { report.reduce(0) { $0 + ($1[column]?.number ?? 0) } }
        #expect(total("stored") == 300 && total("archived") == 300 && total("notArchived") == 0 && total("archivedTwice") == 0
                && total("missing") == 0 && total("inDeadLetterTopic") == 0, "\(report)")

        // The loop: the day's 300 watches taught a candidate; it passed and its refit serves.
        let dayOne = try registry.currentVersion()
        let served = try #require(dayOne.map { try registry.entry($0) })
        #expect(served.version != firstVersion && served.refitOf != nil && served.gate?.passed == true)
        #expect(served.metadata.parentVersion == firstVersion && served.metadata.trainingWatches == 300)
        #expect(runEnd.contains("gate: passed") && runEnd.contains("serving now: \(served.version)"), "\(runEnd)")
        let firstRecord = try String(contentsOfFile: "\(work)/runs/daily_dag/\(runDirectory)/state.json", encoding: .utf8)
        #expect(try JSONParser.parse(Array(firstRecord.utf8))["tasks"]?["promote"]?["state"]?.string == "success", "\(firstRecord)")

        // Day 2: the gate refuses; promote is skipped, not failed, and day 1's version serves on.
        var dayTwo = environment
        dayTwo["RECO_EVENTS"] = "100"
        dayTwo["RECO_GATE_OPTIONS"] = "--tolerance=-1"
        dayTwo["RECO_API_PORT"] = String(freePort())
        let runs = Set(try FileManager.default.contentsOfDirectory(atPath: "\(work)/runs/daily_dag"))
        let secondStatus = try await Shell.run("\(Self.bin)/dagrun run dags/daily_dag.yaml --runs-dir \(work)/runs --log-level warning",
                                               environment: dayTwo, directory: Self.root, allowFailure: true)
        #expect(secondStatus == 0, "the refused gate fails nothing; logs in \(work)/runs")
        let secondRun = try #require(try FileManager.default.contentsOfDirectory(atPath: "\(work)/runs/daily_dag").first { !$0.hasPrefix(".") && !runs.contains($0) })
        let record = try String(contentsOfFile: "\(work)/runs/daily_dag/\(secondRun)/state.json", encoding: .utf8)
        let tasks = try #require(try JSONParser.parse(Array(record.utf8))["tasks"])
        #expect(tasks["gate"]?["state"]?.string == "skipped" && tasks["promote"]?["state"]?.string == "skipped", "\(record)")
        #expect(tasks["gate"]?["message"]?.string?.contains("gate: refused") == true, "\(record)")
        #expect(tasks["run_end"]?["state"]?.string == "success")
        #expect(try registry.currentVersion() == served.version)
        let refused = try registry.entries().last { $0.gate?.passed == false }
        #expect(refused?.metadata.parentVersion == served.version && refused?.metadata.trainingWatches == 300 + 80,
                "day 2's candidate learned day 1's 300 watches and 80 of its own (20 held out)")
    }

    /// Checked by what happened, not by how fast: every probe run writes whether it found the
    /// service ready, and the dependent writes when it started. The first probe that finds it
    /// ready is the last one run, and the dependent starts after it: readiness is noticed at the
    /// first probe after it (so within one interval) and nothing else holds the dependent back.
    /// The wall-clock bound is a safety net only, 20 intervals.
    @Test(.timeLimit(.minutes(1)))
    func aDependentStartsAtTheFirstProbeThatFindsItsDependencyReady() async throws {
        let work = NSTemporaryDirectory() + "dagrun-gate-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        try """
            dag_id: gate
            tasks:
              - id: serve
                services:
                  - name: slow
                    command: sleep 1; date +%s.%N > \(work)/ready_at; exec sleep 600
                    readiness: {exec: "if test -s \(work)/ready_at; then echo ready >> \(work)/probes; else echo waiting >> \(work)/probes; exit 1; fi", interval: 500ms, deadline: 20s}
                  - name: dependent
                    depends_on: {slow: service_healthy}
                    command: echo started >> \(work)/probes; date +%s.%N > \(work)/started_at
                    wait: exit
            """.write(toFile: "\(work)/dag.yaml", atomically: true, encoding: .utf8)
        #expect(try await Shell.run("\(Self.bin)/dagrun run \(work)/dag.yaml --runs-dir \(work)/runs --log-level error") == 0)
        let events = try String(contentsOfFile: "\(work)/probes", encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(events.filter { $0 == "ready" }.count == 1, "\(events)")
        #expect(events.suffix(2) == ["ready", "started"], "\(events)")
        #expect(events.dropLast(2).allSatisfy { $0 == "waiting" } && events.count >= 3, "\(events)")
        let ready = try #require(Double(try String(contentsOfFile: "\(work)/ready_at", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        let started = try #require(Double(try String(contentsOfFile: "\(work)/started_at", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(started >= ready)
        #expect(started - ready < 10, "safety net: started \(started - ready) s after its dependency became ready")
    }

    @Test(.timeLimit(.minutes(1)))
    func sigtermToTheRunnerStopsEverythingAndExits130() async throws {
        let work = NSTemporaryDirectory() + "dagrun-sigterm-\(UUID().uuidString.prefix(8))"
        let marker = "81\(Int.random(in: 1000...9999))"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        try """
            dag_id: signal_test
            tasks:
              - id: serve
                services:
                  - {name: api, command: "sleep \(marker)1 & sleep \(marker)2 & wait"}
                  - {name: job, command: "exec sleep \(marker)3", wait: exit, depends_on: [api]}
            """.write(toFile: "\(work)/dag.yaml", atomically: true, encoding: .utf8)
        let runner = Process()
        runner.executableURL = URL(fileURLWithPath: "\(Self.bin)/dagrun")
        runner.arguments = ["run", "\(work)/dag.yaml", "--runs-dir", "\(work)/runs", "--log-level", "error"]
        runner.standardOutput = FileHandle.nullDevice
        runner.standardError = FileHandle.nullDevice
        try runner.run()
        for _ in 0..<50 where ProcessTable.commands(containing: "sleep \(marker)3").isEmpty { try await Task.sleep(for: .milliseconds(100)) }
        #expect(!ProcessTable.commands(containing: marker).isEmpty)
        // A second run of the same DAG is refused while this one is active.
        #expect(try await Shell.run("\(Self.bin)/dagrun run \(work)/dag.yaml --runs-dir \(work)/runs --log-level error", allowFailure: true) == 3)
        runner.terminate()
        await runner.exited()
        #expect(runner.terminationStatus == 130)
        #expect(ProcessTable.commands(containing: marker).isEmpty)
        #expect(try await Shell.output("\(Self.bin)/dagrun status --runs-dir \(work)/runs").contains("signal_test  run"))
        #expect(try await Shell.run("\(Self.bin)/dagrun validate \(work)/missing.yaml", allowFailure: true) == 2)
    }

    /// Issue 15 item 8: `kill -9` of dagrun left every service running (re-parented to PID 1),
    /// `dagrun status` said "running" forever and the next run's probe was answered by the orphan.
    /// Now every service, and a grandchild that detached with setsid, ends with the runner, and
    /// the run is shown as failed.
    @Test(.timeLimit(.minutes(1)))
    func killingTheRunnerEndsEveryServiceAndTheRunShowsFailed() async throws {
        let work = NSTemporaryDirectory() + "dagrun-kill9-\(UUID().uuidString.prefix(8))"
        let marker = "82\(Int.random(in: 1000...9999))"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        try """
            dag_id: kill_test
            tasks:
              - id: serve
                services:
                  - {name: api, command: "sleep \(marker)1 & setsid sleep \(marker)2 & wait"}
                  - {name: job, command: "exec sleep \(marker)3", wait: exit, depends_on: [api]}
            """.write(toFile: "\(work)/dag.yaml", atomically: true, encoding: .utf8)
        let runner = Process()
        runner.executableURL = URL(fileURLWithPath: "\(Self.bin)/dagrun")
        runner.arguments = ["run", "\(work)/dag.yaml", "--runs-dir", "\(work)/runs", "--log-level", "error"]
        runner.standardOutput = FileHandle.nullDevice
        runner.standardError = FileHandle.nullDevice
        try runner.run()
        for _ in 0..<50 where ProcessTable.commands(containing: "sleep \(marker)").count < 3 { try await Task.sleep(for: .milliseconds(100)) }
        #expect(ProcessTable.commands(containing: "sleep \(marker)").count >= 3)
        kill(runner.processIdentifier, SIGKILL)
        await runner.exited()
        for _ in 0..<30 where !ProcessTable.commands(containing: "sleep \(marker)").isEmpty { try await Task.sleep(for: .milliseconds(100)) }
        #expect(ProcessTable.commands(containing: "sleep \(marker)").isEmpty, "\(ProcessTable.commands(containing: marker))")
        let status = try await Shell.output("\(Self.bin)/dagrun status --runs-dir \(work)/runs")
        #expect(status.contains("kill_test  run") && status.contains("failed (runner pid \(runner.processIdentifier) is gone)"), "\(status)")
    }
}
