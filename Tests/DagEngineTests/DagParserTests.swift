@testable import DagEngine
import Foundation
import Testing

@Suite struct DagParserTests {
    private let parser = DagParser(environment: ["HOME_DIR": "/srv/reco", "EMPTY": ""])

    @Test func readsEveryFieldWithDefaultsAndSubstitution() throws {
        let dag = try parser.parse("""
            dag_id: nightly
            description: Night jobs
            default_args:
              retries: 2
              retry_delay: 500ms
              env: {SHARED: one}
            tasks:
              - id: start
                command: echo ${GREETING:-hello} $$HOME ${HOME_DIR}
              - id: serve
                upstream: [start]
                trigger_rule: one_failed
                retries: 0
                retry_exponential_backoff: true
                max_retry_delay: 2m
                execution_timeout: 1h
                cwd: ${HOME_DIR:-/tmp}
                env: {SHARED: two, OWN: "${EMPTY:-fallback}"}
                services:
                  - name: api
                    command: reco-api
                    readiness: {http_get: "http://127.0.0.1:4000/health/ready", interval: 250ms, timeout: 1s, start_period: 2s, deadline: 30s}
                    stop: {signal: SIGINT, grace_period: 3s}
                    restart: on-failure
                    max_restarts: 5
                  - name: job
                    command: producer --count 10
                    depends_on: {api: service_healthy}
                    wait: exit
                    log: /tmp/job.log
            """, file: "nightly.yaml")
        #expect(dag.id == "nightly")
        #expect(dag.description == "Night jobs")
        let start = try #require(dag.task("start"))
        #expect(start.command == "echo hello $HOME /srv/reco")
        #expect(start.retries == 2)
        #expect(start.retryDelay == .milliseconds(500))
        #expect(start.environment == ["SHARED": "one"])
        #expect(start.line == 8)
        let serve = try #require(dag.task("serve"))
        #expect(serve.upstream == ["start"])
        #expect(serve.triggerRule == .oneFailed)
        #expect(serve.retries == 0)
        #expect(serve.retryExponentialBackoff)
        #expect(serve.maxRetryDelay == .seconds(120))
        #expect(serve.executionTimeout == .seconds(3600))
        #expect(serve.workingDirectory == "/srv/reco")
        #expect(serve.environment == ["SHARED": "two", "OWN": "fallback"])
        let api = serve.services[0]
        #expect(api.readiness == ReadinessProbe(check: .httpGet("http://127.0.0.1:4000/health/ready"), interval: .milliseconds(250),
                                                timeout: .seconds(1), startPeriod: .seconds(2), deadline: .seconds(30)))
        #expect(api.stopSignal == SIGINT)
        #expect(api.stopGracePeriod == .seconds(3))
        #expect(api.restartOnFailure && api.maxRestarts == 5 && api.wait == .ready)
        let job = serve.services[1]
        #expect(job.dependsOn.map(\.name) == ["api"] && job.dependsOn.map(\.condition) == [.serviceHealthy])
        #expect(job.wait == .exit && job.logFile == "/tmp/job.log")
        #expect(dag.topologicalOrder.map(\.id) == ["start", "serve"])
    }

    @Test(arguments: [
        ("dag_id: x\ntasks:\n  - id: a\n    command: true\n    retires: 3\n", 5, "unknown key 'retires'"),
        ("dag_id: x\ntasks:\n  - id: a\n    command: true\n  - id: b\n    command: true\n    upstream: [c]\n", 5, "upstream task 'c' does not exist"),
        ("dag_id: x\ntasks:\n  - id: a\n    command: true\n    upstream: b\n  - id: b\n    command: true\n    upstream: a\n", 3, "cycle: a -> b -> a"),
        ("dag_id: x\ntasks:\n  - id: a\n    command: true\n    trigger_rule: sometimes\n", 5, "trigger_rule 'sometimes'"),
        ("dag_id: x\ntasks:\n  - id: a\n    command: true\n    retry_delay: soon\n", 5, "must be a duration"),
        ("dag_id: x\ntasks:\n  - id: a\n    command: true\n  - id: a\n    command: false\n", 5, "used twice"),
        ("dag_id: x\ntasks:\n  - id: a\n    command: echo ${MISSING}\n", 4, "MISSING is not set"),
        ("dag_id: x\ntasks:\n  - id: a\n    services:\n      - name: s\n        command: x\n        depends_on: [t]\n", 5, "depends_on 't'"),
        ("dag_id: x\ntasks:\n  - id: a\n    services:\n      - name: s\n        command: x\n      - name: t\n        command: y\n        depends_on: {s: service_healthy}\n", 7, "needs a readiness probe"),
        ("dag_id: x\ntasks:\n  - id: a\n    services:\n      - name: s\n        command: x\n        readiness: {tcp: 80}\n", 7, "unknown key 'tcp'"),
        ("dag_id: x\ntasks:\n  - id: a\n    command: [unclosed\n", 5, "not valid YAML"),
        ("dag_id: x\ntasks:\n  - id: a\n", 3, "neither a command nor services"),
        ("tasks:\n  - id: a\n    command: true\n", 1, "dag_id is missing"),
        // Issue 15 item 7: a huge duration trapped converting to milliseconds (SIGILL); zero timeouts fail every attempt.
        ("dag_id: x\ntasks:\n  - id: a\n    command: true\n    execution_timeout: 99999999999999999999h\n", 5, "from 0 to 365 days"),
        ("dag_id: x\ntasks:\n  - id: a\n    command: true\n    execution_timeout: 0s\n", 5, "a.execution_timeout must be longer than zero"),
        ("dag_id: x\ntasks:\n  - id: a\n    services:\n      - name: s\n        command: x\n        readiness: {http_get: 'http://h/', interval: 0ms}\n", 7,
         "readiness.interval must be longer than zero"),
        // Issue 15 item 9: services that depend on each other passed validation and the run hung.
        ("dag_id: x\ntasks:\n  - id: a\n    services:\n      - name: s1\n        command: x\n        depends_on: [s2]\n      - name: s2\n        command: y\n        depends_on: [s1]\n",
         5, "services depend on each other in a cycle: s1 -> s2 -> s1"),
    ] as [(String, Int, String)])
    func refusesWithFileAndLine(_ yaml: String, _ line: Int, _ fragment: String) {
        do {
            _ = try parser.parse(yaml, file: "bad.yaml")
            Issue.record("accepted: \(yaml)")
        } catch {
            #expect(error.file == "bad.yaml")
            #expect(error.line == line, "\(error)")
            #expect(error.description.contains(fragment), "\(error)")
            #expect(error.description.hasPrefix("bad.yaml:\(line): "))
        }
    }

    /// Issue 15 item 9: one validation reports every problem, each with its own line.
    @Test func reportsEveryProblemInOnePass() {
        let yaml = """
            dag_id: x
            tasks:
              - id: a
                command: true
                retries: many
              - id: b
                command: true
                upstream: [missing]
              - id: d
                command: true
                trigger_rule: sometimes
              - id: c
                services:
                  - name: s1
                    command: x
                    depends_on: [s2]
                  - name: s2
                    command: y
                    depends_on: [s1]
            """
        do {
            _ = try parser.parse(yaml, file: "bad.yaml")
            Issue.record("accepted")
        } catch {
            #expect(error.line == 5)
            let lines = error.description.split(separator: "\n")
            #expect(lines.count == 2, "\(error)")
            #expect(lines.first?.contains("a.retries must be a whole number") == true)
            #expect(lines.last?.hasPrefix("bad.yaml:11: d.trigger_rule 'sometimes'") == true, "\(error)")
        }
        do {
            let fixed = yaml.replacingOccurrences(of: "retries: many", with: "retries: 1").replacingOccurrences(of: "sometimes", with: "all_success")
            _ = try parser.parse(fixed, file: "bad.yaml")
            Issue.record("accepted")
        } catch {
            let lines = error.description.split(separator: "\n").map(String.init)
            #expect(lines.count == 2, "\(error)")
            #expect(lines.first?.hasPrefix("bad.yaml:6: task 'b': upstream task 'missing' does not exist") == true, "\(error)")
            #expect(lines.last?.hasPrefix("bad.yaml:14: task 'c': services depend on each other in a cycle: s1 -> s2 -> s1") == true, "\(error)")
        }
    }

    @Test func theDailyDagIsValidAndKeepsTheSeedsShape() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("dags/daily_dag.yaml").path
        let dag = try DagParser(environment: [:]).parse(file: path)
        #expect(dag.id == "daily_dag" && dag.schedule == "@daily")
        #expect(dag.topologicalOrder.map(\.id) == ["run_start", "run_all", "export_watches", "train_candidate", "gate", "promote", "run_end"])
        #expect(dag.task("run_end")?.triggerRule == .allDone && dag.task("export_watches")?.upstream == ["run_all"])
        #expect(dag.task("run_all")?.triggerRule == .always)
        #expect(dag.task("run_all")?.services.map(\.name) == ["reco-api", "consumer", "producer", "archiver", "notifier"])
        // The webhook URL is a secret: the notifier reads it itself, it is never put on its command line.
        let notifier = dag.task("run_all")?.services.first { $0.name == "notifier" }
        #expect(notifier?.command.contains("WEBHOOK") == false)
        #expect(notifier?.command.contains("--optional") == true)
        #expect(dag.task("run_all")?.services[0].readiness?.check == .httpGet("http://127.0.0.1:4000/health/ready"))
    }

    /// Issue 31: a schedule for a scheduler (Airflow), a preset or five cron fields; dagrun turns
    /// it into a cron line.
    @Test func aScheduleIsAPresetOrACronExpression() throws {
        func parse(_ schedule: String) throws -> Dag {
            let path = NSTemporaryDirectory() + "schedule-\(UUID().uuidString).yaml"
            try "dag_id: s\nschedule: \"\(schedule)\"\ntasks:\n  - {id: a, command: \"true\"}\n".write(toFile: path, atomically: true, encoding: .utf8)
            return try DagParser(environment: [:]).parse(file: path)
        }
        #expect(try parse("@daily").schedule == "@daily")
        #expect(try parse("30 2 * * 1-5").schedule == "30 2 * * 1-5")
        #expect(DagSchedule.cron("@daily") == "0 0 * * *" && DagSchedule.cron("*/5 * * * *") == "*/5 * * * *")
        for bad in ["daily", "@sometimes", "* * *", "1 2 3 4 x"] {
            #expect(throws: DagError.self) { try parse(bad) }
            #expect((try? parse(bad)) == nil)
        }
        do {
            _ = try parse("@sometimes")
        } catch {
            #expect("\(error)".contains("schedule '@sometimes' is neither a preset"), "\(error)")
        }
    }

    @Test func durationsAndBackoff() {
        #expect(DurationText.parse("250ms") == .milliseconds(250))
        #expect(DurationText.parse("1.5m") == .seconds(90))
        #expect(DurationText.parse("2") == .seconds(2))
        #expect(DurationText.parse("-1s") == nil)
        #expect(DurationText.parse("365d") == nil)
        #expect(DurationText.parse("8760h") == .seconds(365 * 24 * 3600))
        #expect(DurationText.parse("8761h") == nil)
        #expect(DurationText.parse("1e300") == nil)
        #expect(DurationText.parse("nan") == nil)
        let task = DagTask(id: "t", retryDelay: .seconds(1), retryExponentialBackoff: true, maxRetryDelay: .seconds(5))
        #expect((2...6).map { task.delay(beforeAttempt: $0) } == [.seconds(1), .seconds(2), .seconds(4), .seconds(5), .seconds(5)])
    }
}

@Suite struct TriggerRuleTests {
    @Test func decidesLikeAirflow() {
        let ok = TaskState.success, failed = TaskState.failed, skipped = TaskState.skipped, upstream = TaskState.upstreamFailed
        let cases: [(TriggerRule, [TaskState], TriggerRule.Decision)] = [
            (.allSuccess, [ok, ok], .run), (.allSuccess, [ok, failed], .upstreamFailed), (.allSuccess, [ok, skipped], .skip),
            (.allSuccess, [upstream], .upstreamFailed), (.allDone, [failed, skipped], .run), (.always, [failed], .run),
            (.allFailed, [failed, upstream], .run), (.allFailed, [failed, ok], .skip), (.oneSuccess, [failed, ok], .run),
            (.oneSuccess, [failed, failed], .upstreamFailed), (.oneFailed, [ok, failed], .run), (.oneFailed, [ok, ok], .skip),
            (.noneFailed, [ok, skipped], .run), (.noneFailed, [ok, failed], .upstreamFailed), (.allSuccess, [], .run),
        ]
        for (rule, states, decision) in cases {
            #expect(rule.decide(states) == decision, "\(rule) \(states)")
        }
    }
}
