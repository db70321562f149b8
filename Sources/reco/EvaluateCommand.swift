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

            --prequential: trains on the ratings before a time cutoff (--training-fraction of them), then replays the rest in time order as watch events: for each event, is its movie in the customer's current top-k (hit rate and NDCG@k), then the event is folded in. Compares fold-in (what reco-api replicas serve with --follow), the frozen model and most popular, for each --ranker.

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

    @Flag(help: "Replay the ratings after a time cutoff as events and measure fold-in against the frozen model and most popular.")
    var prequential = false

    @Option(help: "With --prequential: share of the ratings (by date) before the cutoff, used for training.")
    var trainingFraction = 0.8

    @Flag(help: "With --ranking: leave the SVD out (it is the slowest to fit).")
    var noSvd = false

    @Option(help: "Also write the results as JSON to this file.")
    var json: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (2...100).contains(folds) else { throw ValidationError("--folds must be 2...100") }
        guard trainingFraction > 0, trainingFraction < 1 else { throw ValidationError("--training-fraction must be between 0 and 1") }
        guard !(ranking && prequential) else { throw ValidationError("--ranking and --prequential are different evaluations: choose one") }
    }

    func run() throws {
        let logger = global.makeLogger(label: "reco.evaluate")
        let dataset = try data.load()
        if ranking {
            try runRanking(dataset, logger: logger)
            return
        }
        if prequential {
            try runPrequential(dataset, logger: logger)
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

extension EvaluateCommand {
    func runPrequential(_ dataset: RatingsDataset, logger: Logger) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("reco-prequential-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var results: [PrequentialEvaluation.Result] = []
        for kind in rankers.kinds {
            var evaluation = PrequentialEvaluation(svd: training.parameters, ranker: rankers.parameters(kind, seed: training.seed, threads: training.threads))
            evaluation.trainingFraction = trainingFraction
            evaluation.k = split.k
            let result = try evaluation.run(dataset, modelPath: directory + "/\(kind.rawValue).recomodel") { stage in
                switch stage {
                case .training(let ratings, let day):
                    Console.line("\(kind.title): training on \(Decimals.grouped(ratings)) ratings before day \(day) …")
                case .replaying(let done, let total):
                    if done == total || done % 10_000 == 0 { Console.line("\(kind.title): replayed \(Decimals.grouped(done)) of \(Decimals.grouped(total)) events") }
                }
            }
            results.append(result)
            Console.line("\(kind.title): \(Decimals.grouped(result.events)) events after the cutoff (\(Decimals.grouped(result.newCustomerEvents)) from customers training did not have); k = \(result.k); fold-in + top-\(result.k) \(Decimals.format(result.foldInMicroseconds, places: 1)) µs per event")
            var lines = ["| recommender | hit rate@\(result.k) | NDCG@\(result.k) | vs frozen |", "|---|---:|---:|---:|"]
            let frozen = result.rows[1].hitRate
            for row in result.rows {
                lines.append("| \(row.recommender) | \(Decimals.format(row.hitRate, places: 4)) | \(Decimals.format(row.ndcg, places: 4)) | \(frozen > 0 ? Decimals.format(row.hitRate / frozen, places: 2) + "×" : "–") |")
            }
            print(lines.joined(separator: "\n"))
            if let differing = result.keptScoreListsDiffering {
                Console.line("\(kind.title): kept scores (a following replica's) gave another top-\(result.k) than scoring from scratch for \(Decimals.grouped(differing)) of \(Decimals.grouped(result.events)) events")
            }
            logger.info("prequential", metadata: ["evaluate.ranker": "\(kind.rawValue)", "evaluate.events": "\(result.events)",
                                                  "evaluate.fold_in_hit_rate": "\(Decimals.format(result.rows[0].hitRate, places: 4))",
                                                  "evaluate.frozen_hit_rate": "\(Decimals.format(frozen, places: 4))"])
        }
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try AtomicFile.write(String(decoding: try encoder.encode(results), as: UTF8.self) + "\n", to: json)
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
