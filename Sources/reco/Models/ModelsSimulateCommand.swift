import ArgumentParser
import Foundation
import RecoCore

/// `reco models simulate`: the learning loop over a synthetic world's days, offline.
struct ModelsSimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run the learning loop day by day over a world made by 'reco synth --days' and compare it with a frozen and a fold-in-only model.",
        discussion: """
            Day 0: a model of the prepared ratings alone becomes current in a fresh registry (--registry, by default <world>/loop-registry, emptied first). Each day's watches are then replayed in time order against (a) the day-0 model frozen, (b) the day-0 model with every watch since day 0 folded in, (c) the model the loop made current, with what it did not learn folded in. After the day the loop trains a candidate from the ratings, everything its ancestors learned and the watches since current's cutoff (the newest --gate-window held out), gates it against current exactly as 'reco models gate' does, and promotes the refit when it passes.

            Printed per day: prequential hit@10 of (a), (b), (c), (c)/(b), the share of the day's watches that go to movies newer than day 0, the share of (c)'s top-10 slots that hold them ((a) and (b) can give them none), the gate's verdict and the loop's seconds. --output writes the same as JSON.
            """)

    @Option(help: "The folder 'reco synth --days' wrote (holding world/day-N).")
    var world: String

    @OptionGroup var data: DataOptions
    @OptionGroup var training: TrainingOptions
    @OptionGroup var rankers: RankerOptions
    @OptionGroup var recency: RecencyOptions

    @Option(help: "Days to run (default: all the world has).")
    var days: Int?

    @Option(help: "The newest share of each day's watches held out for the gate.")
    var gateWindow = 0.2

    @Option(help: "The registry the loop writes: a new or empty folder (default <world>/loop-registry, emptied first).")
    var registry: String?

    @Option(help: "Write the days as JSON here.")
    var output: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (0..<1).contains(gateWindow) else { throw ValidationError("--gate-window must be at least 0 and below 1") }
        if let days, days < 1 { throw ValidationError("--days must be 1 or more") }
    }

    func run() throws {
        let worldDirectory = world + "/world"
        guard let summaryBytes = FileManager.default.contents(atPath: worldDirectory + "/world.json") else {
            throw ValidationError("\(worldDirectory)/world.json is missing: make the world with 'reco synth --days N --output \(world)'")
        }
        let summary = try JSONDecoder().decode(SyntheticWorld.Summary.self, from: summaryBytes)
        let dayCount = min(days ?? summary.days, summary.days)
        let registryPath = registry ?? world + "/loop-registry"
        if let registry, !((try? FileManager.default.contentsOfDirectory(atPath: registry)) ?? []).isEmpty {
            // Never empty a folder it was handed: it may be the registry that serves.
            throw ValidationError("--registry \(registry) is not empty: the simulation writes a registry of its own, give a new folder")
        }
        try? FileManager.default.removeItem(atPath: registryPath)
        let ratings = try data.load()
        let baseMovies = Set(ratings.movieIds)
        let dataDirectory = (data.ratingsPath as NSString).deletingLastPathComponent
        var recipe = TrainingRecipe(dataDirectory: dataDirectory.isEmpty ? "." : dataDirectory, watchFiles: [], catalogue: nil,
                                    parameters: training.parameters,
                                    rankers: rankers.kinds.map { rankers.parameters($0, seed: training.seed, threads: training.threads) },
                                    validationSplit: "random", gateWindow: gateWindow, positions: nil)
        recipe.recencyCandidates = recency.candidates
        let simulation = LoopSimulation(registry: ModelRegistry(directory: registryPath), recipe: recipe, world: worldDirectory, baseMovies: baseMovies)
        let results = try simulation.run(days: dayCount) { Console.line($0) }
        print(Self.table(results))
        if let oracle = summary.oracle, !oracle.isEmpty {
            print("")
            print("The world's ceiling (WorldOracle: lists ranked by the odds the world itself watches with, knowing the hidden tastes):")
            print(Self.ceilingTable(results, oracle: oracle))
        }
        if let output {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try AtomicFile.write(String(decoding: try encoder.encode(results), as: UTF8.self) + "\n", to: output)
        }
    }

    static func table(_ days: [LoopSimulation.Day]) -> String {
        var rows = [["day", "watches", "to new movies", "(a) frozen", "(b) fold-in", "(c) loop", "(c)/(b)", "(c) new-movie slots", "serving", "gate after the day", "recency chosen", "loop s"]]
        for day in days {
            rows.append([String(day.day), Decimals.grouped(day.watches), percent(day.newMovieWatchShare),
                         Decimals.format(day.frozen, places: 4), Decimals.format(day.foldIn, places: 4), Decimals.format(day.retrained, places: 4),
                         day.foldIn > 0 ? Decimals.format(day.retrained / day.foldIn, places: 2) + "×" : "-",
                         percent(day.retrainedNewMovieSlotShare), day.servingVersion, String(day.gate.prefix(60)), day.recency, Decimals.format(day.loopSeconds, places: 1)])
        }
        return TextTable.render(rows)
    }

    /// Per day, the oracle's hit@10 knowing each catalogue, and the ceiling of (c)/(b) that
    /// learning the new movies allows: the oracle with the movies before the day over the oracle
    /// with day 0's.
    static func ceilingTable(_ days: [LoopSimulation.Day], oracle: [SyntheticWorld.OracleDay]) -> String {
        var rows = [["day", "day-0 tastes & movies", "day-0 movies", "movies before the day", "all movies", "ceiling (before the day / day-0 movies)", "(c)/(b) measured"]]
        for day in days where day.day - 1 < oracle.count {
            let ceiling = oracle[day.day - 1]
            rows.append([String(day.day), Decimals.format(ceiling.dayZeroTastesDayZeroMovies, places: 4), Decimals.format(ceiling.dayZeroMovies, places: 4),
                         Decimals.format(ceiling.moviesBeforeTheDay, places: 4), Decimals.format(ceiling.allMovies, places: 4),
                         ceiling.dayZeroMovies > 0 ? Decimals.format(ceiling.moviesBeforeTheDay / ceiling.dayZeroMovies, places: 2) + "×" : "-",
                         day.foldIn > 0 ? Decimals.format(day.retrained / day.foldIn, places: 2) + "×" : "-"])
        }
        return TextTable.render(rows)
    }

    private static func percent(_ value: Double) -> String { Decimals.format(value * 100, places: 1) + "%" }
}
