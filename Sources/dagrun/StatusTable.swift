import DagEngine
import Foundation

/// A run and its tasks as a plain-text table.
enum StatusTable {
    static func render(_ run: RunRecord) -> String {
        let formatter = ISO8601DateFormatter()
        let seconds = (run.endedAt ?? Date()).timeIntervalSince(run.startedAt)
        let state = run.runnerDied ? "failed (runner pid \(run.pid) is gone)" : run.state.rawValue
        var lines = ["\(run.dagId)  run \(run.runId)  \(state)  started \(formatter.string(from: run.startedAt))  \(format(seconds))"]
        let rows = run.order.map { id -> [String] in
            let task = run.tasks[id]
            return [id, task?.state.rawValue ?? "-", task.map { String($0.attempts) } ?? "-", task?.seconds.map(format) ?? "-", task?.message ?? ""]
        }
        let header = ["task", "state", "tries", "duration", "message"]
        let widths = (0..<4).map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        for row in [header] + rows {
            let cells = (0..<4).map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
            let line = "  " + cells.joined(separator: "  ") + "  " + row[4]
            lines.append(String(line.reversed().drop { $0 == " " }.reversed()))
        }
        for id in run.order {
            if let ready = run.tasks[id]?.servicesReadyAt {
                lines.append("  \(id): all services ready \(format(ready.timeIntervalSince(run.startedAt))) after the run started")
            }
        }
        return lines.joined(separator: "\n")
    }

    static func format(_ seconds: Double) -> String {
        seconds < 60 ? String(format: "%.1f s", seconds) : "\(Int(seconds) / 60) min \(Int(seconds) % 60) s"
    }
}
