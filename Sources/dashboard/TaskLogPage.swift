import DagEngine
import Foundation

/// One task of one run: its state, tries and message, and every log it wrote (the command's
/// and each service's, per attempt), the last `maximumBytes` of each.
struct TaskLogPage {
    var run: RunRecord
    var task: String
    var record: RunRecord.TaskRecord
    /// (path, text) of each log in the order the runner listed them.
    var logs: [(path: String, text: String)]

    static let maximumBytes = 256 * 1024

    func html() -> String {
        var html = PageStyle.head(title: "\(task) · \(run.runId)", refreshSeconds: nil) + PageStyle.navigation(active: .dags)
        html += "<h1>\(HTMLText.escape(run.dagId)) · \(HTMLText.escape(task))</h1>\n"
        html += "<div class=\"meta\">run \(HTMLText.escape(run.runId)) (\(run.state.rawValue)) · <i class=\"cell state-\(record.state.rawValue)\"></i> "
        html += "\(record.state.rawValue) · tries \(record.attempts) · \(record.seconds.map { DagRunsPage.duration($0) } ?? "not started")"
        if let exitCode = record.exitCode { html += " · exit status \(exitCode)" }
        html += "</div>\n"
        if let message = record.message { html += "<p>\(HTMLText.escape(message))</p>\n" }
        if logs.isEmpty { html += "<p class=\"empty\">No log (the task did not start).</p>\n" }
        for log in logs {
            html += "<h2>\(HTMLText.escape((log.path as NSString).lastPathComponent))</h2>\n<pre class=\"log\">\(HTMLText.escape(log.text))</pre>\n"
        }
        return html + "<p><a href=\"/dashboard/dags\">back to the grid</a></p>\n</body>\n</html>\n"
    }

    /// The end of a log file (whole lines), or a note that it is missing.
    static func tail(_ path: String) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "(missing: \(path))" }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let start = size > UInt64(maximumBytes) ? size - UInt64(maximumBytes) : 0
        try? handle.seek(toOffset: start)
        var text = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        if start > 0, let newline = text.firstIndex(of: "\n") {
            text = "(the first \(start) bytes are left out)\n" + text[text.index(after: newline)...]
        }
        return text
    }
}
