import DagEngine
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
@testable import dashboard
import RecoCore
import Testing
import TestSupport

/// The learning loop's pages: the DAG runs grid with its task logs, and the model registry
/// with gate figures side by side and the history; served over HTTP and rendered by headless
/// Chromium. They read files only: a registry and a runs folder this test writes.
@Suite(.serialized) struct LoopPagesTests {
    let directory = TemporaryDirectory()

    /// Two versions (the second gated against the first and promoted) and a rollback.
    private func registry() throws -> ModelRegistry {
        let registry = ModelRegistry(directory: directory.path + "/registry")
        try registry.create()
        var table = RatingsTable()
        var random = SplitMix64(seed: 3)
        for customer in UInt32(1)...30 {
            for movie in UInt32(1)...20 where random.nextUnit() < 0.4 {
                table.append(customer: customer, movie: movie, halfStars: UInt8(2 + random.next(below: 9)), day: 0)
            }
        }
        var parameters = TrainingParameters()
        parameters.factors = 4
        parameters.epochs = 2
        let job = TrainingJob(dataset: RatingsDataset(table, scale: .netflix), parameters: parameters)
        let outcome = try job.run()
        for (version, parent) in [("v1", nil), ("v2", "v1")] as [(String, String?)] {
            let metadata = try job.write(outcome, to: registry.modelPath(version), version: version) { $0.parentVersion = parent }
            try registry.register(RegistryEntry(metadata: metadata, createdBy: "test <script>", addedAt: "2026-12-07T10:00:00Z"))
        }
        try registry.promote("v1", reason: "first")
        func figures(_ ndcg: Double) -> GateDecision.Figures {
            .init(ranking: RankingMetrics(k: 10, precision: 0.05, recall: 0.2, ndcg: ndcg, map: 0.1, hitRate: 0.3, coverage: 0.4, concentration: 0.1, customers: 30),
                  prequentialHitRate: 0.25, topMovieShare: 0.04)
        }
        try registry.record(GateDecision(candidate: "v2", baseline: "v1", window: .init(events: 120, customers: 30, from: "2026-12-07T09:00:00Z", to: "2026-12-07T10:00:00Z"),
                                         candidateFigures: figures(0.1234), baselineFigures: figures(0.1111), tolerance: 0.005, passed: true,
                                         reasons: ["NDCG@10 0.1234 vs 0.1111 serving (+0.0123, tolerance 0.0050)"], decidedAt: "2026-12-07T10:01:00Z"))
        try registry.promote("v2", reason: "passed the gate")
        try registry.rollback(reason: "operator: rollback drill")
        return registry
    }

    /// Two runs of daily_dag as dagrun writes them: one promoted, one whose gate refused.
    private func runs() throws -> RunStore {
        let store = RunStore(root: directory.path + "/runs")
        let tasks = ["run_start", "run_all", "export_watches", "train_candidate", "gate", "promote", "run_end"]
        for (index, runId) in ["2026-12-06T02-00-00Z-aaaa", "2026-12-07T02-00-00Z-bbbb"].enumerated() {
            let runDirectory = store.runDirectory("daily_dag", runId)
            var records: [String] = []
            for task in tasks {
                let refused = index == 1 && (task == "gate" || task == "promote")
                let log = "\(runDirectory)/\(task)/attempt=1.log"
                try FileManager.default.createDirectory(atPath: (log as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try "line of \(task) in run \(index)\n<b>not bold</b>\n".write(toFile: log, atomically: true, encoding: .utf8)
                let state = refused ? "skipped" : "success"
                let message = task == "gate" && refused ? "\"message\": \"skipped (exit status 99): gate: refused v3\"," : ""
                records.append("""
                    "\(task)": {"state": "\(state)", "attempts": \(task == "export_watches" ? 2 : 1), \(message)
                      "started_at": "2026-12-0\(6 + index)T02:00:00.000Z", "ended_at": "2026-12-0\(6 + index)T02:01:05.500Z",
                      "logs": ["\(log)", "\(runDirectory)/../../../../etc/passwd"]}
                    """)
            }
            let state = """
                {"dag_id": "daily_dag", "run_id": "\(runId)", "file": "dags/daily_dag.yaml", "state": "success", "pid": 1,
                 "started_at": "2026-12-0\(6 + index)T02:00:00.000Z", "ended_at": "2026-12-0\(6 + index)T02:10:00.000Z",
                 "order": [\(tasks.map { "\"\($0)\"" }.joined(separator: ", "))], "tasks": {\(records.joined(separator: ",\n"))}}
                """
            try state.write(toFile: store.stateFile("daily_dag", runId), atomically: true, encoding: .utf8)
        }
        return store
    }

    private func application() throws -> some ApplicationProtocol {
        let router = Router()
        LoopRoutes(registry: try registry(), runs: try runs()).add(to: router)
        var logger = Logger(label: "loop-pages-test")
        logger.logLevel = .error
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
    }

    @Test func theGridShowsRunsByTasksAndEachCellOpensItsLogs() async throws {
        try await application().test(.router) { client in
            let grid = try await client.execute(uri: "/dashboard/dags", method: .get) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "text/html; charset=utf-8")
                return String(buffer: response.body)
            }
            // 7 tasks × 2 runs: 12 green cells and 2 green runs; the refused run's gate and promote skipped.
            #expect(grid.components(separatedBy: "<i class=\"cell state-success\" title=").count - 1 == 12 + 2, "\(grid)")
            #expect(grid.components(separatedBy: "<i class=\"cell state-skipped\" title=").count - 1 == 2)
            #expect(grid.contains("title=\"gate · skipped · 1 min 05 s · tries 1 · skipped (exit status 99): gate: refused v3\""))
            #expect(grid.contains("title=\"export_watches · success · 1 min 05 s · tries 2\""))
            #expect(grid.contains("href=\"/dashboard/dags/daily_dag/2026-12-07T02-00-00Z-bbbb/gate\""))
            #expect(grid.range(of: "2026-12-06T02-00-00Z-aaaa")!.lowerBound < grid.range(of: "2026-12-07T02-00-00Z-bbbb")!.lowerBound, "oldest run first")
            #expect(!grid.contains("<script"))

            let log = try await client.execute(uri: "/dashboard/dags/daily_dag/2026-12-07T02-00-00Z-bbbb/gate", method: .get) { String(buffer: $0.body) }
            #expect(log.contains("line of gate in run 1") && log.contains("&lt;b&gt;not bold&lt;/b&gt;"))
            #expect(log.contains("skipped (exit status 99): gate: refused v3") && log.contains("tries 1"))
            #expect(!log.contains("root:"), "a log path outside the run is not read")
            for bad in ["/dashboard/dags/daily_dag/..%2F..%2Fetc/gate", "/dashboard/dags/daily_dag/2026-12-07T02-00-00Z-bbbb/nothing",
                        "/dashboard/dags/other/2026-12-07T02-00-00Z-bbbb/gate", "/dashboard/dags/daily_dag/../gate"] {
                try await client.execute(uri: bad, method: .get) { #expect($0.status == .notFound, "\(bad)") }
            }
        }
    }

    @Test func theModelsPageShowsVersionsGateFiguresAndHistory() async throws {
        try await application().test(.router) { client in
            let page = try await client.execute(uri: "/dashboard/models", method: .get) { String(buffer: $0.body) }
            #expect(page.contains("<td class=\"current\">v1 (current)</td>"), "rolled back to v1")
            #expect(page.contains("id=\"version-v2\"") && page.contains("test &lt;script&gt;") && !page.contains("<script"))
            // The gate's figures side by side with the difference.
            #expect(page.contains("v2 against v1: <span class=\"passed\">passed</span>"))
            #expect(page.contains("<tr><td>NDCG@10</td><td class=\"number\">0.1234</td><td class=\"number\">0.1111</td><td class=\"number\">+0.0123</td></tr>"))
            #expect(page.contains("120 held-out watches of 30 customers"))
            // History newest first: rollback, promote, gate, promote.
            let rows = page.components(separatedBy: "<table id=\"table-history\">")[1]
            let actions = ["rollback", "promote", "gate", "promote"].map { rows.range(of: "<td>\($0)</td>", range: nil) }
            #expect(actions.allSatisfy { $0 != nil })
            #expect(rows.contains("operator: rollback drill"))
        }
    }

    @Test func aMissingRegistryIsSaidNotHidden() async throws {
        let routes = LoopRoutes(registry: ModelRegistry(directory: directory.path + "/none"), runs: RunStore(root: directory.path + "/no-runs"))
        let page = routes.modelsPage().html()
        #expect(page.contains("no registry at \(directory.path)/none"))
        #expect(routes.dagRunsPage().html().contains("No runs recorded yet"))
    }

    @Test(.enabled(if: DashboardTests.chromium != nil || ProcessInfo.processInfo.environment["RECO_REQUIRE_BROWSER"] != nil))
    func chromiumRendersBothPages() async throws {
        try await application().test(.live) { client in
            let base = "http://127.0.0.1:\(try #require(client.port))"
            let grid = try await Chromium.run(["--dump-dom", base + "/dashboard/dags"])
            #expect(grid.status == 0)
            #expect(grid.output.contains("class=\"cell state-skipped\"") && grid.output.contains("<h2>daily_dag</h2>"))
            let models = try await Chromium.run(["--dump-dom", base + "/dashboard/models"])
            #expect(models.output.contains("Gate decisions") && models.output.contains("v1 (current)"))
            for page in ["dags", "models"] {
                let screenshot = (ProcessInfo.processInfo.environment["RECO_SCREENSHOTS"] ?? NSTemporaryDirectory()) + "/reco-\(page)-\(UUID().uuidString.prefix(4)).png"
                let shot = try await Chromium.run(["--window-size=1280,1100", "--screenshot=\(screenshot)", base + "/dashboard/\(page)"])
                #expect(shot.status == 0)
                let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
                #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 10_000)
            }
        }
    }
}
