/// The scans that choose the top movies, and the answer they become.
extension Recommender {
    /// Factor models, up to `maximumScanBatch` customers in one pass over the movie rows: each
    /// chunk of movies is scored for every customer of the batch (`MovieFactorBlocks`), then
    /// each customer's movies in `excluded` are set to -∞, the bias added, and the chunk offered
    /// to that customer's selector. A customer's scores are the same whatever the batch.
    func selectByDot(_ scans: ArraySlice<FactorScan>, blocks: MovieFactorBlocks, bias: UnsafeBufferPointer<Float>?) -> [TopNSelector] {
        let batch = scans.count
        let stride = blocks.stride
        precondition(batch <= Self.maximumScanBatch, "a pass serves at most maximumScanBatch customers")
        var vectors: [Float] = []
        vectors.reserveCapacity(batch * stride)
        for scan in scans {
            precondition(scan.factors.count == stride, "a scan's factors have the model's stride")
            vectors += scan.factors
        }
        var selectors = scans.map { TopNSelector(capacity: $0.limit) }
        var cursors = [Int](repeating: 0, count: batch)
        let chunk = MovieFactorBlocks.chunk
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: batch * chunk)
        defer { scores.deallocate() }
        vectors.withUnsafeBufferPointer { vectors in
            var first = 0
            while first < blocks.count {
                blocks.scoreChunk(first: first, factors: vectors.baseAddress!, customers: batch, into: scores)
                let length = min(chunk, blocks.count - first)
                for (slot, scan) in scans.enumerated() {
                    let row = scores + slot * chunk
                    var next = cursors[slot]
                    while next < scan.excluded.count && Int(scan.excluded[next]) < first + chunk {
                        row[Int(scan.excluded[next]) - first] = -.infinity
                        next += 1
                    }
                    cursors[slot] = next
                    if let bias {
                        for movie in 0..<length { row[movie] = bias[first + movie] + row[movie] }
                    }
                    offer(row, count: length, first: first, into: &selectors[slot])
                }
                first += chunk
            }
        }
        return selectors
    }

    /// Offers `count` scores (movies from `first`) to the selector, skipping -∞ (left out): one
    /// comparison with a threshold held in a register per movie, a branch that is almost never
    /// taken once the list is full.
    @inline(__always)
    private func offer(_ scores: UnsafeMutablePointer<Float>, count: Int, first: Int, into selector: inout TopNSelector) {
        var threshold = selector.threshold
        for index in 0..<count {
            let score = scores[index]
            if score >= threshold && score != -.infinity {
                selector.consider(score, movie: first + index)
                threshold = selector.threshold
            }
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
