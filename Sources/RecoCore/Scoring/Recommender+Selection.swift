/// The scans that choose the top movies, and the answer they become.
extension Recommender {
    /// Factor models in one pass: each movie not in `rated` is scored (bias + x·y) and offered
    /// to the selector at once, with no score buffer.
    @inline(__always)
    func selectByDot(_ customer: UnsafePointer<Float>, _ movies: UnsafePointer<Float>, stride: Int, bias: UnsafeBufferPointer<Float>?,
                             rated: UnsafeBufferPointer<UInt32>, into selector: inout TopNSelector) {
        var nextRated = 0
        func offer(_ score: Float, _ movie: Int) {
            if nextRated < rated.count {
                while nextRated < rated.count && Int(rated[nextRated]) < movie { nextRated += 1 }
                if nextRated < rated.count && Int(rated[nextRated]) == movie { return }
            }
            let total = (bias?[movie] ?? 0) + score
            if total >= selector.threshold { selector.consider(total, movie: movie) }
        }
        // Four movies at a time: their dot products run as independent chains.
        let count = model.movieCount
        var movie = 0
        while movie + 4 <= count {
            let row = movies + movie * stride
            let scores = VectorMath.dot4(customer, row, row + stride, row + 2 * stride, row + 3 * stride, count: stride)
            for lane in 0..<4 { offer(scores[lane], movie + lane) }
            movie += 4
        }
        while movie < count {
            offer(VectorMath.dot(customer, movies + movie * stride, count: stride), movie)
            movie += 1
        }
    }

    /// The SVD's predicted rating for a known customer, clipped to the scale (Surprise's estimate).
    @inline(__always)
    func predictedStars(customer: Int?, movie: Int) -> Float {
        var estimate = model.globalMean + model.movieBias[movie]
        if let customer, let factors = model.movieFactors.baseAddress, let own = model.customerFactors.baseAddress {
            estimate += model.customerBias[customer]
                + VectorMath.dot(own + customer * model.stride, factors + movie * model.stride, count: model.stride)
        }
        return min(max(estimate, model.scale.lowest), model.scale.highest)
    }

    /// Considers every movie not in `rated`. The rated ones are set to -∞ in `scores` first (a
    /// score buffer of this call's own), so the scan is one comparison with a threshold held in
    /// a register per movie, a branch that is almost never taken once the list is full. (A merge
    /// with the rated list and the selector's computed threshold per movie took 22% of
    /// reco-api's CPU in the stream bench; Swift's SIMD comparisons compiled to scalar code with
    /// stalls and took more.)
    @inline(__always)
    func select(_ scores: UnsafeMutablePointer<Float>, rated: UnsafeBufferPointer<UInt32>, into selector: inout TopNSelector) {
        let count = model.movieCount
        for movie in rated where Int(movie) < count { scores[Int(movie)] = -.infinity }
        var threshold = selector.threshold
        for movie in 0..<count {
            let score = scores[movie]
            if score >= threshold && score != -.infinity {
                selector.consider(score, movie: movie)
                threshold = selector.threshold
            }
        }
    }

    func makeRecommendation(_ customerId: UInt32, customer: Int?, coldStart: Bool, _ selector: TopNSelector, rankedBy: RankedBy) -> Recommendation {
        let ids = model.movieIds
        let items = selector.movies.map { movie in
            ScoredMovie(movieId: ids[Int(movie)], score: predictedStars(customer: customer, movie: Int(movie)))
        }
        return Recommendation(customerId: customerId, coldStart: coldStart, items: items, rankedBy: rankedBy)
    }
}
