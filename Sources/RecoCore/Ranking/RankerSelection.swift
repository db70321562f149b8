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
    /// Random validation splits are carved this many times (seeds seed, seed+1, …) and the
    /// metrics averaged, so a choice between close candidates rests on more than one draw.
    /// A time split has one carve.
    public var repeats = 3

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

    /// The validation carves of `rows`: (fit rows, held-out rows).
    func carves(_ rows: [Int], of dataset: RatingsDataset) -> [(train: [Int], test: [Int])] {
        switch validation {
        case .fraction(let fraction, let seed):
            return (0..<max(1, repeats)).map { RankingSplit.fraction(fraction, seed: seed &+ UInt64($0)).split(rows, of: dataset) }
        case .time:
            return [validation.split(rows, of: dataset)]
        }
    }

    public func run(_ dataset: RatingsDataset, training rows: [Int],
                    progress: (_ done: Int, _ total: Int, Trial) -> Void = { _, _, _ in }) throws(TrainingError) -> Outcome {
        guard !candidates.isEmpty else { throw .invalidParameter("no ranker candidates to choose from") }
        struct Carve {
            var matrices: [FeedbackWeighting: InteractionMatrix] = [:]
            var evaluators: [FeedbackWeighting: RankingEvaluator] = [:]
            let fit: TrainingRatings
            let held: TrainingRatings
        }
        var carves = carves(rows, of: dataset).map { Carve(fit: TrainingRatings(dataset, rows: $0.train), held: TrainingRatings(dataset, rows: $0.test)) }
        var trials: [Trial] = []
        var best = 0
        for (index, candidate) in candidates.enumerated() {
            var parameters = candidate
            parameters.threads = threads
            var measured: [RankingMetrics] = []
            var seconds = 0.0
            for position in carves.indices {
                let matrix = carves[position].matrices[parameters.weighting] ?? InteractionMatrix(carves[position].fit, weighting: parameters.weighting)
                carves[position].matrices[parameters.weighting] = matrix
                let evaluator = carves[position].evaluators[parameters.weighting]
                    ?? RankingEvaluator(training: matrix, test: carves[position].held, k: k, relevantThreshold: relevantThreshold)
                carves[position].evaluators[parameters.weighting] = evaluator
                let ranker = try TrainedRanker.train(matrix, parameters: parameters)
                measured.append(evaluator.evaluate(scoreCapacity: ranker.scoreCapacity, threads: threads) { customer, scores in
                    ranker.score(customer: customer, in: matrix, into: scores)
                })
                seconds += ranker.seconds
            }
            let trial = Trial(parameters: candidate, validation: RankingMetrics.mean(measured), fitSeconds: seconds / Double(carves.count))
            trials.append(trial)
            if trial.validation.value(of: metric) > trials[best].validation.value(of: metric) { best = index }
            progress(index + 1, candidates.count, trial)
        }
        return Outcome(trials: trials, best: best)
    }
}
