/// Which movies each customer chose, with a weight per choice, stored both by customer (rows)
/// and by movie (columns) in compressed form. Movies in a row are ascending.
///
/// `rated*` keep every rated movie (for leaving it out of recommendations); `movies`/`weights`
/// keep only those with a positive weight (the evidence the ranker learns from).
public struct InteractionMatrix: Sendable {
    public let customerCount: Int
    public let movieCount: Int
    /// Rows by customer: `rowOffsets[c]..<rowOffsets[c+1]` index `movies` and `weights`.
    public let rowOffsets: [Int]
    public let movies: [UInt32]
    public let weights: [Float]
    /// Columns by movie: `columnOffsets[m]..<columnOffsets[m+1]` index `customers` and `columnWeights`.
    public let columnOffsets: [Int]
    public let customers: [UInt32]
    public let columnWeights: [Float]
    /// Every rated movie per customer, whatever its weight (ascending).
    public let ratedOffsets: [Int]
    public let ratedMovies: [UInt32]
    public let ratedWeights: [Float]

    /// Builds the matrix from training ratings. A customer who rated a movie twice counts once,
    /// with the larger weight. Rows must index below `customerCount` / `movieCount`.
    public init(_ ratings: TrainingRatings, weighting: FeedbackWeighting) {
        self.init(customers: ratings.customers, movies: ratings.movies, weights: ratings.stars.map(weighting.weight(stars:)),
                  customerCount: ratings.customerCount, movieCount: ratings.movieCount)
    }

    /// Training ratings plus watches (dense customer and movie indices) at weight 1, as a watch
    /// without a rating counts: the ranker learns from both, the SVD from the ratings only.
    public init(_ ratings: TrainingRatings, weighting: FeedbackWeighting, watches: [(customer: UInt32, movie: UInt32)]) {
        self.init(ratings, weighting: weighting, watches: watches, watchWeights: [Float](repeating: 1, count: watches.count))
    }

    /// Training ratings plus watches at their own weights (`RecencyWeighting`: recent feedback
    /// weighted more), one weight per watch.
    public init(_ ratings: TrainingRatings, weighting: FeedbackWeighting, watches: [(customer: UInt32, movie: UInt32)], watchWeights: [Float]) {
        precondition(watchWeights.count == watches.count, "one weight per watch")
        guard !watches.isEmpty else {
            self.init(ratings, weighting: weighting)
            return
        }
        self.init(customers: ratings.customers + watches.map(\.customer), movies: ratings.movies + watches.map(\.movie),
                  weights: ratings.stars.map(weighting.weight(stars:)) + watchWeights,
                  customerCount: ratings.customerCount, movieCount: ratings.movieCount)
    }

    /// The given rows of a data set (all when nil), without an intermediate copy of the ratings.
    public init(_ dataset: RatingsDataset, rows: [Int]? = nil, weighting: FeedbackWeighting) {
        if let rows {
            self.init(customers: rows.map { dataset.customerIndex[$0] }, movies: rows.map { dataset.movieIndex[$0] },
                      weights: rows.map { weighting.weight(stars: dataset.rating(at: $0)) },
                      customerCount: dataset.customerCount, movieCount: dataset.movieCount)
        } else {
            self.init(customers: dataset.customerIndex, movies: dataset.movieIndex,
                      weights: dataset.halfStars.map { weighting.weight(stars: Float($0) * 0.5) },
                      customerCount: dataset.customerCount, movieCount: dataset.movieCount)
        }
    }

    public init(customers rowCustomers: [UInt32], movies rowMovies: [UInt32], weights rowWeights: [Float],
                customerCount: Int, movieCount: Int) {
        self.customerCount = customerCount
        self.movieCount = movieCount
        // Counting sort by customer, then each row sorted by movie and its repeats merged, in
        // place: no copy of all ratings is held beside the result.
        var ratedOffsets = Self.offsets(counting: rowCustomers, keys: customerCount)
        var position = ratedOffsets
        var ratedMovies = [UInt32](repeating: 0, count: rowCustomers.count)
        var ratedWeights = [Float](repeating: 0, count: rowCustomers.count)
        for row in rowCustomers.indices {
            let customer = Int(rowCustomers[row])
            ratedMovies[position[customer]] = rowMovies[row]
            ratedWeights[position[customer]] = rowWeights[row]
            position[customer] += 1
        }
        var pairs: [UInt64] = []
        var written = 0
        var positive = 0
        for customer in 0..<customerCount {
            let range = ratedOffsets[customer]..<ratedOffsets[customer + 1]
            // Movie in the high half, weight's bits in the low half: sorting orders by movie.
            pairs.removeAll(keepingCapacity: true)
            for index in range { pairs.append(UInt64(ratedMovies[index]) << 32 | UInt64(ratedWeights[index].bitPattern)) }
            pairs.sort()
            ratedOffsets[customer] = written
            for pair in pairs {
                let movie = UInt32(pair >> 32)
                let weight = Float(bitPattern: UInt32(truncatingIfNeeded: pair))
                if written > ratedOffsets[customer], ratedMovies[written - 1] == movie {
                    ratedWeights[written - 1] = max(ratedWeights[written - 1], weight)
                } else {
                    ratedMovies[written] = movie
                    ratedWeights[written] = weight
                    written += 1
                }
            }
            for index in ratedOffsets[customer]..<written where ratedWeights[index] > 0 { positive += 1 }
        }
        ratedOffsets[customerCount] = written
        ratedMovies.removeLast(ratedMovies.count - written)
        ratedWeights.removeLast(ratedWeights.count - written)
        var rowOffsets = [Int](repeating: 0, count: customerCount + 1)
        var movies: [UInt32] = []
        var weights: [Float] = []
        movies.reserveCapacity(positive)
        weights.reserveCapacity(positive)
        for customer in 0..<customerCount {
            for index in ratedOffsets[customer]..<ratedOffsets[customer + 1] where ratedWeights[index] > 0 {
                movies.append(ratedMovies[index])
                weights.append(ratedWeights[index])
            }
            rowOffsets[customer + 1] = movies.count
        }
        let columnOffsets = Self.offsets(counting: movies, keys: movieCount)
        var columnPosition = columnOffsets
        var customers = [UInt32](repeating: 0, count: movies.count)
        var columnWeights = [Float](repeating: 0, count: movies.count)
        for customer in 0..<customerCount {
            for index in rowOffsets[customer]..<rowOffsets[customer + 1] {
                let movie = Int(movies[index])
                customers[columnPosition[movie]] = UInt32(customer)
                columnWeights[columnPosition[movie]] = weights[index]
                columnPosition[movie] += 1
            }
        }
        self.rowOffsets = rowOffsets
        self.movies = movies
        self.weights = weights
        self.columnOffsets = columnOffsets
        self.customers = customers
        self.columnWeights = columnWeights
        self.ratedOffsets = ratedOffsets
        self.ratedMovies = ratedMovies
        self.ratedWeights = ratedWeights
    }

    /// Compressed-row offsets for entries keyed by `values`: key k's entries go to
    /// `offsets[k]..<offsets[k + 1]`.
    private static func offsets(counting values: [UInt32], keys: Int) -> [Int] {
        var offsets = [Int](repeating: 0, count: keys + 1)
        for value in values { offsets[Int(value) + 1] += 1 }
        for index in 0..<keys { offsets[index + 1] += offsets[index] }
        return offsets
    }

    /// Interactions with a positive weight.
    public var count: Int { movies.count }

    public func row(_ customer: Int) -> Range<Int> { rowOffsets[customer]..<rowOffsets[customer + 1] }
    public func column(_ movie: Int) -> Range<Int> { columnOffsets[movie]..<columnOffsets[movie + 1] }
    public func rated(_ customer: Int) -> Range<Int> { ratedOffsets[customer]..<ratedOffsets[customer + 1] }

    /// Ratings per movie (every rating, whatever its weight): the most-popular ranking.
    public func ratingCounts() -> [Float] {
        var counts = [Float](repeating: 0, count: movieCount)
        for movie in ratedMovies { counts[Int(movie)] += 1 }
        return counts
    }
}
