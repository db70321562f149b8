/// k-fold cross-validation like Surprise's `cross_validate`: per-fold RMSE, MAE, fit and test time.
public struct CrossValidation: Sendable {
    public let folds: Int
    public let seed: UInt64

    public init(folds: Int = 5, seed: UInt64 = 0) {
        self.folds = folds
        self.seed = seed
    }

    public struct Fold: Sendable, Codable, Equatable {
        public var fold: Int
        public var rmse: Double
        public var mae: Double
        public var fitSeconds: Double
        public var testSeconds: Double
    }

    public struct Result: Sendable, Codable, Equatable {
        public var folds: [Fold]
        public var meanRMSE: Double { Self.mean(folds.map(\.rmse)) }
        public var meanMAE: Double { Self.mean(folds.map(\.mae)) }
        public var standardDeviationRMSE: Double { Self.standardDeviation(folds.map(\.rmse)) }
        public var standardDeviationMAE: Double { Self.standardDeviation(folds.map(\.mae)) }
        public var meanFitSeconds: Double { Self.mean(folds.map(\.fitSeconds)) }
        public var meanTestSeconds: Double { Self.mean(folds.map(\.testSeconds)) }

        static func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }

        /// Population standard deviation, as numpy's `std` that Surprise reports.
        static func standardDeviation(_ values: [Double]) -> Double {
            let average = mean(values)
            return mean(values.map { ($0 - average) * ($0 - average) }).squareRoot()
        }
    }

    public func validate() throws(TrainingError) {
        guard (2...100).contains(folds) else { throw .invalidParameter("folds must be 2...100, got \(folds)") }
    }

    /// The folds of `dataset`'s rows, shared by every candidate of a grid search.
    public func split(_ dataset: RatingsDataset) -> [[Int]] {
        DataSplit.folds(count: dataset.count, folds: folds, seed: seed)
    }

    public func run(_ dataset: RatingsDataset, parameters: TrainingParameters, split: [[Int]]? = nil,
                    onFold: (Fold) -> Void = { _ in }) throws(TrainingError) -> Result {
        try validate()
        let split = split ?? self.split(dataset)
        var results: [Fold] = []
        for fold in 0..<split.count {
            let training = TrainingRatings(dataset, rows: DataSplit.training(split, leaving: fold))
            let test = TrainingRatings(dataset, rows: split[fold])
            let fitStart = ContinuousClock.now
            let (model, _) = try SGDTrainer(parameters: parameters).train(training, scale: dataset.scale)
            let testStart = ContinuousClock.now
            let accuracy = Accuracy.measure(model, on: test)
            let result = Fold(fold: fold + 1, rmse: accuracy.rmse, mae: accuracy.mae,
                              fitSeconds: (testStart - fitStart).seconds, testSeconds: (ContinuousClock.now - testStart).seconds)
            results.append(result)
            onFold(result)
        }
        return Result(folds: results)
    }
}
