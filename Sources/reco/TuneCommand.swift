import ArgumentParser
import Foundation
import RecoCore

struct TuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Grid search: SVD hyper-parameters by cross-validated RMSE/MAE (like Surprise's GridSearchCV), or ranker hyper-parameters by a ranking metric (--metric ndcg).",
        discussion: """
            --metric ndcg (or precision, recall, map, hit-rate) tunes the ranker: the prepared ratings are split as 'evaluate --ranking' does (--holdout FILE, --holdout-fraction, --time-split); a validation split is carved from the training part the same way (a random 20% when the test part is a file), every candidate is fitted on the rest of training and measured there, and the best is refitted on all of training and measured once on the test part. The test part never chooses anything. Grids: --ease-lambda-grid, --als-regularization-grid, --als-alpha-grid, --als-factors-grid, --feedback-grid (zero-at-full-at stars, or 'none' for unweighted).

            --metric rmse (default) runs the SVD grid search:

            Each grid option takes a comma-separated list; options left out keep the value of the matching training option. The seed's grid is one command:

              reco tune --n-epochs 5,10 --lr-all-grid 0.002,0.005 --reg-all-grid 0.4,0.6 --n-factors 50,100 --folds 3

            Every candidate is cross-validated on the same folds. The best parameters for RMSE and for MAE are reported; with --output the final model is trained on all the data with the best-RMSE parameters and written there.
            """)

    @OptionGroup var data: DataOptions
    @OptionGroup var training: TrainingOptions

    @Option(help: "Epoch counts to try, e.g. 5,10.")
    var nEpochs: ListOption<Int> = ListOption([])

    @Option(help: "lr_all values to try, e.g. 0.002,0.005.")
    var lrAllGrid: ListOption<Float> = ListOption([])

    @Option(help: "reg_all values to try, e.g. 0.4,0.6.")
    var regAllGrid: ListOption<Float> = ListOption([])

    @Option(help: "Factor counts to try, e.g. 50,100.")
    var nFactors: ListOption<Int> = ListOption([])

    @Option(help: "Number of cross-validation folds.")
    var folds = 5

    @Option(help: "What to maximise: rmse (SVD grid, the default), or a ranking metric for the ranker: ndcg, precision, recall, map, hit-rate.")
    var metric: TuneMetric = .rmse

    @OptionGroup var split: RankingSplitOptions
    @OptionGroup var rankers: RankerOptions

    @Option(help: "EASE λ values to try.")
    var easeLambdaGrid: ListOption<Float> = ListOption([100, 200, 250, 300, 500, 1000])

    @Option(help: "iALS regularisation values to try.")
    var alsRegularizationGrid: ListOption<Float> = ListOption([10, 15, 20, 25, 30])

    @Option(help: "iALS α values to try.")
    var alsAlphaGrid: ListOption<Float> = ListOption([1, 2, 4])

    @Option(help: "iALS factor counts to try (default: --als-factors).")
    var alsFactorsGrid: ListOption<Int> = ListOption([])

    @Option(help: "Feedback weightings to try: zero-at-full-at stars (2-4: weight 0 at 2★, 1 from 4★) or none (every rating 1).")
    var feedbackGrid: ListOption<FeedbackGridValue> = ListOption(["2-4", "2-5", "3-4", "none"].compactMap(FeedbackGridValue.init(argument:)))

    @Flag(help: "With a ranking metric: leave the SVD out of the final test table.")
    var noSvd = false

    @Option(name: [.short, .customLong("output")], help: "Train the final model with the best-RMSE parameters on all data and write it here.")
    var output: String?

    @Option(help: "Also write every candidate's results as JSON to this file.")
    var json: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (2...100).contains(folds) else { throw ValidationError("--folds must be 2...100") }
    }

    func run() throws {
        let logger = global.makeLogger(label: "reco.tune")
        let dataset = try data.load()
        if let rankingMetric = metric.rankingMetric {
            try RankerTuning(command: self, metric: rankingMetric, logger: logger).run(dataset)
            return
        }
        let grid = GridSearch.Grid(epochs: nEpochs.values, learningRates: lrAllGrid.values,
                                   regularizations: regAllGrid.values, factors: nFactors.values)
        let search = GridSearch(grid: grid, base: training.parameters, crossValidation: CrossValidation(folds: folds, seed: training.seed))
        let total = grid.candidates(base: training.parameters).count
        logger.info("grid search", metadata: ["tune.candidates": "\(total)", "tune.folds": "\(folds)", "tune.ratings": "\(dataset.count)"])
        let started = ContinuousClock.now
        let result = try search.run(dataset) { index, count, candidate in
            Console.line("[\(index)/\(count)] \(Self.describe(candidate.parameters))  RMSE \(Decimals.format(candidate.result.meanRMSE, places: 4))  MAE \(Decimals.format(candidate.result.meanMAE, places: 4))  \(Decimals.format((ContinuousClock.now - started).seconds, places: 1)) s")
        }
        guard let bestRMSE = result.bestByRMSE, let bestMAE = result.bestByMAE else { return }
        print("best RMSE \(Decimals.format(bestRMSE.result.meanRMSE, places: 4)) with \(Self.describe(bestRMSE.parameters))")
        print("best MAE  \(Decimals.format(bestMAE.result.meanMAE, places: 4)) with \(Self.describe(bestMAE.parameters))")
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try AtomicFile.write(String(decoding: try encoder.encode(result), as: UTF8.self) + "\n", to: json)
        }
        if let output {
            let job = TrainingJob(dataset: dataset, parameters: bestRMSE.parameters, dataFingerprint: data.preparedFingerprint)
            let outcome = try job.run()
            let metadata = try job.write(outcome, to: output)
            print("final model \(metadata.version) (best-RMSE parameters, all \(Decimals.grouped(dataset.count)) ratings) written to \(output)")
        }
        logger.info("grid search done", metadata: ["tune.seconds": "\(Decimals.format((ContinuousClock.now - started).seconds, places: 1))"])
    }

    static func describe(_ parameters: TrainingParameters) -> String {
        "n_epochs=\(parameters.epochs) lr_all=\(parameters.learningRateFactors) reg_all=\(parameters.regularizationFactors) n_factors=\(parameters.factors)"
    }
}

/// A comma-separated option value such as `5,10`.
struct ListOption<Element: LosslessStringConvertible & Sendable>: ExpressibleByArgument, Sendable {
    var values: [Element]

    init(_ values: [Element]) {
        self.values = values
    }

    init?(argument: String) {
        var values: [Element] = []
        for part in argument.split(separator: ",") {
            guard let value = Element(String(part).trimmingCharacters(in: .whitespaces)) else { return nil }
            values.append(value)
        }
        guard !values.isEmpty else { return nil }
        self.values = values
    }

    var defaultValueDescription: String { values.isEmpty ? "the training option's value" : values.map(String.init(describing:)).joined(separator: ",") }
}

/// What `reco tune` maximises.
enum TuneMetric: String, ExpressibleByArgument, CaseIterable {
    case rmse, ndcg, precision, recall, map
    case hitRate = "hit-rate"

    var rankingMetric: RankingMetric? { self == .rmse ? nil : RankingMetric(rawValue: rawValue) }
}

/// One feedback weighting of `--feedback-grid`: `2-4` or `none`.
struct FeedbackGridValue: LosslessStringConvertible, Sendable {
    var weighting: FeedbackWeighting

    init?(_ description: String) { self.init(argument: description) }

    init?(argument: String) {
        if argument == "none" {
            weighting = .unweighted
            return
        }
        let parts = argument.split(separator: "-")
        guard parts.count == 2, let zero = Float(parts[0]), let full = Float(parts[1]), zero < full else { return nil }
        weighting = FeedbackWeighting(zeroAt: zero, fullAt: full)
    }

    var description: String {
        weighting == .unweighted ? "none" : "\(Decimals.trimmed(weighting.zeroAt))-\(Decimals.trimmed(weighting.fullAt))"
    }
}
