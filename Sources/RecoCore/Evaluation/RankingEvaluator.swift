import Dispatch

/// Top-k evaluation of rankings on held-out ratings, with one protocol for every model:
///
/// - relevant items of a customer: held-out ratings with stars ≥ `relevantThreshold` of movies
///   that training knows (a movie without training ratings cannot be recommended by any model);
/// - evaluated customers: ≥ 1 relevant item and ≥ 1 training rating;
/// - candidates: every movie with a training rating, minus the customer's training movies;
/// - ties: the smaller movie id ranks first.
public struct RankingEvaluator: Sendable {
    public let k: Int
    public let relevantThreshold: Float
    public let movieCount: Int
    /// Evaluated customers (dense indices of the training matrix), ascending.
    public let customers: [Int]
    let relevantOffsets: [Int]
    let relevantMovies: [UInt32]
    let excludedOffsets: [Int]
    let excludedMovies: [UInt32]
    /// Movies with at least one training rating.
    let candidate: [Bool]
    public let candidateCount: Int

    /// `training` is what the models learn from; `test` are the held-out ratings, indexed the same
    /// way (rows whose customer or movie index is out of range are ignored).
    public init(training: InteractionMatrix, test: TrainingRatings, k: Int = 10, relevantThreshold: Float = 4) {
        self.k = k
        self.relevantThreshold = relevantThreshold
        movieCount = training.movieCount
        var candidate = [Bool](repeating: false, count: training.movieCount)
        for movie in training.ratedMovies { candidate[Int(movie)] = true }
        self.candidate = candidate
        candidateCount = candidate.reduce(0) { $0 + ($1 ? 1 : 0) }

        var relevant = [[UInt32]](repeating: [], count: training.customerCount)
        for row in 0..<test.count where test.stars[row] >= relevantThreshold {
            let customer = Int(test.customers[row])
            let movie = Int(test.movies[row])
            guard customer < training.customerCount, movie < training.movieCount, candidate[movie] else { continue }
            relevant[customer].append(UInt32(movie))
        }
        var customers: [Int] = []
        var offsets = [0]
        var movies: [UInt32] = []
        var excludedOffsets = [0]
        var excludedMovies: [UInt32] = []
        for customer in 0..<training.customerCount where !relevant[customer].isEmpty && !training.rated(customer).isEmpty {
            let rated = training.ratedMovies[training.rated(customer)]
            // A movie both in training and held out (a repeated rating) is not a candidate, so not relevant either.
            let items = Set(relevant[customer]).subtracting(rated).sorted()
            guard !items.isEmpty else { continue }
            customers.append(customer)
            movies.append(contentsOf: items)
            offsets.append(movies.count)
            excludedMovies.append(contentsOf: rated)
            excludedOffsets.append(excludedMovies.count)
        }
        self.customers = customers
        relevantOffsets = offsets
        relevantMovies = movies
        self.excludedOffsets = excludedOffsets
        self.excludedMovies = excludedMovies
    }

    /// Fills a score for every movie of customer `customer` (higher is better) into a buffer of
    /// `capacity` floats.
    public typealias Scorer = @Sendable (_ customer: Int, _ scores: UnsafeMutablePointer<Float>) -> Void

    /// Ranks for every evaluated customer and measures. Customers are split into fixed chunks and
    /// summed in order, so the figures do not depend on threads or timing.
    public func evaluate(scoreCapacity: Int, threads: Int = 1, score: Scorer) -> RankingMetrics {
        let count = customers.count
        guard count > 0 else {
            return RankingMetrics(k: k, precision: 0, recall: 0, ndcg: 0, map: 0, hitRate: 0, coverage: 0, concentration: 0, customers: 0)
        }
        let chunks = min(count, max(1, threads) * 16)
        let capacity = max(scoreCapacity, movieCount)
        var sums = [SIMD8<Double>](repeating: .zero, count: chunks)
        var recommended = [[UInt32]](repeating: [], count: chunks)
        sums.withUnsafeMutableBufferPointer { sumBuffer in
            recommended.withUnsafeMutableBufferPointer { listBuffer in
                let sumOutput = SendablePointer(sumBuffer.baseAddress!)
                let listOutput = SendablePointer(listBuffer.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    let scores = UnsafeMutablePointer<Float>.allocate(capacity: capacity)
                    defer { scores.deallocate() }
                    var total = SIMD8<Double>.zero
                    var lists: [UInt32] = []
                    for position in (count * chunk / chunks)..<(count * (chunk + 1) / chunks) {
                        let top = topMovies(for: position, scores: scores, score: score)
                        lists.append(contentsOf: top)
                        let relevant = relevantMovies[relevantOffsets[position]..<relevantOffsets[position + 1]]
                        let hits = top.map { movie in relevant.contains(movie) }
                        let figures = RankingMetrics.customerFigures(hits: hits, relevant: relevant.count, k: k)
                        total += SIMD8(figures.precision, figures.recall, figures.ndcg, figures.map, figures.hit, 0, 0, 0)
                    }
                    sumOutput.pointer[chunk] = total
                    listOutput.pointer[chunk] = lists
                }
            }
        }
        let total = sums.reduce(SIMD8<Double>.zero, +) / Double(count)
        var timesRecommended = [Int](repeating: 0, count: movieCount)
        var slots = 0
        for list in recommended {
            for movie in list { timesRecommended[Int(movie)] += 1 }
            slots += list.count
        }
        let distinct = timesRecommended.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
        let topTen = timesRecommended.sorted(by: >).prefix(10).reduce(0, +)
        return RankingMetrics(k: k, precision: total[0], recall: total[1], ndcg: total[2], map: total[3], hitRate: total[4],
                              coverage: Double(distinct) / Double(max(candidateCount, 1)),
                              concentration: Double(topTen) / Double(max(slots, 1)), customers: count)
    }

    /// The top k candidates of the evaluated customer at `position`, ties to the smaller movie.
    func topMovies(for position: Int, scores: UnsafeMutablePointer<Float>, score: Scorer) -> [UInt32] {
        score(customers[position], scores)
        for movie in excludedMovies[excludedOffsets[position]..<excludedOffsets[position + 1]] {
            scores[Int(movie)] = -.infinity
        }
        var selector = TopNSelector(capacity: k)
        for movie in 0..<movieCount where candidate[movie] {
            let value = scores[movie]
            // A NaN score never enters; -inf marks an excluded movie.
            if value > -.infinity && value >= selector.threshold { selector.consider(value, movie: movie) }
        }
        return selector.movies.map { UInt32($0) }
    }
}
