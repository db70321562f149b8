/// Ranks movies with a mapped model: top-N for a customer, cold start for unknown customers,
/// similar movies, batches.
///
/// Which movies and in what order comes from the model's implicit-feedback ranker (EASE or
/// iALS) when the file has one; the score reported for each is the SVD's predicted rating, as
/// Surprise's estimate. `Ordering.svd` ranks by predicted rating instead (older files always do).
public struct Recommender: Sendable {
    public let model: RecoModel
    public static let maximumLimit = 1_000
    /// EASE's popularity prior, computed once per model.
    private let prior: [Float]
    /// iALS movie factor norms for cosine similarity, computed once per model.
    private let rankerNorms: [Float]

    /// What chooses and orders the movies.
    public enum Ordering: String, Sendable, CaseIterable {
        /// The model's ranker (falls back to `svd` for files without one).
        case ranker
        /// The SVD's predicted rating μ + b_u + b_i + q_i·p_u, as before rankers existed.
        case svd
    }

    public init(model: RecoModel) {
        self.model = model
        if model.ranker == .ease, let popularity = model.popularity {
            prior = RankerScoring.prior(popularity: popularity, stride: model.rankerStride)
        } else {
            prior = []
        }
        if model.ranker == .ials, let rows = model.rankerMovieRows.baseAddress {
            rankerNorms = (0..<model.movieCount).map { VectorMath.squaredNorm(rows + $0 * model.rankerStride, count: model.rankerStride).squareRoot() }
        } else {
            rankerNorms = []
        }
    }

    /// The `limit` best movies for a customer. Already rated movies are left out when
    /// `excludeRated`. Ties go to the smaller movie id. Unknown customers get the cold-start list:
    /// most rated in training with a ranker, highest b_i without (Surprise predicts μ + b_i).
    public func recommend(customerId: UInt32, limit: Int = 10, excludeRated: Bool = true, ordering: Ordering = .ranker) -> Recommendation {
        let limit = min(max(limit, 0), Self.maximumLimit)
        let useRanker = ordering == .ranker && model.ranker != nil
        guard let customer = model.customerIndex(of: customerId) else {
            return coldStart(customerId, limit: limit, useRanker: useRanker)
        }
        let rated = excludeRated ? model.ratedMovies(customer: customer) : UnsafeBufferPointer(start: nil, count: 0)
        var selector = TopNSelector(capacity: limit)
        let rankedBy: String
        switch useRanker ? model.ranker : nil {
        case .ease:
            let scores = UnsafeMutablePointer<Float>.allocate(capacity: max(model.rankerStride, model.movieCount))
            defer { scores.deallocate() }
            guard easeScores(customer: customer, into: scores) else {
                // A customer whose ratings carry no positive weight (all low stars): the popular list.
                return popular(customerId, customer: customer, rated: rated, limit: limit)
            }
            select(scores, rated: rated, into: &selector)
            rankedBy = RankerKind.ease.rawValue
        case .ials:
            guard let movies = model.rankerMovieRows.baseAddress, let own = model.rankerCustomerFactors.baseAddress else {
                return popular(customerId, customer: customer, rated: rated, limit: limit)
            }
            selectByDot(own + customer * model.rankerStride, movies, stride: model.rankerStride, bias: nil, rated: rated, into: &selector)
            rankedBy = RankerKind.ials.rawValue
        case nil:
            // b_i + q_i·p_u: the SVD's order (μ and b_u are the same for every movie).
            if let movies = model.movieFactors.baseAddress, let own = model.customerFactors.baseAddress {
                selectByDot(own + customer * model.stride, movies, stride: model.stride, bias: model.movieBias, rated: rated, into: &selector)
            }
            rankedBy = Ordering.svd.rawValue
        }
        return makeRecommendation(customerId, customer: customer, coldStart: false, selector, rankedBy: rankedBy)
    }

    /// Recommendations for many customers, in the order given. (Scoring a batch of EASE
    /// customers a block of movies at a time, so that row slices are reused from L2, was tried:
    /// 30–38 µs per customer against 25–28 one at a time in the stream bench.)
    public func recommend(customerIds: [UInt32], limit: Int = 10, excludeRated: Bool = true, ordering: Ordering = .ranker) -> [Recommendation] {
        customerIds.map { recommend(customerId: $0, limit: limit, excludeRated: excludeRated, ordering: ordering) }
    }

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

    // MARK: Scoring

    /// Fills EASE's score of every movie; false when the customer has no positive history.
    private func easeScores(customer: Int, into scores: UnsafeMutablePointer<Float>) -> Bool {
        guard let base = model.rankerMovieRows.baseAddress else { return false }
        let history = model.ratedMovies(customer: customer)
        guard let weights = model.ratedWeights(customer: customer), weights.contains(where: { $0 > 0 }) else { return false }
        // Indices come from the file: a movie index out of range is skipped, never read.
        prior.withUnsafeBufferPointer { prior in
            RankerScoring.itemItem(rows: base, stride: model.rankerStride, movieCount: model.movieCount, prior: prior.baseAddress!,
                                   history: history, weights: weights, into: scores)
        }
        return true
    }

    /// Factor models in one pass: each movie not in `rated` is scored (bias + x·y) and offered
    /// to the selector at once, with no score buffer.
    @inline(__always)
    private func selectByDot(_ customer: UnsafePointer<Float>, _ movies: UnsafePointer<Float>, stride: Int, bias: UnsafeBufferPointer<Float>?,
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
    private func predictedStars(customer: Int?, movie: Int) -> Float {
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
    private func select(_ scores: UnsafeMutablePointer<Float>, rated: UnsafeBufferPointer<UInt32>, into selector: inout TopNSelector) {
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

    private func coldStart(_ customerId: UInt32, limit: Int, useRanker: Bool) -> Recommendation {
        if useRanker {
            return popular(customerId, customer: nil, rated: UnsafeBufferPointer(start: nil, count: 0), limit: limit)
        }
        var selector = TopNSelector(capacity: limit)
        let movieBias = model.movieBias
        for movie in 0..<model.movieCount { selector.consider(movieBias[movie], movie: movie) }
        return makeRecommendation(customerId, customer: nil, coldStart: true, selector, rankedBy: "movie bias")
    }

    /// The most rated movies in training, the customer's own left out.
    private func popular(_ customerId: UInt32, customer: Int?, rated: UnsafeBufferPointer<UInt32>, limit: Int) -> Recommendation {
        var selector = TopNSelector(capacity: limit)
        if let popularity = model.popularity, let base = popularity.baseAddress {
            // select() writes into its scores: a copy, never the model's own.
            let scores = UnsafeMutablePointer<Float>.allocate(capacity: model.movieCount)
            defer { scores.deallocate() }
            scores.update(from: base, count: model.movieCount)
            select(scores, rated: rated, into: &selector)
        }
        return makeRecommendation(customerId, customer: customer, coldStart: customer == nil, selector, rankedBy: "popularity")
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

    private func makeRecommendation(_ customerId: UInt32, customer: Int?, coldStart: Bool, _ selector: TopNSelector, rankedBy: String) -> Recommendation {
        let ids = model.movieIds
        let items = selector.movies.map { movie in
            ScoredMovie(movieId: ids[Int(movie)], score: predictedStars(customer: customer, movie: Int(movie)))
        }
        return Recommendation(customerId: customerId, coldStart: coldStart, items: items, rankedBy: rankedBy)
    }
}

public enum ScoringError: Error, CustomStringConvertible, Sendable, Equatable {
    case unknownMovie(UInt32)

    public var description: String {
        switch self {
        case .unknownMovie(let id): return "movie \(id) is not in the model"
        }
    }
}
