import Foundation

/// Chooses ranker hyper-parameters by a ranking metric on a validation split carved from the
/// training rows, never from held-out test data: each candidate is fitted on the rest of
/// training and measured on the validation part with `RankingEvaluator`'s protocol.
public struct RankerSelection: Sendable {
    public var candidates: [RankerParameters]
    /// How validation rows are carved from the training rows (the same way as the test split).
    public var validation: RankingSplit
    public var metric: RankingMetric = .ndcg
    public var k = 10
    public var relevantThreshold: Float = 4
    public var threads = 1

    public init(candidates: [RankerParameters], validation: RankingSplit) {
        self.candidates = candidates
        self.validation = validation
    }

    public struct Trial: Sendable, Codable, Equatable {
        public var parameters: RankerParameters
        public var validation: RankingMetrics
        public var fitSeconds: Double

        enum CodingKeys: String, CodingKey {
            case parameters, validation
            case fitSeconds = "fit_seconds"
        }
    }

    public struct Outcome: Sendable {
        public var trials: [Trial]
        /// Index of the best trial (the first of equals).
        public var best: Int
        public var bestTrial: Trial { trials[best] }
    }

    public func run(_ dataset: RatingsDataset, training rows: [Int],
                    progress: (_ done: Int, _ total: Int, Trial) -> Void = { _, _, _ in }) throws(TrainingError) -> Outcome {
        guard !candidates.isEmpty else { throw .invalidParameter("no ranker candidates to choose from") }
        let parts = validation.split(rows, of: dataset)
        let fit = TrainingRatings(dataset, rows: parts.train)
        let held = TrainingRatings(dataset, rows: parts.test)
        var matrices: [FeedbackWeighting: InteractionMatrix] = [:]
        var evaluators: [FeedbackWeighting: RankingEvaluator] = [:]
        var trials: [Trial] = []
        var best = 0
        for (index, candidate) in candidates.enumerated() {
            var parameters = candidate
            parameters.threads = threads
            let matrix = matrices[parameters.weighting] ?? InteractionMatrix(fit, weighting: parameters.weighting)
            matrices[parameters.weighting] = matrix
            let evaluator = evaluators[parameters.weighting]
                ?? RankingEvaluator(training: matrix, test: held, k: k, relevantThreshold: relevantThreshold)
            evaluators[parameters.weighting] = evaluator
            let ranker = try TrainedRanker.train(matrix, parameters: parameters)
            let metrics = evaluator.evaluate(scoreCapacity: ranker.scoreCapacity, threads: threads) { customer, scores in
                ranker.score(customer: customer, in: matrix, into: scores)
            }
            let trial = Trial(parameters: candidate, validation: metrics, fitSeconds: ranker.seconds)
            trials.append(trial)
            if metrics.value(of: metric) > trials[best].validation.value(of: metric) { best = index }
            progress(index + 1, candidates.count, trial)
        }
        return Outcome(trials: trials, best: best)
    }
}

