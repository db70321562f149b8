/// Ranks movies with a model read into memory: top-N for a customer (this file), with watches
/// folded in (`+FoldIn`), EASE's kept scores (`+EASEScores`), cold start (`+ColdStart`), similar
/// movies (`+Similar`); the scans that choose movies are in `+Selection`.
///
/// Which movies and in what order comes from the model's implicit-feedback ranker (EASE or
/// iALS) when the file has one; the score reported for each is the SVD's predicted rating, as
/// Surprise's estimate. `Ordering.svd` ranks by predicted rating instead (older files always do).
public struct Recommender: Sendable {
    public let model: RecoModel
    public static let maximumLimit = 1_000
    /// EASE's popularity prior, computed once per model.
    let prior: [Float]
    /// iALS movie factor norms for cosine similarity, computed once per model.
    let rankerNorms: [Float]
    /// iALS fold-in: the solver with the model's parameters, YᵀY of its movie factors and the
    /// mean positive history per customer (for the frequency-scaled λ), computed once per model.
    let foldInSolver: (trainer: ALSTrainer, gram: [Float], meanCount: Float)?

    /// Dense index + 1 of each movie id (0: not in the model), when the largest id is small
    /// enough (Netflix: 17,770; MovieLens 25M: 209,171); empty otherwise. A fold-in maps every
    /// watched id, and a binary search over the ids cost a fifth of reco-api's CPU with fold-in
    /// in the stream bench (mispredicted branches).
    let movieIndexTable: [UInt32]
    static let largestTabledMovieId: UInt32 = 1 << 22

    /// Conjugate-gradient steps of a fold-in: enough to land within 1e-3 of the exact solve
    /// from the training vector or from zero (training uses 3 per iteration, warm-started).
    public static let foldInSteps = 12

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
        if let largest = model.movieIds.max(), largest < Self.largestTabledMovieId {
            var table = [UInt32](repeating: 0, count: Int(largest) + 1)
            for (index, id) in model.movieIds.enumerated() { table[Int(id)] = UInt32(index + 1) }
            movieIndexTable = table
        } else {
            movieIndexTable = []
        }
        if model.ranker == .ials, let rows = model.rankerMovieRows.baseAddress {
            rankerNorms = (0..<model.movieCount).map { VectorMath.squaredNorm(rows + $0 * model.rankerStride, count: model.rankerStride).squareRoot() }
        } else {
            rankerNorms = []
        }
        if model.ranker == .ials, var parameters = model.metadata.ranker?.parameters, parameters.kind == .ials,
           FactorModel.stride(for: parameters.factors) == model.rankerStride, !model.rankerMovieRows.isEmpty {
            parameters.conjugateGradientSteps = Self.foldInSteps
            let trainer = ALSTrainer(parameters: parameters)
            let gram = trainer.gramian(Array(model.rankerMovieRows), count: model.movieCount, stride: model.rankerStride)
            let interactions = model.metadata.ranker?.interactions ?? 0
            foldInSolver = (trainer, gram, Float(max(interactions, 1)) / Float(max(model.customerCount, 1)))
        } else {
            foldInSolver = nil
        }
    }

    /// The `limit` best movies for a customer. Already rated movies are left out when
    /// `excludeRated`, and so are the movies of `folded` (watched since training). Ties go to
    /// the smaller movie id. Unknown customers get the cold-start list (most rated in training
    /// with a ranker, highest b_i without, as Surprise predicts μ + b_i) until they have watched
    /// a movie the ranker knows: then the ranker scores their watches as their history.
    public func recommend(customerId: UInt32, limit: Int = 10, excludeRated: Bool = true, ordering: Ordering = .ranker,
                          folded: FoldedHistory? = nil) -> Recommendation {
        let limit = min(max(limit, 0), Self.maximumLimit)
        let useRanker = ordering == .ranker && model.ranker != nil
        let watched = folded?.movies ?? []
        let customer = model.customerIndex(of: customerId)
        if customer == nil && (watched.isEmpty || !useRanker) {
            return coldStart(customerId, limit: limit, useRanker: useRanker, excluding: excludeRated ? watched : [])
        }
        let trained = trainingHistory(customer).movies
        guard excludeRated else {
            return rank(customerId, customer: customer, folded: folded, useRanker: useRanker, limit: limit,
                        excluded: UnsafeBufferPointer(start: nil, count: 0))
        }
        guard !watched.isEmpty else {
            return rank(customerId, customer: customer, folded: folded, useRanker: useRanker, limit: limit, excluded: trained)
        }
        return SortedMerge.merge(trained, weights: nil, watched).movies.withUnsafeBufferPointer { excluded in
            rank(customerId, customer: customer, folded: folded, useRanker: useRanker, limit: limit, excluded: excluded)
        }
    }

    private func rank(_ customerId: UInt32, customer: Int?, folded: FoldedHistory?, useRanker: Bool, limit: Int,
                      excluded: UnsafeBufferPointer<UInt32>) -> Recommendation {
        var selector = TopNSelector(capacity: limit)
        let rankedBy: RankedBy
        switch useRanker ? model.ranker : nil {
        case .ease:
            let scores = UnsafeMutablePointer<Float>.allocate(capacity: scoreCount)
            defer { scores.deallocate() }
            if let kept = folded?.rankerScores, kept.count == scoreCount {
                // Scores kept up to date watch by watch (`FoldedScoreCache`); select() writes into its copy.
                kept.withUnsafeBufferPointer { scores.update(from: $0.baseAddress!, count: scoreCount) }
            } else if !easeScores(customer: customer, watched: folded?.movies ?? [], into: scores) {
                // A customer whose ratings carry no positive weight (all low stars): the popular list.
                return popular(customerId, customer: customer, rated: excluded, limit: limit)
            }
            select(scores, rated: excluded, into: &selector)
            rankedBy = .ease
        case .ials:
            guard let movies = model.rankerMovieRows.baseAddress else {
                return popular(customerId, customer: customer, rated: excluded, limit: limit)
            }
            if let own = folded?.rankerFactors, own.count >= model.rankerStride {
                own.withUnsafeBufferPointer { own in
                    selectByDot(own.baseAddress!, movies, stride: model.rankerStride, bias: nil, rated: excluded, into: &selector)
                }
            } else if let customer, let own = model.rankerCustomerFactors.baseAddress {
                selectByDot(own + customer * model.rankerStride, movies, stride: model.rankerStride, bias: nil, rated: excluded, into: &selector)
            } else {
                return popular(customerId, customer: customer, rated: excluded, limit: limit)
            }
            rankedBy = .ials
        case nil:
            // b_i + q_i·p_u: the SVD's order (μ and b_u are the same for every movie).
            if let customer, let movies = model.movieFactors.baseAddress, let own = model.customerFactors.baseAddress {
                selectByDot(own + customer * model.stride, movies, stride: model.stride, bias: model.movieBias, rated: excluded, into: &selector)
            }
            rankedBy = .svd
        }
        return makeRecommendation(customerId, customer: customer, coldStart: false, selector, rankedBy: rankedBy)
    }

    /// Recommendations for many customers, in the order given. (Scoring a batch of EASE
    /// customers a block of movies at a time, so that row slices are reused from L2, was tried:
    /// 30–38 µs per customer against 25–28 one at a time in the stream bench.)
    public func recommend(customerIds: [UInt32], limit: Int = 10, excludeRated: Bool = true, ordering: Ordering = .ranker) -> [Recommendation] {
        customerIds.map { recommend(customerId: $0, limit: limit, excludeRated: excludeRated, ordering: ordering) }
    }

    /// A customer's training history (dense movie indices, ascending) and the weight of each;
    /// both empty for a customer the model does not know, the weights for a file without them.
    func trainingHistory(_ customer: Int?) -> (movies: UnsafeBufferPointer<UInt32>, weights: UnsafeBufferPointer<Float>) {
        let none = (UnsafeBufferPointer<UInt32>(start: nil, count: 0), UnsafeBufferPointer<Float>(start: nil, count: 0))
        guard let customer else { return none }
        return (model.ratedMovies(customer: customer), model.ratedWeights(customer: customer) ?? none.1)
    }
}
