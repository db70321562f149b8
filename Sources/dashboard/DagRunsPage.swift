import DagEngine
import Foundation

/// Airflow's grid view for the runs `dagrun` recorded: per DAG, one column per run (oldest on
/// the left) and one row per task, each cell coloured by the task's state and titled with its
/// duration and tries; a cell links to the task's logs in that run.
struct DagRunsPage {
    var runs: [RunRecord]
    var runsDirectory: String
    var generatedAt: String
    var refreshSeconds: Int

    static let states: [TaskState] = [.success, .failed, .upstreamFailed, .skipped, .running, .upForRetry, .pending, .stopped]

    func html() -> String {
        var html = PageStyle.head(title: "DAG runs", refreshSeconds: refreshSeconds) + PageStyle.navigation(active: .dags)
        html += "<h1>DAG runs</h1>\n<div class=\"meta\">From \(HTMLText.escape(runsDirectory)) · generated \(HTMLText.escape(generatedAt)) · reloads every \(refreshSeconds) s</div>\n"
        html += "<p class=\"legend\">" + Self.states.map { "<span><i class=\"cell state-\($0.rawValue)\"></i> \($0.rawValue)</span>" }.joined() + "</p>\n"
        let byDag = Dictionary(grouping: runs, by: \.dagId)
        guard !byDag.isEmpty else { return html + "<p class=\"empty\">No runs recorded yet (dagrun run … --runs-dir \(HTMLText.escape(runsDirectory))).</p></body></html>\n" }
        for dagId in byDag.keys.sorted() {
            let dagRuns = (byDag[dagId] ?? []).sorted { $0.startedAt < $1.startedAt }
            html += grid(dagId: dagId, runs: dagRuns)
        }
        return html + "</body>\n</html>\n"
    }

    private func grid(dagId: String, runs: [RunRecord]) -> String {
        // Tasks in the newest run's order; tasks only older runs had come after it.
        var tasks = runs.last?.order ?? []
        for run in runs.reversed() { for task in run.order where !tasks.contains(task) { tasks.append(task) } }
        var html = "<section class=\"dag\" id=\"dag-\(HTMLText.escape(dagId))\"><h2>\(HTMLText.escape(dagId))</h2>\n<table class=\"grid\"><thead><tr><th>task</th>"
        for run in runs {
            html += "<th class=\"run\" title=\"\(HTMLText.escape(run.runId)): \(run.state.rawValue)\">\(HTMLText.escape(run.runId))</th>"
        }
        html += "</tr><tr><th>run</th>"
        for run in runs {
            let state = run.state == .running ? "running" : run.state == .success ? "success" : "failed"
            html += "<td class=\"grid-cell\"><i class=\"cell state-\(state)\" title=\"run \(HTMLText.escape(run.runId)) \(run.state.rawValue)\(run.runnerDied ? " (runner gone)" : "")\"></i></td>"
        }
        html += "</tr></thead><tbody>\n"
        for task in tasks {
            html += "<tr><th>\(HTMLText.escape(task))</th>"
            for run in runs {
                guard let record = run.tasks[task] else {
                    html += "<td class=\"grid-cell\"><i class=\"cell state-none\" title=\"not in this run\"></i></td>"
                    continue
                }
                let duration = record.seconds.map { Self.duration($0) } ?? "not started"
                var title = "\(task) · \(record.state.rawValue) · \(duration) · tries \(record.attempts)"
                if let message = record.message { title += " · " + message }
                let link = "/dashboard/dags/\(Self.pathComponent(run.dagId))/\(Self.pathComponent(run.runId))/\(Self.pathComponent(task))"
                html += "<td class=\"grid-cell\"><a href=\"\(link)\"><i class=\"cell state-\(record.state.rawValue)\" title=\"\(HTMLText.escape(title))\"></i></a></td>"
            }
            html += "</tr>\n"
        }
        html += "</tbody></table>\n"
        // The newest run in words, as Airflow's details panel gives it.
        if let newest = runs.last {
            html += "<h2>Newest run \(HTMLText.escape(newest.runId)): \(newest.state.rawValue)</h2>\n<table><thead><tr><th>task</th><th>state</th><th>tries</th><th>duration</th><th>message</th></tr></thead><tbody>\n"
            for task in newest.order {
                guard let record = newest.tasks[task] else { continue }
                let link = "/dashboard/dags/\(Self.pathComponent(newest.dagId))/\(Self.pathComponent(newest.runId))/\(Self.pathComponent(task))"
                html += "<tr><td><a href=\"\(link)\">\(HTMLText.escape(task))</a></td><td><i class=\"cell state-\(record.state.rawValue)\"></i> \(record.state.rawValue)</td>"
                html += "<td class=\"number\">\(record.attempts)</td><td class=\"number\">\(record.seconds.map { Self.duration($0) } ?? "")</td>"
                html += "<td>\(HTMLText.escape(record.message ?? ""))</td></tr>\n"
            }
            html += "</tbody></table>\n"
        }
        return html + "</section>\n"
    }

    static func duration(_ seconds: Double) -> String {
        seconds < 60 ? String(format: "%.1f s", seconds) : String(format: "%d min %02d s", Int(seconds) / 60, Int(seconds) % 60)
    }

    /// Run and task ids in a link (they are file names: no '/'); escaped for the attribute.
    static func pathComponent(_ text: String) -> String {
        HTMLText.escape(text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? "")
    }
}
