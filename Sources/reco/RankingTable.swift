import RecoCore

/// The ranking comparison as an aligned text table.
struct RankingTable {
    let rows: [RankingComparison.Row]

    var text: String {
        guard let k = rows.first?.metrics.k else { return "no models evaluated" }
        let header = ["model", "P@\(k)", "R@\(k)", "NDCG@\(k)", "MAP@\(k)", "hit@\(k)", "coverage", "top-10 share", "fit s", "customers"]
        var lines = [header]
        for row in rows {
            let m = row.metrics
            lines.append([row.model, f(m.precision), f(m.recall), f(m.ndcg), f(m.map), f(m.hitRate), f(m.coverage), f(m.concentration),
                          Decimals.format(row.fitSeconds, places: 2), String(m.customers)])
        }
        var text = TextTable.render(lines)
        for row in rows where !row.detail.isEmpty { text += "\(row.model): \(row.detail)\n" }
        return text
    }

    private func f(_ value: Double) -> String { Decimals.format(value, places: 4) }
}
