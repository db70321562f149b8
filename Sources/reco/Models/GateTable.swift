import RecoCore

/// A gate decision as a table: each figure for the candidate and the serving model.
enum GateTable {
    static func text(_ decision: GateDecision) -> String {
        let candidate = decision.candidateFigures
        let serving = decision.baselineFigures
        func row(_ name: String, _ value: (GateDecision.Figures) -> Double) -> [String] {
            [name, Decimals.format(value(candidate), places: 4), serving.map { Decimals.format(value($0), places: 4) } ?? "-"]
        }
        var rows = [["figure (\(decision.window.events) held-out watches, \(decision.window.customers) customers)",
                     "candidate \(decision.candidate)", "serving \(decision.baseline ?? "none")"]]
        rows.append(row("NDCG@10", \.ranking.ndcg))
        rows.append(row("precision@10", \.ranking.precision))
        rows.append(row("recall@10", \.ranking.recall))
        rows.append(row("hit rate@10 (customers)", \.ranking.hitRate))
        rows.append(row("prequential hit@10 (watches)", \.prequentialHitRate))
        rows.append(row("catalogue coverage", \.ranking.coverage))
        rows.append(row("largest share of top-10 slots", \.topMovieShare))
        return TextTable.render(rows) + "decision: \(decision.passed ? "passed" : "refused") — \(decision.reasons.joined(separator: "; "))"
    }
}
