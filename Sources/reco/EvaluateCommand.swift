import ArgumentParser
import Foundation
import Logging
import RecoCore

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate on the prepared data: top-N ranking quality (--ranking) or k-fold RMSE (like Surprise's cross_validate).",
        discussion: """
            --ranking: one split (--holdout FILE, --holdout-fraction F, or --time-split; default a random 20%), then most popular, the SVD's predicted-rating order and each ranker are trained on the training part and ranked for every evaluated customer. Protocol: relevant = held-out ratings with ≥ --relevant-threshold stars of movies training knows; evaluated customers have ≥ 1 relevant item and ≥ 1 training rating; candidates = movies in training minus the customer's training movies; ties go to the smaller movie id. Reports precision, recall, NDCG, MAP and hit rate at --k, catalogue coverage and concentration (share of slots held by the 10 most recommended movies), with fit seconds.

            Without --ranking: shuffles the ratings with --seed, cuts them into --folds folds, trains on all but one and tests on it, for each fold in turn. Prints per-fold and mean RMSE, MAE, fit and test time.
            """)

    @OptionGroup var data: DataOptions
    @OptionGroup var training: TrainingOptions

    @Option(help: "Number of folds.")
    var folds = 5

    @Flag(help: "Evaluate top-N ranking quality instead of rating accuracy.")
    var ranking = false

    @OptionGroup var split: RankingSplitOptions
    @OptionGroup var rankers: RankerOptions

    @Flag(help: "With --ranking: leave the SVD out (it is the slowest to fit).")
    var noSvd = false

    @Option(help: "Also write the results as JSON to this file.")
    var json: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (2...100).contains(folds) else { throw ValidationError("--folds must be 2...100") }
    }

    func run() throws {
        let logger = global.makeLogger(label: "reco.evaluate")
        let dataset = try data.load()
        if ranking {
            try runRanking(dataset, logger: logger)
            return
        }
        let validation = CrossValidation(folds: folds, seed: training.seed)
        logger.info("cross-validating", metadata: ["evaluate.ratings": "\(dataset.count)", "evaluate.folds": "\(folds)"])
        Console.line("Evaluating RMSE, MAE of biased MF (SVD) on \(folds) split(s).")
        let result = try validation.run(dataset, parameters: training.parameters) { fold in
            Console.line("fold \(fold.fold): RMSE \(Decimals.format(fold.rmse, places: 4))  MAE \(Decimals.format(fold.mae, places: 4))  fit \(Decimals.format(fold.fitSeconds, places: 2)) s  test \(Decimals.format(fold.testSeconds, places: 2)) s")
        }
        print(CrossValidationTable(result: result).text)
        if let json {
            try AtomicFile.write(String(decoding: try JSONEncoder().encode(result), as: UTF8.self) + "\n", to: json)
        }
        logger.info("cross-validated", metadata: ["evaluate.mean_rmse": "\(Decimals.format(result.meanRMSE, places: 5))",
                                                  "evaluate.mean_mae": "\(Decimals.format(result.meanMAE, places: 5))"])
    }
}

extension EvaluateCommand {
    func runRanking(_ dataset: RatingsDataset, logger: Logger) throws {
        let parts = try split.apply(to: dataset, seed: training.seed)
        var comparison = RankingComparison()
        comparison.k = split.k
        comparison.relevantThreshold = split.relevantThreshold
        comparison.threads = training.threads
        comparison.svd = noSvd ? nil : training.parameters
        comparison.rankers = rankers.kinds.map { rankers.parameters($0, seed: training.seed, threads: training.threads) }
        logger.info("ranking evaluation", metadata: ["evaluate.split": "\(parts.summary)", "evaluate.training": "\(parts.training.count)",
                                                     "evaluate.test": "\(parts.test.count)"])
        Console.line("split: \(parts.summary); \(Decimals.grouped(parts.training.count)) training, \(Decimals.grouped(parts.test.count)) held-out ratings; relevant ≥ \(Decimals.trimmed(split.relevantThreshold))★, k = \(split.k)")
        let rows = try comparison.run(dataset, training: parts.training, test: parts.test) { stage in
            switch stage {
            case .fitting(let name): Console.line("fitting \(name) …")
            case .evaluated(let row):
                logger.info("evaluated", metadata: ["evaluate.model": "\(row.model)", "evaluate.ndcg": "\(Decimals.format(row.metrics.ndcg, places: 4))",
                                                    "evaluate.fit_seconds": "\(Decimals.format(row.fitSeconds, places: 2))"])
            }
        }
        print(RankingTable(rows: rows).text)
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let report = RankingReport(split: parts.summary, trainingRatings: parts.training.count, heldOutRatings: parts.test.count,
                                       k: split.k, relevantThreshold: split.relevantThreshold, rows: rows)
            try AtomicFile.write(String(decoding: try encoder.encode(report), as: UTF8.self) + "\n", to: json)
        }
    }
}

/// What `evaluate --ranking --json` writes.
struct RankingReport: Codable {
    var split: String
    var trainingRatings: Int
    var heldOutRatings: Int
    var k: Int
    var relevantThreshold: Float
    var rows: [RankingComparison.Row]

    enum CodingKeys: String, CodingKey {
        case split, k, rows
        case trainingRatings = "training_ratings"
        case heldOutRatings = "held_out_ratings"
        case relevantThreshold = "relevant_threshold"
    }
}
