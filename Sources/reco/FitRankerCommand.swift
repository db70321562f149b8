import ArgumentParser
import Foundation
import RecoCore

/// Fits a ranker on prepared data and prints timings as JSON, so `scripts/bench rank` can set
/// its speed side by side with other libraries' on the same interactions.
struct FitRankerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit-ranker",
        abstract: "Fit one ranker on prepared data and print its timings as JSON (used by scripts/bench).")

    @OptionGroup var data: DataOptions
    @OptionGroup var rankers: RankerOptions

    @Option(help: "Random seed.")
    var seed: UInt64 = 0

    @Option(help: "Threads (default: the number of cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard rankers.kinds.count == 1 else { throw ValidationError("give one --ranker") }
    }

    func run() throws {
        let logger = global.makeLogger(label: "reco.fit-ranker")
        let started = ContinuousClock.now
        let parameters = rankers.parameters(rankers.kinds[0], seed: seed, threads: threads)
        // The data set is dropped once the matrix is built: the fit holds only what it learns from.
        var loaded = started
        let matrix = try { () throws -> InteractionMatrix in
            let dataset = try data.load()
            loaded = ContinuousClock.now
            return InteractionMatrix(dataset, weighting: parameters.weighting)
        }()
        let built = ContinuousClock.now
        let ranker = try TrainedRanker.train(matrix, parameters: parameters) { iteration in
            logger.debug("iteration", metadata: ["fit.iteration": "\(iteration)"])
        }
        let result: [String: Double] = [
            "load_seconds": (loaded - started).seconds, "matrix_seconds": (built - loaded).seconds, "fit_seconds": ranker.seconds,
            "interactions": Double(matrix.count), "customers": Double(matrix.customerCount), "movies": Double(matrix.movieCount),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(result), as: UTF8.self))
        logger.info("fitted", metadata: ["fit.ranker": "\(parameters.summary)", "fit.seconds": "\(Decimals.format(ranker.seconds, places: 3))"])
    }
}
