import ArgumentParser
import Foundation
import RecoCore

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "k-fold cross-validation of the model on the prepared data (like Surprise's cross_validate).",
        discussion: "Shuffles the ratings with --seed, cuts them into --folds folds, trains on all but one and tests on it, for each fold in turn. Prints per-fold and mean RMSE, MAE, fit and test time.")

    @OptionGroup var data: DataOptions
    @OptionGroup var training: TrainingOptions

    @Option(help: "Number of folds.")
    var folds = 5

    @Option(help: "Also write the results as JSON to this file.")
    var json: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (2...100).contains(folds) else { throw ValidationError("--folds must be 2...100") }
    }

    func run() throws {
        let logger = global.makeLogger(label: "reco.evaluate")
        let dataset = try data.load()
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
