import ArgumentParser
import Foundation
import RecoCore

struct TuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Grid search with cross-validation over SVD hyper-parameters (like Surprise's GridSearchCV).",
        discussion: """
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
