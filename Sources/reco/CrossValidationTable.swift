import RecoCore

/// Surprise's cross_validate table: one column per fold, then mean and standard deviation.
struct CrossValidationTable {
    let result: CrossValidation.Result

    var text: String {
        let folds = result.folds
        var header = pad("", 16)
        for fold in folds { header += pad("Fold \(fold.fold)", 10, right: true) }
        header += pad("Mean", 10, right: true) + pad("Std", 10, right: true)
        func row(_ name: String, _ values: [Double], mean: Double, std: Double?, places: Int) -> String {
            var line = pad(name, 16)
            for value in values { line += pad(Decimals.format(value, places: places), 10, right: true) }
            line += pad(Decimals.format(mean, places: places), 10, right: true)
            line += pad(std.map { Decimals.format($0, places: places) } ?? "", 10, right: true)
            return line
        }
        return [
            header,
            row("RMSE (testset)", folds.map(\.rmse), mean: result.meanRMSE, std: result.standardDeviationRMSE, places: 4),
            row("MAE (testset)", folds.map(\.mae), mean: result.meanMAE, std: result.standardDeviationMAE, places: 4),
            row("Fit time (s)", folds.map(\.fitSeconds), mean: result.meanFitSeconds, std: nil, places: 2),
            row("Test time (s)", folds.map(\.testSeconds), mean: result.meanTestSeconds, std: nil, places: 2),
        ].joined(separator: "\n")
    }

    private func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return right ? padding + text : text + padding
    }
}
