/// Grid search with cross-validation over Surprise's `SVD` parameters, like `GridSearchCV`.
public struct GridSearch: Sendable {
    /// Values to try; an empty list keeps the base parameters' value.
    public struct Grid: Sendable, Codable, Equatable {
        public var epochs: [Int] = []
        public var learningRates: [Float] = []
        public var regularizations: [Float] = []
        public var factors: [Int] = []

        public init(epochs: [Int] = [], learningRates: [Float] = [], regularizations: [Float] = [], factors: [Int] = []) {
            self.epochs = epochs
            self.learningRates = learningRates
            self.regularizations = regularizations
            self.factors = factors
        }

        /// Every combination, in the order GridSearchCV enumerates them (last parameter fastest).
        public func candidates(base: TrainingParameters) -> [TrainingParameters] {
            var result: [TrainingParameters] = []
            for epochs in self.epochs.isEmpty ? [base.epochs] : self.epochs {
                for rate in learningRates.isEmpty ? [nil] : learningRates.map(Optional.some) {
                    for regularization in regularizations.isEmpty ? [nil] : regularizations.map(Optional.some) {
                        for factors in self.factors.isEmpty ? [base.factors] : self.factors {
                            var parameters = base
                            parameters.epochs = epochs
                            parameters.factors = factors
                            if let rate { parameters.setLearningRate(rate) }
                            if let regularization { parameters.setRegularization(regularization) }
                            result.append(parameters)
                        }
                    }
                }
            }
            return result
        }
    }

    public struct Candidate: Sendable, Codable, Equatable {
        public var parameters: TrainingParameters
        public var result: CrossValidation.Result
    }

    public struct Result: Sendable, Codable, Equatable {
        public var candidates: [Candidate]
        /// Lowest mean RMSE and lowest mean MAE; the first wins a tie.
        public var bestByRMSE: Candidate? { candidates.min { $0.result.meanRMSE < $1.result.meanRMSE } }
        public var bestByMAE: Candidate? { candidates.min { $0.result.meanMAE < $1.result.meanMAE } }
    }

    public let grid: Grid
    public let base: TrainingParameters
    public let crossValidation: CrossValidation

    public init(grid: Grid, base: TrainingParameters, crossValidation: CrossValidation) {
        self.grid = grid
        self.base = base
        self.crossValidation = crossValidation
    }

    public func run(_ dataset: RatingsDataset, onCandidate: (Int, Int, Candidate) -> Void = { _, _, _ in }) throws(TrainingError) -> Result {
        try crossValidation.validate()
        let candidates = grid.candidates(base: base)
        for candidate in candidates { try candidate.validate() }
        let split = crossValidation.split(dataset)
        var results: [Candidate] = []
        for (index, parameters) in candidates.enumerated() {
            let result = try crossValidation.run(dataset, parameters: parameters, split: split)
            let candidate = Candidate(parameters: parameters, result: result)
            results.append(candidate)
            onCandidate(index + 1, candidates.count, candidate)
        }
        return Result(candidates: results)
    }
}
