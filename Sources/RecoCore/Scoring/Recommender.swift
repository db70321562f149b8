/// Ranks movies with a mapped model: top-N for a customer, cold start for unknown customers,
/// similar movies, batches.
public struct Recommender: Sendable {
    public let model: RecoModel
    public static let maximumLimit = 1_000

    public init(model: RecoModel) {
        self.model = model
    }

    /// The `limit` movies with the highest predicted rating μ + b_u + b_i + q_i·p_u, in one pass
    /// over all movies. Already rated movies are left out when `excludeRated`. Ranking uses the
    /// unclipped prediction (clipping would tie every movie above the top of the scale); scores
    /// shown are clipped to the scale, as Surprise's estimates are. Ties go to the smaller movie id.
    public func recommend(customerId: UInt32, limit: Int = 10, excludeRated: Bool = true) -> Recommendation {
        let limit = min(max(limit, 0), Self.maximumLimit)
        let movieCount = model.movieCount
        let stride = model.stride
        let movieBias = model.movieBias
        var selector = TopNSelector(capacity: limit)
        guard let customer = model.customerIndex(of: customerId) else {
            // Unknown customer: Surprise predicts μ + b_i, so rank by b_i.
            for movie in 0..<movieCount { selector.consider(movieBias[movie], movie: movie) }
            return makeRecommendation(customerId, coldStart: true, selector, offset: model.globalMean)
        }
        let rated = excludeRated ? model.ratedMovies(customer: customer) : UnsafeBufferPointer(start: nil, count: 0)
        var nextRated = 0
        guard let factors = model.movieFactors.baseAddress, let own = model.customerFactors.baseAddress else {
            return makeRecommendation(customerId, coldStart: false, selector, offset: 0)
        }
        let customerRow = own + customer * stride
        for movie in 0..<movieCount {
            if nextRated < rated.count {
                while nextRated < rated.count && Int(rated[nextRated]) < movie { nextRated += 1 }
                if nextRated < rated.count && Int(rated[nextRated]) == movie { continue }
            }
            let score = movieBias[movie] + VectorMath.dot(customerRow, factors + movie * stride, count: stride)
            if score >= selector.threshold { selector.consider(score, movie: movie) }
        }
        return makeRecommendation(customerId, coldStart: false, selector, offset: model.globalMean + model.customerBias[customer])
    }

    /// Recommendations for many customers, in the order given.
    public func recommend(customerIds: [UInt32], limit: Int = 10, excludeRated: Bool = true) -> [Recommendation] {
        customerIds.map { recommend(customerId: $0, limit: limit, excludeRated: excludeRated) }
    }

    /// Movies whose factor vectors point the same way (cosine similarity), the movie itself left out.
    public func similarMovies(to movieId: UInt32, limit: Int = 10) throws(ScoringError) -> [ScoredMovie] {
        guard let target = model.movieIndex(of: movieId) else { throw .unknownMovie(movieId) }
        let limit = min(max(limit, 0), Self.maximumLimit)
        let stride = model.stride
        let norms = model.movieNorms
        var selector = TopNSelector(capacity: limit)
        guard let factors = model.movieFactors.baseAddress else { return [] }
        let targetRow = factors + target * stride
        let targetNorm = norms[target]
        for movie in 0..<model.movieCount where movie != target {
            let denominator = targetNorm * norms[movie]
            let similarity = denominator > 0 ? VectorMath.dot(targetRow, factors + movie * stride, count: stride) / denominator : 0
            selector.consider(similarity, movie: movie)
        }
        let ids = model.movieIds
        return zip(selector.scores, selector.movies).map { ScoredMovie(movieId: ids[Int($1)], score: $0) }
    }

    private func makeRecommendation(_ customerId: UInt32, coldStart: Bool, _ selector: TopNSelector, offset: Float) -> Recommendation {
        let ids = model.movieIds
        let scale = model.scale
        let items = zip(selector.scores, selector.movies).map { score, movie in
            ScoredMovie(movieId: ids[Int(movie)], score: min(max(offset + score, scale.lowest), scale.highest))
        }
        return Recommendation(customerId: customerId, coldStart: coldStart, items: items)
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
