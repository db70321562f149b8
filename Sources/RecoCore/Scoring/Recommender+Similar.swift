/// Movies like a movie.
extension Recommender {
    /// Movies most like `movieId`, the movie itself left out. With an EASE ranker: the movies its
    /// item–item weights raise most for a customer who chose only this one; with iALS or the SVD:
    /// cosine similarity of the movie factors. The ranker's representation is used when present
    /// because it measures better at choosing movies (see `reco evaluate --ranking`).
    public func similarMovies(to movieId: UInt32, limit: Int = 10, ordering: Ordering = .ranker) throws(ScoringError) -> [ScoredMovie] {
        guard let target = model.movieIndex(of: movieId) else { throw .unknownMovie(movieId) }
        let limit = min(max(limit, 0), Self.maximumLimit)
        var selector = TopNSelector(capacity: limit)
        let movieCount = model.movieCount
        switch ordering == .ranker ? model.ranker : nil {
        case .ease:
            guard let rows = model.rankerMovieRows.baseAddress else { return [] }
            let row = rows + target * model.rankerStride
            for movie in 0..<movieCount where movie != target { selector.consider(row[movie], movie: movie) }
        case .ials:
            guard let rows = model.rankerMovieRows.baseAddress else { return [] }
            rankerNorms.withUnsafeBufferPointer { norms in
                cosine(rows, stride: model.rankerStride, target: target, norms: norms, into: &selector)
            }
        case nil:
            guard let rows = model.movieFactors.baseAddress else { return [] }
            cosine(rows, stride: model.stride, target: target, norms: model.movieNorms, into: &selector)
        }
        let ids = model.movieIds
        return zip(selector.scores, selector.movies).map { ScoredMovie(movieId: ids[Int($1)], score: $0) }
    }

    private func cosine(_ rows: UnsafePointer<Float>, stride: Int, target: Int, norms: UnsafeBufferPointer<Float>, into selector: inout TopNSelector) {
        let targetRow = rows + target * stride
        let targetNorm = norms[target]
        for movie in 0..<model.movieCount where movie != target {
            let denominator = targetNorm * norms[movie]
            let similarity = denominator > 0 ? VectorMath.dot(targetRow, rows + movie * stride, count: stride) / denominator : 0
            selector.consider(similarity, movie: movie)
        }
    }
}
