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
    /// iALS fold-in: the solver with the model's parameters, YᵀY of its movie factors and the
    /// mean positive history per customer (for the frequency-scaled λ), computed once per model.
    private let foldInSolver: (trainer: ALSTrainer, gram: [Float], meanCount: Float)?

    /// Dense index + 1 of each movie id (0: not in the model), when the largest id is small
    /// enough (Netflix: 17,770; MovieLens 25M: 209,171); empty otherwise. A fold-in maps every
    /// watched id, and a binary search over the ids cost a fifth of reco-api's CPU with fold-in
    /// in the stream bench (mispredicted branches).
    private let movieIndexTable: [UInt32]
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
        let merged = Self.withWatches(usable.movies, usable.weights, movies)
        // Training learns from positive weights only, and so does its solve.
        let positive = merged.weights.indices.filter { merged.weights[$0] > 0 && Int(merged.movies[$0]) < model.movieCount }
        let stride = model.rankerStride
        let start = customer.map { Array(model.rankerCustomerFactors[($0 * stride)..<(($0 + 1) * stride)]) }
        let factors = solver.trainer.foldIn(movies: positive.map { merged.movies[$0] }, weights: positive.map { merged.weights[$0] },
                                            movieFactors: model.rankerMovieRows, gram: solver.gram, stride: stride,
                                            customerMeanCount: solver.meanCount, startingFrom: start)
        return FoldedHistory(movies: movies, rankerFactors: factors)
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
        return Self.union(trained, watched).withUnsafeBufferPointer { excluded in
            rank(customerId, customer: customer, folded: folded, useRanker: useRanker, limit: limit, excluded: excluded)
        }
    }

    private func rank(_ customerId: UInt32, customer: Int?, folded: FoldedHistory?, useRanker: Bool, limit: Int,
                      excluded: UnsafeBufferPointer<UInt32>) -> Recommendation {
        var selector = TopNSelector(capacity: limit)
        let rankedBy: String
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
            rankedBy = RankerKind.ease.rawValue
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
            rankedBy = RankerKind.ials.rawValue
        case nil:
            // b_i + q_i·p_u: the SVD's order (μ and b_u are the same for every movie).
            if let customer, let movies = model.movieFactors.baseAddress, let own = model.customerFactors.baseAddress {
                selectByDot(own + customer * model.stride, movies, stride: model.stride, bias: model.movieBias, rated: excluded, into: &selector)
            }
            rankedBy = Ordering.svd.rawValue
        }
        return makeRecommendation(customerId, customer: customer, coldStart: false, selector, rankedBy: rankedBy)
    }

    /// Sorted union of two ascending lists of dense indices.
    static func union(_ first: UnsafeBufferPointer<UInt32>, _ second: [UInt32]) -> [UInt32] {
        var result: [UInt32] = []
        result.reserveCapacity(first.count + second.count)
        var i = 0
        var j = 0
        while i < first.count || j < second.count {
            if j == second.count || (i < first.count && first[i] < second[j]) {
                result.append(first[i]); i += 1
            } else if i == first.count || second[j] < first[i] {
                result.append(second[j]); j += 1
            } else {
                result.append(first[i]); i += 1; j += 1
            }
        }
        return result
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

    /// Fills EASE's score of every movie from the customer's training history (weights from the
    /// file) and the movies watched since (weight 1, as a watch without a rating counts); false
    /// when there is no positive history.
    private func easeScores(customer: Int?, watched: [UInt32], into scores: UnsafeMutablePointer<Float>) -> Bool {
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
        let (movies, merged) = Self.withWatches(history, weights, watched)
        return movies.withUnsafeBufferPointer { movies in merged.withUnsafeBufferPointer { score(movies, $0) } }
    }

    /// A customer's training history (dense movie indices, ascending) and the weight of each;
    /// both empty for a customer the model does not know, the weights for a file without them.
    private func trainingHistory(_ customer: Int?) -> (movies: UnsafeBufferPointer<UInt32>, weights: UnsafeBufferPointer<Float>) {
        let none = (UnsafeBufferPointer<UInt32>(start: nil, count: 0), UnsafeBufferPointer<Float>(start: nil, count: 0))
        guard let customer else { return none }
        return (model.ratedMovies(customer: customer), model.ratedWeights(customer: customer) ?? none.1)
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

    /// A training history with watched movies added at weight 1 (a watched movie rated low
    /// before counts fully now: watching it again is the stronger evidence).
    static func withWatches(_ history: UnsafeBufferPointer<UInt32>, _ weights: UnsafeBufferPointer<Float>,
                            _ watched: [UInt32]) -> (movies: [UInt32], weights: [Float]) {
        var movies: [UInt32] = []
        var merged: [Float] = []
        movies.reserveCapacity(history.count + watched.count)
        merged.reserveCapacity(history.count + watched.count)
        var i = 0
        var j = 0
        while i < history.count || j < watched.count {
            if j == watched.count || (i < history.count && history[i] < watched[j]) {
                movies.append(history[i]); merged.append(weights[i]); i += 1
            } else if i == history.count || watched[j] < history[i] {
                movies.append(watched[j]); merged.append(1); j += 1
            } else {
                movies.append(history[i]); merged.append(1); i += 1; j += 1
            }
        }
        return (movies, merged)
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

    private func coldStart(_ customerId: UInt32, limit: Int, useRanker: Bool, excluding watched: [UInt32]) -> Recommendation {
        if useRanker {
            return watched.withUnsafeBufferPointer { popular(customerId, customer: nil, rated: $0, limit: limit) }
        }
        var selector = TopNSelector(capacity: limit)
        let movieBias = model.movieBias
        var next = 0
        for movie in 0..<model.movieCount {
            while next < watched.count && Int(watched[next]) < movie { next += 1 }
            if next < watched.count && Int(watched[next]) == movie { continue }
            selector.consider(movieBias[movie], movie: movie)
        }
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
