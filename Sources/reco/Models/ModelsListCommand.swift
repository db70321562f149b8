import ArgumentParser
import CommandOptions
import RecoCore

struct ModelsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Every version, oldest first: current, parent, cutoff, gate.")

    @OptionGroup var registry: RegistryOptions

    func run() throws {
        let registry = registry.registry
        let current = try registry.currentVersion()
        let entries = try registry.entries()
        guard !entries.isEmpty else {
            print("no versions in \(registry.directory)")
            return
        }
        var rows = [["", "version", "parent", "cutoff", "ratings", "watches", "new movies", "gate", "NDCG@10"]]
        for entry in entries {
            let metadata = entry.metadata
            let gate = entry.gate.map { $0.passed ? "passed" : "refused" } ?? (entry.refitOf.map { "refit of \($0)" } ?? "-")
            rows.append([entry.version == current ? "*" : "", entry.version, metadata.parentVersion ?? "-", metadata.effectiveCutoff,
                         Decimals.grouped(metadata.trainingRatings), metadata.trainingWatches.map(Decimals.grouped) ?? "-",
                         metadata.newMovies.map(String.init) ?? "-", gate,
                         entry.gate.map { Decimals.format($0.candidateFigures.ranking.ndcg, places: 4) } ?? "-"])
        }
        print(TextTable.render(rows))
        print(current.map { "current: \($0)" } ?? "current: none (promote a version)")
    }
}
