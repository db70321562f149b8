import Foundation

/// A ranker fitted to an interaction matrix, held in memory (evaluation, tuning, writing the
/// model file).
public struct TrainedRanker: Sendable {
    public let parameters: RankerParameters
    public let customerCount: Int
    public let movieCount: Int
    /// Floats per row of `movieRows` and `customerFactors`.
    public let stride: Int
    /// EASE: B, one row per movie (movies × stride). iALS: movie factors (movies × stride).
    public let movieRows: [Float]
    /// iALS: customer factors (customers × stride); EASE: empty (it scores from the history).
    public let customerFactors: [Float]
    /// EASE: the popularity prior each score starts from (`RankerScoring.prior`); empty for iALS.
    public let prior: [Float]
    public let seconds: Double

    public static func train(_ matrix: InteractionMatrix, parameters: RankerParameters,
                             observe: (Int) -> Void = { _ in }) throws(TrainingError) -> TrainedRanker {
        try parameters.validate()
        let started = ContinuousClock.now
        switch parameters.kind {
        case .ease:
            let rows = try EASETrainer.train(matrix, l2: parameters.l2, threads: parameters.threads)
            let stride = EASETrainer.rowStride(matrix.movieCount)
            let prior = matrix.ratingCounts().withUnsafeBufferPointer { RankerScoring.prior(popularity: $0, stride: stride) }
            return TrainedRanker(parameters: parameters, customerCount: matrix.customerCount, movieCount: matrix.movieCount,
                                 stride: stride, movieRows: rows, customerFactors: [], prior: prior,
                                 seconds: (ContinuousClock.now - started).seconds)
        case .ials:
            let factors = try ALSTrainer(parameters: parameters).train(matrix, observe: observe)
            return TrainedRanker(parameters: parameters, customerCount: matrix.customerCount, movieCount: matrix.movieCount,
                                 stride: factors.stride, movieRows: factors.movieFactors, customerFactors: factors.customerFactors,
                                 prior: [], seconds: (ContinuousClock.now - started).seconds)
        }
    }

    /// Floats a score buffer needs.
    public var scoreCapacity: Int { max(EASETrainer.rowStride(movieCount), stride) }

    /// Scores every movie for a customer of the training matrix (higher is better).
    public func score(customer: Int, in matrix: InteractionMatrix, into scores: UnsafeMutablePointer<Float>) {
        movieRows.withUnsafeBufferPointer { rows in
            switch parameters.kind {
            case .ease:
                let range = matrix.row(customer)
                matrix.movies.withUnsafeBufferPointer { movies in
                    matrix.weights.withUnsafeBufferPointer { weights in
                        RankerScoring.itemItem(rows: rows.baseAddress!, stride: stride, movieCount: movieCount, prior: prior,
                                               history: UnsafeBufferPointer(rebasing: movies[range]),
                                               weights: UnsafeBufferPointer(rebasing: weights[range]), into: scores)
                    }
                }
            case .ials:
                customerFactors.withUnsafeBufferPointer { own in
                    RankerScoring.factors(customer: own.baseAddress! + customer * stride, movies: rows.baseAddress!,
                                          movieCount: movieCount, stride: stride, into: scores)
                }
            }
        }
    }
}
