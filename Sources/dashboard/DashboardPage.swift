import RecoStore

/// The dashboard as one self-contained HTML page: inline CSS and SVG, no script, no external
/// asset; it reloads itself every `refreshSeconds`.
struct DashboardPage {
    var generatedAt: String
    var topic: String?
    var minutes: Int
    var refreshSeconds: Int
    var totals: [String: String]
    var perMinute: ReportTable
    var mostRecommended: ReportTable
    var latest: ReportTable
    var deadLettersByReason: ReportTable
    var deadLetters: ReportTable
    var streamGaps: ReportTable

    func html() -> String {
        let points = perMinute.rows.map { row in
            (minute: perMinute.value(row, "minute") ?? "", value: Int(perMinute.value(row, "events") ?? "") ?? 0)
        }
        let recommendationPoints = perMinute.rows.map { row in
            (minute: perMinute.value(row, "minute") ?? "", value: Int(perMinute.value(row, "recommendations") ?? "") ?? 0)
        }
        let scope = topic.map { "topic \(HTMLText.escape($0))" } ?? "all topics"
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="refresh" content="\(refreshSeconds)">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Reco pipeline dashboard</title>
            <style>
            \(PageStyle.css)
            </style>
            </head>
            <body>
            \(PageStyle.navigation(active: .recommendations))
            <h1>Reco pipeline dashboard</h1>
            <div class="meta">From PostgreSQL, \(scope), last \(minutes) minutes · generated \(HTMLText.escape(generatedAt)) · reloads every \(refreshSeconds) s</div>
            <div class="tiles">
            \(tile("events", "Events (\(minutes) min)"))
            \(tile("recommendations", "Recommendations (\(minutes) min)"))
            \(tile("customers", "Customers (\(minutes) min)"))
            \(tile("dead_letters", "Dead letters (all time)", alert: (Int(totals["dead_letters"] ?? "0") ?? 0) > 0))
            \(tile("lost_events", "Lost in gaps (all time)", alert: (Int(totals["lost_events"] ?? "0") ?? 0) > 0))
            \(tile("last_write", "Last write"))
            </div>
            <section id="per-minute">
            \(MinuteChart(title: "Events per minute", color: "#2f6fde", points: points).svg())
            \(MinuteChart(title: "Recommendations per minute", color: "#1a7f37", points: recommendationPoints).svg())
            \(exports(perMinute))
            </section>
            <section id="most-recommended"><h2>Most recommended movies (last \(minutes) min)</h2>\(table(mostRecommended))</section>
            <section id="latest"><h2>Latest recommendations</h2>\(table(latest))</section>
            <section id="dead-letters"><h2>Dead letters</h2>\(table(deadLettersByReason))<p></p>\(table(deadLetters))</section>
            <section id="stream-gaps"><h2>Gaps in the stream</h2><p class="meta">Offsets the topic no longer held when a service got to them (retention, an offset reset): lost, and recorded here instead of in silence; <code>reco audit</code> accounts for every offset.</p>\(table(streamGaps))</section>
            <p class="exports">Whole table: <a href="/dashboard/exports/recommendations.csv">recommendations.csv</a><a href="/dashboard/exports/recommendations.json">recommendations.json</a> (latest 10,000 rows; ?limit= up to 100,000)</p>
            </body>
            </html>

            """
    }

    private func tile(_ key: String, _ label: String, alert: Bool = false) -> String {
        let value = totals[key].flatMap { $0.isEmpty ? nil : $0 } ?? "–"
        return "<div class=\"tile\(alert ? " alert" : "")\" id=\"tile-\(key)\"><div class=\"value\">\(HTMLText.escape(value))</div>"
            + "<div class=\"label\">\(HTMLText.escape(label))</div></div>"
    }

    private func exports(_ table: ReportTable) -> String {
        "<p class=\"exports\">Export: <a href=\"/dashboard/exports/\(table.name).csv\">\(table.name).csv</a><a href=\"/dashboard/exports/\(table.name).json\">\(table.name).json</a></p>"
    }

    private func table(_ table: ReportTable) -> String {
        guard !table.rows.isEmpty else {
            return "<p class=\"empty\">No rows.</p>" + exports(table)
        }
        var html = "<table id=\"table-\(table.name)\"><thead><tr>"
        for column in table.columns { html += "<th>\(HTMLText.escape(column))</th>" }
        html += "</tr></thead><tbody>\n"
        for row in table.rows {
            html += "<tr>"
            for (index, column) in table.columns.enumerated() {
                let value = index < row.count ? row[index] ?? "" : ""
                html += table.numericColumns.contains(column) ? "<td class=\"number\">" : "<td>"
                html += HTMLText.escape(value) + "</td>"
            }
            html += "</tr>\n"
        }
        return html + "</tbody></table>" + exports(table)
    }
}
