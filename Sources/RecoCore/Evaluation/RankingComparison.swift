import Foundation

/// Side-by-side ranking evaluation of most-popular, the SVD's predicted-rating order and the
/// rankers on one split, with one protocol (`RankingEvaluator`).
public struct RankingComparison: Sendable {
    public struct Row: Sendable, Codable, Equatable {
        public var model: String
        public var detail: String
        public var metrics: RankingMetrics
        public var fitSeconds: Double

        enum CodingKeys: String, CodingKey {
            case model, detail, metrics
            case fitSeconds = "fit_seconds"
        }
    }

    public var k = 10
    public var relevantThreshold: Float = 4
    public var threads = 1
    /// The SVD to rank by predicted rating; nil leaves it out.
    public var svd: TrainingParameters?
    public var rankers: [RankerParameters] = []
    /// Fit the customer-independent random ranking too (a floor for tests and tables).
    public var includeRandom = false

    public init() {}

    public enum Stage: Sendable {
        case fitting(String)
        case evaluated(Row)
    }

    /// `training` are the rows of `dataset` to learn from, `test` the held-out ratings (indexed like
    /// the data set).
    public func run(_ dataset: RatingsDataset, training rows: [Int], test: TrainingRatings,
                    progress: (Stage) -> Void = { _ in }) throws(TrainingError) -> [Row] {
        let training = TrainingRatings(dataset, rows: rows)
        let weighting = rankers.first?.weighting ?? FeedbackWeighting()
        let matrix = InteractionMatrix(training, weighting: weighting)
        let evaluator = RankingEvaluator(training: matrix, test: test, k: k, relevantThreshold: relevantThreshold)
        var results: [Row] = []
        func record(_ row: Row) {
            results.append(row)
            progress(.evaluated(row))
        }

        if includeRandom {
            progress(.fitting("random"))
            let movieCount = dataset.movieCount
            let metrics = evaluator.evaluate(scoreCapacity: movieCount, threads: threads) { customer, scores in
                var random = SplitMix64(seed: 7, stream: UInt64(customer))
                for movie in 0..<movieCount { scores[movie] = Float(random.nextUnit()) }
            }
            record(Row(model: "random", detail: "uniform scores", metrics: metrics, fitSeconds: 0))
        }

        progress(.fitting("most popular"))
        let popularity = matrix.ratingCounts()
        let popularMetrics = evaluator.evaluate(scoreCapacity: popularity.count, threads: threads) { _, scores in
            popularity.withUnsafeBufferPointer { scores.update(from: $0.baseAddress!, count: $0.count) }
        }
        record(Row(model: "most popular", detail: "training ratings per movie", metrics: popularMetrics, fitSeconds: 0))

        if var parameters = svd {
            progress(.fitting("SVD"))
            parameters.threads = threads
            let started = ContinuousClock.now
            let (model, _) = try SGDTrainer(parameters: parameters).train(training, scale: dataset.scale)
            let seconds = (ContinuousClock.now - started).seconds
            let metrics = evaluator.evaluate(scoreCapacity: model.movieCount, threads: threads) { customer, scores in
                Self.svdScores(model, customer: customer, into: scores)
            }
            record(Row(model: "SVD (predicted rating)", detail: "k=\(parameters.factors), \(parameters.epochs) epochs",
                       metrics: metrics, fitSeconds: seconds))
        }

        for var parameters in rankers {
            progress(.fitting(parameters.kind.title))
            parameters.threads = threads
            let rankerMatrix = parameters.weighting == weighting ? matrix : InteractionMatrix(training, weighting: parameters.weighting)
            let ranker = try TrainedRanker.train(rankerMatrix, parameters: parameters)
            let metrics = evaluator.evaluate(scoreCapacity: ranker.scoreCapacity, threads: threads) { customer, scores in
                ranker.score(customer: customer, in: rankerMatrix, into: scores)
            }
            record(Row(model: parameters.kind.title, detail: parameters.summary, metrics: metrics, fitSeconds: ranker.seconds))
        }
        return results
    }

    /// The SVD's ranking score b_i + q_i·p_u (μ and b_u do not change the order).
    static func svdScores(_ model: FactorModel, customer: Int, into scores: UnsafeMutablePointer<Float>) {
        let stride = model.stride
        model.customerFactors.withUnsafeBufferPointer { users in
            model.movieFactors.withUnsafeBufferPointer { movies in
                let own = users.baseAddress! + customer * stride
                for movie in 0..<model.movieCount {
                    scores[movie] = model.movieBias[movie] + VectorMath.dot(own, movies.baseAddress! + movie * stride, count: stride)
                }
            }
        }
    }
}
