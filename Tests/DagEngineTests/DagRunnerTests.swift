@testable import DagEngine
import Foundation
import Logging
import Testing
import TestSupport

/// Real processes, process groups and probes; every test checks that nothing it started is left.
@Suite struct DagRunnerTests {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "dagrun-test-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    /// Runs `yaml` on `clock`; with `stopWhen`, requests a stop as soon as it holds (polled every
    /// 50 ms for at most 60 s), not after a fixed time that a busy machine may not keep.
    private func run(_ yaml: String, clock: any DagClock = SystemDagClock(),
                     stopWhen: (@Sendable () -> Bool)? = nil) async throws -> (RunRecord, DagRunner) {
        let dag = try DagParser(environment: ["DIR": directory]).parse(yaml, file: "test.yaml")
        var logger = Logger(label: "dagrun-test")
        logger.logLevel = .critical
        let runner = DagRunner(dag: dag, store: RunStore(root: directory + "/runs"),
                                environment: ProcessInfo.processInfo.environment.merging(["DIR": directory]) { _, own in own }, logger: logger,
                                clock: clock)
        if let stopWhen {
            Task {
                for _ in 0..<1_200 where !stopWhen() { try await Task.sleep(for: .milliseconds(50)) }
                runner.requestStop()
            }
        }
        return (try await runner.run(), runner)
    }

    private func text(_ name: String) -> String {
        (try? String(contentsOfFile: directory + "/" + name, encoding: .utf8)) ?? ""
    }

    @Test func runsInDependencyOrderAndWritesTheStateFile() async throws {
        let (record, runner) = try await run("""
            dag_id: order
            tasks:
              - id: a
                command: echo a >> $DIR/order; echo out of a
              - id: b
                upstream: a
                command: sleep 1; echo b >> $DIR/order
              - id: c
                upstream: a
                command: echo c >> $DIR/order
              - id: d
                upstream: [b, c]
                command: echo d >> $DIR/order
            """)
        #expect(record.state == .success)
        let order = text("order").split(separator: "\n").map(String.init)
        #expect(order.first == "a" && order.last == "d" && Set(order) == ["a", "b", "c", "d"])
        #expect(order == ["a", "c", "b", "d"], "b and c run at the same time, so c (no sleep) ends first")
        let saved = try RunStore(root: directory + "/runs").load(RunStore(root: directory + "/runs").stateFile("order", runner.runId))
        #expect(saved.runId == record.runId && saved.state == .success && saved.pid == getpid())
        #expect(saved.tasks.mapValues(\.state) == record.tasks.mapValues(\.state))
        #expect(abs(saved.startedAt.timeIntervalSince(record.startedAt)) < 0.001)
        #expect(saved.order == ["a", "b", "c", "d"])
        #expect(saved.tasks.values.allSatisfy { $0.state == .success && $0.attempts == 1 && $0.startedAt != nil && $0.endedAt != nil })
        #expect((saved.tasks["b"]?.seconds ?? 0) >= 1)
        let log = try #require(saved.tasks["a"]?.logs.first)
        #expect(log.hasSuffix("/runs/order/\(runner.runId)/a/attempt=1.log"))
        #expect(try String(contentsOfFile: log, encoding: .utf8) == "out of a\n")
    }

    @Test func failuresPropagateByTriggerRule() async throws {
        let (record, _) = try await run("""
            dag_id: rules
            tasks:
              - {id: ok, command: "true"}
              - {id: bad, command: "exit 3"}
              - {id: after_all_success, upstream: [ok, bad], command: "true"}
              - {id: after_all_done, upstream: [ok, bad], trigger_rule: all_done, command: "true"}
              - {id: after_one_failed, upstream: [ok, bad], trigger_rule: one_failed, command: "true"}
              - {id: after_one_success, upstream: [ok, bad], trigger_rule: one_success, command: "true"}
              - {id: after_all_failed, upstream: [bad], trigger_rule: all_failed, command: "true"}
              - {id: after_none_failed, upstream: [ok, bad], trigger_rule: none_failed, command: "true"}
              - {id: after_always, upstream: [after_all_success], trigger_rule: always, command: "true"}
              - {id: skipped, upstream: [ok], trigger_rule: one_failed, command: "true"}
              - {id: after_skipped, upstream: [skipped], command: "true"}
              - {id: chained, upstream: [after_all_success], command: "true"}
            """)
        let states = record.tasks.mapValues(\.state)
        #expect(states["bad"] == .failed)
        #expect(record.tasks["bad"]?.message?.contains("status 3") == true)
        #expect(states["after_all_success"] == .upstreamFailed)
        #expect(states["chained"] == .upstreamFailed)
        #expect(states["after_all_done"] == .success)
        #expect(states["after_one_failed"] == .success)
        #expect(states["after_one_success"] == .success)
        #expect(states["after_all_failed"] == .success)
        #expect(states["after_none_failed"] == .upstreamFailed)
        #expect(states["after_always"] == .success)
        #expect(states["skipped"] == .skipped)
        #expect(states["after_skipped"] == .skipped)
        #expect(record.state == .failed)
    }

    /// The delays are checked as asked of the clock (a virtual one), so the test does not depend
    /// on how fast a loaded machine gets through them; `SystemDagClockTests` checks that the real
    /// clock waits what it is asked.
    @Test func retriesWithExponentialBackoff() async throws {
        let clock = VirtualDagClock()
        let (record, _) = try await run("""
            dag_id: retry
            tasks:
              - id: flaky
                command: echo $DAGRUN_TRY_NUMBER >> $DIR/tries; test "$DAGRUN_TRY_NUMBER" -ge 3
                retries: 4
                retry_delay: 300ms
                retry_exponential_backoff: true
            """, clock: clock)
        let task = try #require(record.tasks["flaky"])
        #expect(task.state == .success)
        #expect(task.attempts == 3)
        #expect(task.logs.filter { $0.hasSuffix(".log") }.map { ($0 as NSString).lastPathComponent } == ["attempt=1.log", "attempt=2.log", "attempt=3.log"])
        #expect(text("tries") == "1\n2\n3\n", "three attempts, in order")
        #expect(clock.asked == [.milliseconds(300), .milliseconds(600)], "retry_delay, then twice retry_delay; none after the success")
    }

    @Test func retriesStopAtTheirCountAndTheDelayAtItsCap() async throws {
        let clock = VirtualDagClock()
        let (record, _) = try await run("""
            dag_id: capped_retry
            tasks:
              - id: hopeless
                command: echo $DAGRUN_TRY_NUMBER >> $DIR/tries; exit 5
                retries: 4
                retry_delay: 1s
                retry_exponential_backoff: true
                max_retry_delay: 3s
            """, clock: clock)
        #expect(record.tasks["hopeless"]?.state == .failed)
        #expect(record.tasks["hopeless"]?.attempts == 5)
        #expect(text("tries") == "1\n2\n3\n4\n5\n")
        #expect(clock.asked == [.seconds(1), .seconds(2), .seconds(3), .seconds(3)])
    }

    /// Airflow's BashOperator skips on exit code 99: a gate that refuses skips what depends on it,
    /// the run says why, and it is no failure.
    @Test func exitCode99SkipsTheTaskAndWhatDependsOnIt() async throws {
        let (record, _) = try await run("""
            dag_id: loop
            tasks:
              - {id: train, command: "true"}
              - {id: gate, upstream: train, command: "echo figures; echo 'gate: refused v2: NDCG@10 fell'; exit 99"}
              - {id: promote, upstream: gate, command: "touch $DIR/promoted"}
              - {id: other_code, command: "exit 42", skip_on_exit_code: 42}
              - {id: summary, upstream: [promote, other_code], trigger_rule: all_done, command: "touch $DIR/summary"}
            """)
        #expect(record.tasks["gate"]?.state == .skipped)
        #expect(record.tasks["gate"]?.message == "skipped (exit status 99): gate: refused v2: NDCG@10 fell")
        #expect(record.tasks["promote"]?.state == .skipped)
        #expect(record.tasks["other_code"]?.state == .skipped)
        #expect(record.tasks["summary"]?.state == .success)
        #expect(!FileManager.default.fileExists(atPath: directory + "/promoted") && FileManager.default.fileExists(atPath: directory + "/summary"))
        #expect(record.state == .success)
    }

    @Test func executionTimeoutKillsTheWholeProcessTree() async throws {
        let marker = "77\(Int.random(in: 1000...9999))1"
        let (record, _) = try await run("""
            dag_id: timeout
            tasks:
              - id: slow
                command: sh -c 'sleep \(marker) & sleep \(marker)2 & wait'
                execution_timeout: 1s
            """)
        #expect(record.tasks["slow"]?.state == .failed)
        #expect(record.tasks["slow"]?.message == "timed out after 1.0 s")
        #expect(ProcessTable.commands(containing: marker).isEmpty)
    }

    @Test func readinessGatesDependentsWithinOneInterval() async throws {
        let (record, _) = try await run("""
            dag_id: gate
            tasks:
              - id: serve
                services:
                  - name: slow
                    command: sleep 1; date +%s.%N > $DIR/ready_at; exec sleep 600
                    readiness: {exec: "test -s $DIR/ready_at", interval: 500ms, deadline: 20s}
                  - name: dependent
                    depends_on: {slow: service_healthy}
                    command: date +%s.%N > $DIR/started_at
                    wait: exit
            """)
        #expect(record.state == .success)
        let ready = try #require(Double(text("ready_at").trimmingCharacters(in: .whitespacesAndNewlines)))
        let started = try #require(Double(text("started_at").trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(started >= ready)
        // How soon after readiness is checked through the dagrun executable (DailyDagTests): in
        // this process, other suites' blocking work can stall the shared cooperative threads.
        #expect(record.tasks["serve"]?.servicesReadyAt != nil)
        #expect(ProcessTable.commands(containing: "exec sleep 600").isEmpty && ProcessTable.commands(containing: "sleep 600").isEmpty)
    }

    /// The deadline is counted on the run's clock (a virtual one here): the probe is tried every
    /// interval until 1 s has passed on it, whatever the machine's load does to real time.
    @Test func aServiceThatNeverBecomesReadyFailsAtItsDeadlineAndStopsEverything() async throws {
        let marker = "78\(Int.random(in: 1000...9999))"
        let clock = VirtualDagClock()
        let started = ContinuousClock.now
        let (record, _) = try await run("""
            dag_id: never
            tasks:
              - id: serve
                services:
                  - name: other
                    command: exec sleep \(marker)1
                  - name: broken
                    command: exec sleep \(marker)2
                    readiness: {http_get: "http://127.0.0.1:9/never", interval: 100ms, timeout: 200ms, deadline: 1s}
                  - name: waiting
                    depends_on: {broken: service_healthy}
                    command: touch $DIR/must_not_run
              - {id: after, upstream: serve, command: "true"}
            """, clock: clock)
        #expect(record.tasks["serve"]?.state == .failed)
        #expect(record.tasks["serve"]?.message?.contains("service 'broken' was not ready within 1.0 s (GET http://127.0.0.1:9/never)") == true)
        #expect(record.tasks["after"]?.state == .upstreamFailed)
        #expect(!FileManager.default.fileExists(atPath: directory + "/must_not_run"))
        #expect(clock.asked == Array(repeating: .milliseconds(100), count: 10), "one interval between tries, ten of them to the 1 s deadline")
        // A safety net against a hang only (60 times the deadline): the assertion above is the check.
        #expect(ContinuousClock.now - started < .seconds(60))
        #expect(ProcessTable.commands(containing: marker).isEmpty)
    }

    @Test func stopLeavesNoOrphans() async throws {
        let marker = "79\(Int.random(in: 1000...9999))"
        let (record, _) = try await run("""
            dag_id: stop
            tasks:
              - id: serve
                services:
                  - name: tree
                    command: sleep \(marker)1 & sleep \(marker)2 & sh -c 'sleep \(marker)3' & wait
                    stop: {signal: TERM, grace_period: 2s}
                  - name: stubborn
                    command: trap '' TERM; sleep \(marker)4 & wait; sleep \(marker)5
                    stop: {signal: TERM, grace_period: 500ms}
                    depends_on: [tree]
                  - name: batch
                    command: exec sleep \(marker)6
                    wait: exit
              - {id: later, upstream: serve, trigger_rule: always, command: "touch $DIR/later_ran"}
            """, stopWhen: {
                // Once every service runs: the stubborn one's child means its trap is set.
                [3, 4, 6].allSatisfy { number in
                    ProcessTable.commands(containing: "sleep \(marker)\(number)").contains { $0.hasPrefix("sleep \(marker)\(number)") }
                }
            })
        #expect(record.state == .stopped)
        #expect(record.tasks["serve"]?.state == .stopped)
        #expect(record.tasks["later"]?.state == .stopped, "nothing new starts once stopping")
        #expect(!FileManager.default.fileExists(atPath: directory + "/later_ran"))
        #expect(ProcessTable.commands(containing: marker).isEmpty)
    }

    @Test func restartsAFailingServiceUpToItsCap() async throws {
        let (record, _) = try await run("""
            dag_id: restart
            tasks:
              - id: serve
                services:
                  - name: flaky
                    command: echo x >> $DIR/starts; test $(wc -l < $DIR/starts) -ge 3
                    restart: on-failure
                    max_restarts: 3
                    wait: exit
              - id: capped
                services:
                  - name: hopeless
                    command: echo x >> $DIR/hopeless; exit 4
                    restart: on-failure
                    max_restarts: 2
                    wait: exit
            """)
        #expect(record.tasks["serve"]?.state == .success)
        #expect(text("starts").split(separator: "\n").count == 3)
        #expect(record.tasks["capped"]?.state == .failed)
        #expect(record.tasks["capped"]?.message?.contains("service 'hopeless' exited with status 4") == true)
        #expect(text("hopeless").split(separator: "\n").count == 3, "the first start and two restarts")
    }

    /// Issue 31: under a scheduler, tasks it never starts (skipped by a trigger rule, or after a
    /// failed upstream) are settled in the state file by the same rules.
    @Test func tasksASchedulerNeverStartsAreSettledByTheirTriggerRules() {
        let dag = Dag(id: "settle", tasks: [
            DagTask(id: "gate", command: "true"), DagTask(id: "promote", command: "true", upstream: ["gate"]),
            DagTask(id: "report", command: "true", upstream: ["promote"], triggerRule: .allDone),
            DagTask(id: "check", command: "true"), DagTask(id: "after", command: "true", upstream: ["check"]),
        ])
        var tasks = Dictionary(uniqueKeysWithValues: dag.tasks.map { ($0.id, RunRecord.TaskRecord(state: .pending, attempts: 0, logs: [])) })
        tasks["gate"]?.state = .skipped
        tasks["check"]?.state = .failed
        DagRunner.settleByTriggerRules(&tasks, dag: dag)
        #expect(tasks["promote"]?.state == .skipped && tasks["after"]?.state == .upstreamFailed)
        // all_done runs once its upstream is final: the scheduler starts it, so it stays pending here.
        #expect(tasks["report"]?.state == .pending)
        #expect(DagRunner.state(of: tasks.values.map(\.state)) == .running)
        tasks["report"]?.state = .success
        #expect(DagRunner.state(of: tasks.values.map(\.state)) == .failed)
    }

    @Test func oneActiveRunPerDag() throws {
        let store = RunStore(root: directory + "/runs")
        let first = try #require(try store.lock("daily"))
        #expect(try store.lock("daily") == nil)
        #expect(try store.lock("other") != nil)
        close(first)
        #expect(try store.lock("daily") != nil)
    }
}
