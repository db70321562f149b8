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
    /// The movie factors laid out for scans (`FactorScan`): the ranker's (iALS) and the SVD's,
    /// nil where the file has none.
    let rankerBlocks: MovieFactorBlocks?
    let svdBlocks: MovieFactorBlocks?
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
        rankerBlocks = model.ranker == .ials ? model.rankerMovieRows.baseAddress.map {
            MovieFactorBlocks(rows: $0, count: model.movieCount, stride: model.rankerStride)
        } : nil
        svdBlocks = model.movieFactors.baseAddress.map { MovieFactorBlocks(rows: $0, count: model.movieCount, stride: model.stride) }
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
        switch plan(customerId: customerId, limit: limit, excludeRated: excludeRated, ordering: ordering, folded: folded) {
        case .answered(let recommendation): recommendation
        case .scan(let scan): self.scan([scan])[0]
        }
    }

    /// What `recommend` does for this customer: the answer, or the factor scan that gives it.
    public func plan(customerId: UInt32, limit: Int = 10, excludeRated: Bool = true, ordering: Ordering = .ranker,
                     folded: FoldedHistory? = nil) -> ListPlan {
        let limit = min(max(limit, 0), Self.maximumLimit)
        let useRanker = ordering == .ranker && model.ranker != nil
        let watched = folded?.movies ?? []
        let customer = model.customerIndex(of: customerId)
        if customer == nil && (watched.isEmpty || !useRanker) {
            return .answered(coldStart(customerId, limit: limit, useRanker: useRanker, excluding: excludeRated ? watched : []))
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
                      excluded: UnsafeBufferPointer<UInt32>) -> ListPlan {
        switch useRanker ? model.ranker : nil {
        case .ease:
            var selector = TopNSelector(capacity: limit)
            let scores = UnsafeMutablePointer<Float>.allocate(capacity: scoreCount)
            defer { scores.deallocate() }
            if let kept = folded?.rankerScores, kept.count == scoreCount {
                // Scores kept up to date watch by watch (`FoldedScoreCache`); select() writes into its copy.
                kept.withUnsafeBufferPointer { scores.update(from: $0.baseAddress!, count: scoreCount) }
            } else if !easeScores(customer: customer, watched: folded?.movies ?? [], into: scores) {
                // A customer whose ratings carry no positive weight (all low stars): the popular list.
                return .answered(popular(customerId, customer: customer, rated: excluded, limit: limit))
            }
            select(scores, rated: excluded, into: &selector)
            return .answered(makeRecommendation(customerId, customer: customer, coldStart: false, selector, rankedBy: .ease))
        case .ials:
            let stride = model.rankerStride
            if model.rankerMovieRows.baseAddress != nil, let own = folded?.rankerFactors, own.count >= stride {
                return .scan(FactorScan(customerId: customerId, customer: customer, limit: limit, rankedBy: .ials,
                                        factors: Array(own.prefix(stride)), excluded: Array(excluded)))
            }
            if model.rankerMovieRows.baseAddress != nil, let customer, let own = model.rankerCustomerFactors.baseAddress {
                return .scan(FactorScan(customerId: customerId, customer: customer, limit: limit, rankedBy: .ials,
                                        factors: Array(UnsafeBufferPointer(start: own + customer * stride, count: stride)),
                                        excluded: Array(excluded)))
            }
            return .answered(popular(customerId, customer: customer, rated: excluded, limit: limit))
        case nil:
            // b_i + q_i·p_u: the SVD's order (μ and b_u are the same for every movie).
            if let customer, model.movieFactors.baseAddress != nil, let own = model.customerFactors.baseAddress {
                return .scan(FactorScan(customerId: customerId, customer: customer, limit: limit, rankedBy: .svd,
                                        factors: Array(UnsafeBufferPointer(start: own + customer * model.stride, count: model.stride)),
                                        excluded: Array(excluded)))
            }
            return .answered(makeRecommendation(customerId, customer: customer, coldStart: false, TopNSelector(capacity: limit), rankedBy: .svd))
        }
    }

    /// Recommendations for many customers, in the order given. (Scoring a batch of EASE
    /// customers a block of movies at a time, so that row slices are reused from L2, was tried:
    /// 30–38 µs per customer against 25–28 one at a time in the stream bench.)
    public func recommend(customerIds: [UInt32], limit: Int = 10, excludeRated: Bool = true, ordering: Ordering = .ranker) -> [Recommendation] {
        resolve(customerIds.map { plan(customerId: $0, limit: limit, excludeRated: excludeRated, ordering: ordering) })
    }

    /// A customer's training history (dense movie indices, ascending) and the weight of each;
    /// both empty for a customer the model does not know, the weights for a file without them.
    func trainingHistory(_ customer: Int?) -> (movies: UnsafeBufferPointer<UInt32>, weights: UnsafeBufferPointer<Float>) {
        let none = (UnsafeBufferPointer<UInt32>(start: nil, count: 0), UnsafeBufferPointer<Float>(start: nil, count: 0))
        guard let customer else { return none }
        return (model.ratedMovies(customer: customer), model.ratedWeights(customer: customer) ?? none.1)
    }
}
