/// The style every dashboard page shares (inline: the pages load nothing from elsewhere) and
/// the navigation between them.
enum PageStyle {
    enum Page: String, CaseIterable {
        case recommendations, dags, models

        var title: String {
            switch self {
            case .recommendations: "Recommendations"
            case .dags: "DAG runs"
            case .models: "Models"
            }
        }

        var path: String {
            switch self {
            case .recommendations: "/dashboard"
            case .dags: "/dashboard/dags"
            case .models: "/dashboard/models"
            }
        }
    }

    static let css = """
        body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 24px; color: #1d2733; background: #f6f8fa; }
        h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; }
        .meta { color: #5b6776; font-size: 13px; }
        .tiles { display: flex; gap: 12px; flex-wrap: wrap; margin: 16px 0; }
        .tile { background: #fff; border: 1px solid #d8dee4; border-radius: 8px; padding: 10px 16px; min-width: 140px; }
        .tile .value { font-size: 24px; font-weight: 600; } .tile .label { font-size: 12px; color: #5b6776; }
        .tile.alert .value { color: #b42318; }
        .chart { background: #fff; border: 1px solid #d8dee4; border-radius: 8px; margin: 6px 12px 6px 0; }
        .chart-title { font-size: 13px; font-weight: 600; fill: #1d2733; } .tick { font-size: 11px; fill: #5b6776; }
        .grid { stroke: #eef1f4; } .axis { stroke: #8c959f; }
        table { border-collapse: collapse; background: #fff; font-size: 13px; }
        th, td { border: 1px solid #d8dee4; padding: 4px 8px; text-align: left; vertical-align: top; }
        th { background: #eef1f4; } td.number { text-align: right; font-variant-numeric: tabular-nums; }
        .exports { font-size: 12px; margin: 4px 0 0; } .exports a { margin-right: 8px; }
        .empty { color: #5b6776; font-style: italic; }
        nav { font-size: 13px; margin: 0 0 14px; } nav a { margin-right: 14px; color: #2f6fde; text-decoration: none; } nav a.active { font-weight: 600; color: #1d2733; }
        .cell { display: inline-block; width: 16px; height: 16px; border-radius: 3px; vertical-align: middle; }
        .state-success { background: #1a7f37; } .state-failed { background: #d1242f; } .state-upstream_failed { background: #f0883e; }
        .state-skipped { background: #e85aad; } .state-running { background: #7ee787; } .state-up_for_retry { background: #d4a72c; }
        .state-pending { background: #d8dee4; } .state-stopped { background: #8c959f; } .state-none { background: transparent; border: 1px dashed #d8dee4; }
        td.grid-cell { text-align: center; padding: 3px; } th.run { writing-mode: vertical-rl; transform: rotate(180deg); font-weight: 400; font-size: 11px; }
        .current { font-weight: 600; color: #1a7f37; } .refused { color: #b42318; } .passed { color: #1a7f37; }
        pre.log { background: #0d1117; color: #e6edf3; padding: 10px; border-radius: 6px; font-size: 12px; overflow-x: auto; max-height: 640px; }
        .legend span { margin-right: 12px; font-size: 12px; }
        """

    static func navigation(active: Page) -> String {
        "<nav>" + Page.allCases.map { page in
            "<a href=\"\(page.path)\"\(page == active ? " class=\"active\"" : "")>\(page.title)</a>"
        }.joined() + "</nav>"
    }

    /// The head of a page: title and style; `refreshSeconds` reloads it (no script needed).
    static func head(title: String, refreshSeconds: Int?) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        \(refreshSeconds.map { "<meta http-equiv=\"refresh\" content=\"\($0)\">" } ?? "")
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(HTMLText.escape(title))</title>
        <style>
        \(css)
        </style>
        </head>
        <body>
        """
    }
}
