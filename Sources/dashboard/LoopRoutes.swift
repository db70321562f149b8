import DagEngine
import Foundation
import Hummingbird
import RecoCore

/// The learning loop in the browser: `GET /dashboard/dags` (Airflow's grid of the DAG runs
/// `dagrun` recorded), `GET /dashboard/dags/{dag}/{run}/{task}` (that task's logs) and
/// `GET /dashboard/models` (the model registry). They read files only, no database.
struct LoopRoutes: Sendable {
    var registry: ModelRegistry
    var runs: RunStore
    var refreshSeconds = 30
    /// Runs shown per DAG, the newest.
    var runsShown = 25

    func add(to router: Router<BasicRequestContext>) {
        router.get("/dashboard/dags") { _, _ in Self.html(dagRunsPage().html()) }
        router.get("/dashboard/dags/:dag/:run/:task") { _, context in
            try taskPage(dag: context.parameters.get("dag") ?? "", run: context.parameters.get("run") ?? "",
                         task: context.parameters.get("task") ?? "")
        }
        router.get("/dashboard/models") { _, _ in Self.html(modelsPage().html()) }
    }

    func dagRunsPage() -> DagRunsPage {
        var shown: [RunRecord] = []
        for (_, dagRuns) in Dictionary(grouping: runs.runs(), by: \.dagId) { shown += dagRuns.prefix(runsShown) }
        return DagRunsPage(runs: shown, runsDirectory: runs.root, generatedAt: Self.now(), refreshSeconds: refreshSeconds)
    }

    func taskPage(dag: String, run runId: String, task: String) throws -> Response {
        // They name folders: a '..' or a hidden name must not walk out of the runs directory.
        for part in [dag, runId, task] where part.isEmpty || part.hasPrefix(".") || part.contains("/") {
            throw HTTPError(.notFound, message: "no such run or task")
        }
        guard let run = try? runs.load(runs.stateFile(dag, runId)), let record = run.tasks[task] else {
            throw HTTPError(.notFound, message: "no task '\(task)' in run '\(runId)' of '\(dag)'")
        }
        let runDirectory = runs.runDirectory(dag, runId) + "/"
        let logs = record.logs.filter { $0.hasPrefix(runDirectory) && !$0.contains("/../") && FileManager.default.fileExists(atPath: $0) }
            .map { (path: $0, text: TaskLogPage.tail($0)) }
        return Self.html(TaskLogPage(run: run, task: task, record: record, logs: logs).html())
    }

    func modelsPage() -> ModelsPage {
        var page = ModelsPage(registryDirectory: registry.directory, entries: [], current: nil, history: [], problem: nil,
                              generatedAt: Self.now(), refreshSeconds: refreshSeconds)
        guard FileManager.default.fileExists(atPath: registry.directory) else {
            page.problem = "no registry at \(registry.directory) (dashboard --registry DIR)"
            return page
        }
        do {
            page.entries = try registry.entries()
            page.history = try registry.history()
            page.current = try registry.currentVersion()
        } catch {
            page.problem = "\(error)"
        }
        return page
    }

    static func html(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func now() -> String { ISO8601DateFormatter().string(from: Date()) }
}
