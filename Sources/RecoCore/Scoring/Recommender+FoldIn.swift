/// Folding the movies a customer watched since training into their state, without retraining.
extension Recommender {
    /// A customer's state with the movies watched since training folded in, for
    /// `recommend(…, folded:)`; nil when the model knows none of them. With iALS the customer's
    /// factors are solved again with the movie factors fixed, the training history (file weights)
    /// plus each watch at weight 1, starting from the trained factors (from zero for a customer
    /// the model has not seen); EASE and the SVD need only the movies.
    public func foldIn(customerId: UInt32, watched movieIds: [UInt32]) -> FoldedHistory? {
        var movies: [UInt32] = []
        movies.reserveCapacity(movieIds.count)
        if movieIndexTable.isEmpty {
            for id in movieIds { if let index = model.movieIndex(of: id) { movies.append(UInt32(index)) } }
        } else {
            for id in movieIds where Int(id) < movieIndexTable.count && movieIndexTable[Int(id)] > 0 { movies.append(movieIndexTable[Int(id)] - 1) }
        }
        guard !movies.isEmpty else { return nil }
        movies.sort()
        // Each movie once, in place.
        var kept = 1
        for index in 1..<movies.count where movies[index] != movies[kept - 1] {
            movies[kept] = movies[index]
            kept += 1
        }
        movies.removeLast(movies.count - kept)
        guard let solver = foldInSolver else { return FoldedHistory(movies: movies) }
        let customer = model.customerIndex(of: customerId)
        // A history whose weights do not match (a damaged file) counts as none.
        let training = trainingHistory(customer)
        let usable = training.weights.count == training.movies.count ? training : trainingHistory(nil)
        let merged = SortedMerge.merge(usable.movies, weights: usable.weights, movies)
        // Training learns from positive weights only, and so does its solve.
        let positive = merged.weights.indices.filter { merged.weights[$0] > 0 && Int(merged.movies[$0]) < model.movieCount }
        let stride = model.rankerStride
        let start = customer.map { Array(model.rankerCustomerFactors[($0 * stride)..<(($0 + 1) * stride)]) }
        let factors = solver.trainer.foldIn(movies: positive.map { merged.movies[$0] }, weights: positive.map { merged.weights[$0] },
                                            movieFactors: model.rankerMovieRows, gram: solver.gram, stride: stride,
                                            customerMeanCount: solver.meanCount, startingFrom: start)
        return FoldedHistory(movies: movies, rankerFactors: factors)
    }
}
