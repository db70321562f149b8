import AsyncHTTPClient
import Foundation
import Logging
import Synchronization

/// Runs a DAG once: tasks in dependency order (independent ones at the same time), trigger
/// rules, retries with backoff, one JSON state file kept current. `requestStop()` (Ctrl-C,
/// SIGTERM, `dagrun stop`) stops running tasks' processes in reverse order and runs nothing new.
public final class DagRunner: Sendable {
    public let dag: Dag
    public let store: RunStore
    public let runId: String
    private let environment: [String: String]
    private let logger: Logger
    private let record: Mutex<RunRecord>
    private let attempts = Mutex<[String: TaskAttempt]>([:])
    private let stopping = Atomic<Bool>(false)
    private let clock: any DagClock
    /// Set for `runTask` under a scheduler: each task is its own process, so a task's record is
    /// merged into the run's state file instead of the file being written whole.
    private let scheduler: String?

    /// `clock` times retry delays and readiness probes (tests inject a virtual one). `runId`:
    /// a run id given from outside (a scheduler's); `scheduler`: who runs the tasks, for `runTask`.
    public init(dag: Dag, store: RunStore, runId: String? = nil, scheduler: String? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger, clock: any DagClock = SystemDagClock()) {
        self.dag = dag
        self.store = store
        self.environment = environment
        self.logger = logger
        self.clock = clock
        self.scheduler = scheduler
        self.runId = runId ?? RunStore.newRunId()
        record = Mutex(RunRecord(dagId: dag.id, runId: self.runId, file: dag.file, state: .running, pid: getpid(), startedAt: Date(), order: dag.tasks.map(\.id),
                                 tasks: Dictionary(uniqueKeysWithValues: dag.tasks.map { ($0.id, RunRecord.TaskRecord(state: .pending, attempts: 0, logs: [])) })))
    }

    public var runDirectory: String { store.runDirectory(dag.id, runId) }

    public var current: RunRecord { record.withLock { $0 } }

    public func requestStop() {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        logger.warning("stopping the run", metadata: ["dag.id": "\(dag.id)", "dag.run_id": "\(runId)"])
        attempts.withLock { $0.values.forEach { $0.requestStop() } }
    }

    /// Runs every task; returns the final record (state success, failed or stopped).
    public func run() async throws -> RunRecord {
        try save()
        logger.info("run started", metadata: ["dag.id": "\(dag.id)", "dag.run_id": "\(runId)", "dag.folder": "\(runDirectory)"])
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let order = dag.topologicalOrder
        await withTaskGroup(of: Void.self) { group in
            var running = Set<String>()
            func schedule() {
                var changed = true
                while changed {
                    changed = false
                    for task in order where state(of: task.id) == .pending && !running.contains(task.id) {
                        if stopping.load(ordering: .acquiring) {
                            update(task.id) { $0.state = .stopped }
                            changed = true
                            continue
                        }
                        let upstream = task.upstream.map { state(of: $0) }
                        guard upstream.allSatisfy(\.isFinal) else { continue }
                        switch task.triggerRule.decide(upstream) {
                        case .run:
                            running.insert(task.id)
                            group.addTask { await self.execute(task, client: client) }
                        case .skip:
                            update(task.id) { $0.state = .skipped }
                            logger.info("task skipped", metadata: ["dag.task": "\(task.id)", "dag.trigger_rule": "\(task.triggerRule.rawValue)"])
                            changed = true
                        case .upstreamFailed:
                            update(task.id) { $0.state = .upstreamFailed }
                            logger.warning("task not run: upstream failed", metadata: ["dag.task": "\(task.id)", "dag.trigger_rule": "\(task.triggerRule.rawValue)"])
                            changed = true
                        }
                    }
                }
            }
            schedule()
            while await group.next() != nil {
                running = Set(dag.tasks.map(\.id).filter { state(of: $0) == .running || state(of: $0) == .upForRetry })
                schedule()
            }
        }
        try? await client.shutdown()
        let final = record.withLock { record -> RunRecord in
            let states = record.tasks.values.map(\.state)
            record.state = stopping.load(ordering: .acquiring) ? .stopped
                : states.allSatisfy { $0 == .success || $0 == .skipped } ? .success : .failed
            record.endedAt = Date()
            return record
        }
        try save()
        logger.info("run ended", metadata: ["dag.id": "\(dag.id)", "dag.run_id": "\(runId)", "dag.state": "\(final.state.rawValue)"])
        return final
    }

    /// Runs one attempt of one task on its own, as a scheduler's worker asks (`dagrun task` under
    /// Airflow, which keeps retries, time-outs and trigger rules): its services, probes and
    /// command exactly as `run()` runs them, without retrying. Returns the task's record; nil
    /// for an unknown task.
    public func runTask(_ id: String, attempt: Int) async -> RunRecord.TaskRecord? {
        guard var task = dag.task(id) else { return nil }
        task.retries = 0
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        await execute(task, client: client, firstAttempt: max(1, attempt))
        try? await client.shutdown()
        return record.withLock { $0.tasks[id] }
    }

    private func execute(_ task: DagTask, client: HTTPClient, firstAttempt: Int = 1) async {
        var attemptNumber = firstAttempt
        while true {
            let paths = TaskAttempt.Paths(
                commandLog: store.taskLog(dag.id, runId, task: task.id, attempt: attemptNumber),
                serviceLog: { [store, dag, runId, attemptNumber] service in
                    service.logFile ?? store.serviceLog(dag.id, runId, task: task.id, service: service.name, attempt: attemptNumber)
                })
            var taskEnvironment = environment
            taskEnvironment["DAGRUN_DAG_ID"] = dag.id
            taskEnvironment["DAGRUN_RUN_ID"] = runId
            taskEnvironment["DAGRUN_TASK_ID"] = task.id
            taskEnvironment["DAGRUN_RUN_DIR"] = runDirectory
            taskEnvironment["DAGRUN_TRY_NUMBER"] = String(attemptNumber)
            let attempt = TaskAttempt(task: task, environment: taskEnvironment, paths: paths, client: client, clock: clock, logger: logger) { [self] in
                update(task.id) { $0.servicesReadyAt = Date() }
            }
            update(task.id) {
                $0.state = .running
                $0.attempts = attemptNumber
                if $0.startedAt == nil { $0.startedAt = Date() }
                $0.logs.append(paths.commandLog)
                $0.logs.append(contentsOf: task.services.map(paths.serviceLog))
            }
            logger.info("task running", metadata: ["dag.task": "\(task.id)", "dag.attempt": "\(attemptNumber)"])
            attempts.withLock { $0[task.id] = attempt }
            if stopping.load(ordering: .acquiring) { attempt.requestStop() }
            let outcome = await attempt.run()
            attempts.withLock { $0[task.id] = nil }
            switch outcome {
            case .success:
                update(task.id) {
                    $0.state = .success
                    $0.endedAt = Date()
                    $0.message = nil
                }
                logger.info("task succeeded", metadata: ["dag.task": "\(task.id)", "dag.seconds": "\(current.tasks[task.id]?.seconds ?? 0)"])
                return
            case .stopped:
                update(task.id) {
                    $0.state = .stopped
                    $0.endedAt = Date()
                }
                return
            case .skipped(let message):
                update(task.id) {
                    $0.state = .skipped
                    $0.endedAt = Date()
                    $0.message = message
                }
                logger.info("task skipped", metadata: ["dag.task": "\(task.id)", "dag.reason": "\(message)"])
                return
            case .failed(let message):
                if attemptNumber <= task.retries && !stopping.load(ordering: .acquiring) {
                    let delay = task.delay(beforeAttempt: attemptNumber + 1)
                    update(task.id) {
                        $0.state = .upForRetry
                        $0.message = message
                    }
                    logger.warning("task failed, will retry", metadata: ["dag.task": "\(task.id)", "dag.attempt": "\(attemptNumber)",
                                                                        "dag.error": "\(message)", "dag.retry_in": "\(DurationText.format(delay))"])
                    // Cut short (within 50 ms) by a stop request.
                    await clock.sleep(for: delay) { self.stopping.load(ordering: .acquiring) }
                    if stopping.load(ordering: .acquiring) {
                        update(task.id) {
                            $0.state = .stopped
                            $0.endedAt = Date()
                        }
                        return
                    }
                    attemptNumber += 1
                    continue
                }
                update(task.id) {
                    $0.state = .failed
                    $0.endedAt = Date()
                    $0.message = message
                }
                logger.error("task failed", metadata: ["dag.task": "\(task.id)", "dag.attempt": "\(attemptNumber)", "dag.error": "\(message)"])
                return
            }
        }
    }

    private func state(of id: String) -> TaskState {
        record.withLock { $0.tasks[id]?.state ?? .pending }
    }

    /// Changes a task's record and rewrites the state file, under one lock so that concurrent
    /// tasks never interleave their writes.
    private func update(_ id: String, _ change: (inout RunRecord.TaskRecord) -> Void) {
        record.withLock { record in
            guard var task = record.tasks[id] else { return }
            change(&task)
            record.tasks[id] = task
            do {
                if let scheduler {
                    let base = record
                    try store.updateRun(dag.id, runId, create: {
                        var fresh = base
                        fresh.tasks = fresh.tasks.mapValues { _ in RunRecord.TaskRecord(state: .pending, attempts: 0, logs: []) }
                        fresh.pid = 0
                        return fresh
                    }) { stored in
                        stored.scheduler = scheduler
                        stored.tasks[id] = task
                        Self.settleByTriggerRules(&stored.tasks, dag: dag)
                        stored.state = Self.state(of: stored.tasks.values.map(\.state))
                        stored.endedAt = stored.state == .running ? nil : Date()
                    }
                } else {
                    try store.save(record)
                }
            } catch {
                logger.error("cannot write the run's state file", metadata: ["dag.error": "\(error)"])
            }
        }
    }

    /// A scheduler never starts a task its trigger rule skips (promote after a refused gate) or
    /// one whose upstream failed, so no `dagrun task` records it: the same rules (Airflow's)
    /// decide it here, once its upstream tasks are final, so the state file shows the run whole.
    static func settleByTriggerRules(_ tasks: inout [String: RunRecord.TaskRecord], dag: Dag) {
        var changed = true
        while changed {
            changed = false
            for task in dag.topologicalOrder where tasks[task.id]?.state == .pending {
                let upstream = task.upstream.map { tasks[$0]?.state ?? .pending }
                guard upstream.allSatisfy(\.isFinal) else { continue }
                switch task.triggerRule.decide(upstream) {
                case .run: continue
                case .skip: tasks[task.id]?.state = .skipped
                case .upstreamFailed: tasks[task.id]?.state = .upstreamFailed
                }
                changed = true
            }
        }
    }

    /// A scheduler's run: running until every task is final, then success when none failed.
    static func state(of tasks: [TaskState]) -> RunRecord.State {
        guard tasks.allSatisfy(\.isFinal) else { return .running }
        return tasks.allSatisfy { $0 == .success || $0 == .skipped } ? .success : .failed
    }

    private func save() throws {
        try record.withLock { try store.save($0) }
    }
}
