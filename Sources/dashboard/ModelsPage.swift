import Foundation
import RecoCore

/// The model registry as MLflow users expect to see it: every version with its lineage, data
/// and validation, which one is current, each gate decision's figures side by side (candidate
/// and the version it was compared with), and the promotions and rollbacks.
struct ModelsPage {
    var registryDirectory: String
    var entries: [RegistryEntry]
    var current: String?
    var history: [RegistryEvent]
    /// A problem reading the registry (shown instead of hiding it).
    var problem: String?
    var generatedAt: String
    var refreshSeconds: Int

    func html() -> String {
        var html = PageStyle.head(title: "Models", refreshSeconds: refreshSeconds) + PageStyle.navigation(active: .models)
        html += "<h1>Models</h1>\n<div class=\"meta\">Registry \(HTMLText.escape(registryDirectory)) · generated \(HTMLText.escape(generatedAt)) · reloads every \(refreshSeconds) s</div>\n"
        if let problem { html += "<p class=\"refused\" id=\"registry-problem\">\(HTMLText.escape(problem))</p>\n" }
        html += "<div class=\"tiles\"><div class=\"tile\" id=\"tile-current\"><div class=\"value\">\(HTMLText.escape(current ?? "none"))</div><div class=\"label\">Current version</div></div>"
        html += "<div class=\"tile\"><div class=\"value\">\(entries.count)</div><div class=\"label\">Versions</div></div></div>\n"
        html += versions() + gates() + historyTable()
        return html + "</body>\n</html>\n"
    }

    private func versions() -> String {
        guard !entries.isEmpty else { return "<h2>Versions</h2><p class=\"empty\">No versions (reco train --registry \(HTMLText.escape(registryDirectory)) --promote).</p>\n" }
        var html = "<section id=\"versions\"><h2>Versions</h2>\n<table id=\"table-versions\"><thead><tr><th>version</th><th>created</th><th>parent</th><th>refit of</th><th>cutoff</th>"
        html += "<th>ratings</th><th>watches</th><th>new movies</th><th>ranker</th><th>validation NDCG@10</th><th>gate</th><th>created by</th></tr></thead><tbody>\n"
        for entry in entries.reversed() {
            let metadata = entry.metadata
            let isCurrent = entry.version == current
            html += "<tr id=\"version-\(HTMLText.escape(entry.version))\"><td\(isCurrent ? " class=\"current\"" : "")>\(HTMLText.escape(entry.version))\(isCurrent ? " (current)" : "")</td>"
            html += "<td>\(HTMLText.escape(metadata.createdAt))</td><td>\(HTMLText.escape(metadata.parentVersion ?? ""))</td><td>\(HTMLText.escape(entry.refitOf ?? ""))</td>"
            html += "<td>\(HTMLText.escape(metadata.effectiveCutoff))</td><td class=\"number\">\(Decimals.grouped(metadata.trainingRatings))</td>"
            html += "<td class=\"number\">\(metadata.trainingWatches.map(Decimals.grouped) ?? "")</td><td class=\"number\">\(metadata.newMovies.map(String.init) ?? "")</td>"
            html += "<td>\(HTMLText.escape(metadata.ranker?.parameters.summary ?? "none (SVD order)"))</td>"
            html += "<td class=\"number\">\(metadata.ranker?.validation.map { Decimals.format($0.ndcg, places: 4) } ?? "")</td>"
            html += "<td>\(gateCell(entry.gate))</td><td>\(HTMLText.escape(entry.createdBy))</td></tr>\n"
        }
        return html + "</tbody></table></section>\n"
    }

    private func gateCell(_ gate: GateDecision?) -> String {
        guard let gate else { return "" }
        return gate.passed ? "<span class=\"passed\">passed</span>" : "<span class=\"refused\">refused</span>"
    }

    /// Each decision (candidates, not their refits, which carry a copy) with both models' figures.
    private func gates() -> String {
        let decisions = entries.filter { $0.refitOf == nil }.compactMap(\.gate).reversed()
        guard !decisions.isEmpty else { return "<h2>Gate decisions</h2><p class=\"empty\">No candidate was gated yet (reco models gate).</p>\n" }
        var html = "<section id=\"gates\"><h2>Gate decisions</h2>\n"
        for decision in decisions {
            let candidate = decision.candidateFigures
            let serving = decision.baselineFigures
            html += "<h3 id=\"gate-\(HTMLText.escape(decision.candidate))\">\(HTMLText.escape(decision.candidate)) against \(HTMLText.escape(decision.baseline ?? "nothing")): "
            html += "<span class=\"\(decision.passed ? "passed" : "refused")\">\(decision.passed ? "passed" : "refused")</span></h3>\n"
            html += "<div class=\"meta\">\(decision.window.events) held-out watches of \(decision.window.customers) customers, \(HTMLText.escape(decision.window.from)) to \(HTMLText.escape(decision.window.to)) · decided \(HTMLText.escape(decision.decidedAt)) · tolerance \(Decimals.format(decision.tolerance, places: 4))</div>\n"
            html += "<table class=\"gate\"><thead><tr><th>figure</th><th>candidate</th><th>serving</th><th>difference</th></tr></thead><tbody>\n"
            let rows: [(String, (GateDecision.Figures) -> Double)] = [
                ("NDCG@10", { $0.ranking.ndcg }), ("precision@10", { $0.ranking.precision }), ("recall@10", { $0.ranking.recall }),
                ("hit rate@10 (customers)", { $0.ranking.hitRate }), ("prequential hit@10 (watches)", { $0.prequentialHitRate }),
                ("catalogue coverage", { $0.ranking.coverage }), ("largest share of top-10 slots", { $0.topMovieShare }),
            ]
            for (name, value) in rows {
                let difference = serving.map { value(candidate) - value($0) }
                html += "<tr><td>\(name)</td><td class=\"number\">\(Decimals.format(value(candidate), places: 4))</td>"
                html += "<td class=\"number\">\(serving.map { Decimals.format(value($0), places: 4) } ?? "–")</td>"
                html += "<td class=\"number\">\(difference.map { ($0 >= 0 ? "+" : "") + Decimals.format($0, places: 4) } ?? "")</td></tr>\n"
            }
            html += "</tbody></table><p>\(HTMLText.escape(decision.reasons.joined(separator: "; ")))</p>\n"
        }
        return html + "</section>\n"
    }

    private func historyTable() -> String {
        var html = "<section id=\"history\"><h2>History (history.jsonl)</h2>\n"
        guard !history.isEmpty else { return html + "<p class=\"empty\">Nothing promoted yet.</p></section>\n" }
        html += "<table id=\"table-history\"><thead><tr><th>time</th><th>action</th><th>from</th><th>to</th><th>reason</th></tr></thead><tbody>\n"
        for event in history.reversed() {
            html += "<tr><td>\(HTMLText.escape(event.time))</td><td>\(event.action.rawValue)</td><td>\(HTMLText.escape(event.from ?? ""))</td>"
            html += "<td>\(HTMLText.escape(event.to))</td><td>\(HTMLText.escape(event.reason))</td></tr>\n"
        }
        return html + "</tbody></table></section>\n"
    }
}
