/// EASE's score vectors: from a customer's history for one request, and kept watch by watch
/// (`FoldedScoreCache`) so that a fold-in adds one row instead of the history's rows.
extension Recommender {
    /// Fills EASE's score of every movie from the customer's training history (weights from the
    /// file) and the movies watched since (weight 1, as a watch without a rating counts); false
    /// when there is no positive history.
    func easeScores(customer: Int?, watched: [UInt32], into scores: UnsafeMutablePointer<Float>) -> Bool {
        guard let base = model.rankerMovieRows.baseAddress else { return false }
        let (history, weights) = trainingHistory(customer)
        guard weights.count == history.count else { return false }
        func score(_ history: UnsafeBufferPointer<UInt32>, _ weights: UnsafeBufferPointer<Float>) -> Bool {
            guard weights.contains(where: { $0 > 0 }) else { return false }
            // Indices come from the file: a movie index out of range is skipped, never read.
            prior.withUnsafeBufferPointer { prior in
                RankerScoring.itemItem(rows: base, stride: model.rankerStride, movieCount: model.movieCount, prior: prior.baseAddress!,
                                       history: history, weights: weights, into: scores)
            }
            return true
        }
        guard !watched.isEmpty else { return score(history, weights) }
        let (movies, merged) = SortedMerge.merge(history, weights: weights, watched)
        return movies.withUnsafeBufferPointer { movies in merged.withUnsafeBufferPointer { score(movies, $0) } }
    }

    /// Floats in an EASE score vector (a padded row).
    public var scoreCount: Int { max(model.rankerStride, model.movieCount) }

    /// Whether the model ranks with EASE, whose scores `foldedScores` and `addWatches` keep.
    public var ranksWithEASE: Bool { model.ranker == .ease && !model.rankerMovieRows.isEmpty && !prior.isEmpty }

    /// EASE's scores for a customer with `watched` (dense movie indices, ascending, as
    /// `foldIn` gives them) folded in: the training history at its file weights, then each
    /// watched movie raised to weight 1 as `addWatches` does. The same movies scored by
    /// `recommend(…, folded:)` from scratch give the same order (sums in another order, so the
    /// last bit of a score may differ). nil when the model does not rank with EASE.
    public func foldedScores(customerId: UInt32, watched: [UInt32]) -> [Float]? {
        guard ranksWithEASE, let base = model.rankerMovieRows.baseAddress else { return nil }
        let customer = model.customerIndex(of: customerId)
        let (history, weights) = trainingHistory(customer)
        guard weights.count == history.count else { return nil }
        var scores = [Float](repeating: 0, count: scoreCount)
        scores.withUnsafeMutableBufferPointer { scores in
            prior.withUnsafeBufferPointer { prior in
                RankerScoring.itemItem(rows: base, stride: model.rankerStride, movieCount: model.movieCount, prior: prior.baseAddress!,
                                       history: history, weights: weights, into: scores.baseAddress!)
            }
        }
        addWatches(watched, customerId: customerId, to: &scores)
        return scores
    }

    /// Raises each of `movies` (dense indices not yet in `scores`) to weight 1 in a customer's
    /// EASE scores: one row times (1 − the positive part of its training weight), in the order
    /// given. A fold-in of one watch costs one row instead of the whole history.
    public func addWatches(_ movies: [UInt32], customerId: UInt32, to scores: inout [Float]) {
        guard ranksWithEASE, let base = model.rankerMovieRows.baseAddress, scores.count == scoreCount else { return }
        let customer = model.customerIndex(of: customerId)
        let (history, weights) = trainingHistory(customer)
        let stride = model.rankerStride
        scores.withUnsafeMutableBufferPointer { scores in
            for movie in movies where Int(movie) < model.movieCount {
                var trained: Float = 0
                if weights.count == history.count, let index = SortedIds.index(of: movie, in: history) { trained = max(weights[index], 0) }
                let raise = 1 - trained
                if raise != 0 { VectorMath.axpy(raise, base + Int(movie) * stride, scores.baseAddress!, count: stride) }
            }
        }
    }
}
