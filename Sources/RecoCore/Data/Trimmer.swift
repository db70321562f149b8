/// The seed's trimming: drop movies rated fewer times than a percentile of all movies' rating
/// counts, and customers below the same kind of percentile of customers' counts.
///
/// Both thresholds come from the untrimmed data and are applied together, exactly as the seed's
/// pandas code does: `round(counts.quantile(0.7), 0)` (linear interpolation, round half to even),
/// then keep counts `>=` the threshold.
public struct Trimmer: Sendable {
    public var moviePercentile: Double
    public var customerPercentile: Double

    public init(moviePercentile: Double = 0.7, customerPercentile: Double = 0.7) {
        self.moviePercentile = moviePercentile
        self.customerPercentile = customerPercentile
    }

    public struct Outcome: Sendable, Equatable, Codable {
        public var movieBenchmark: Int
        public var customerBenchmark: Int
        public var moviesDropped: Int
        public var customersDropped: Int
    }

    public func trim(_ dataset: inout RatingsDataset) -> Outcome {
        let (customerCounts, movieCounts) = dataset.counts()
        let movieBenchmark = Self.benchmark(movieCounts, percentile: moviePercentile)
        let customerBenchmark = Self.benchmark(customerCounts, percentile: customerPercentile)
        let keepMovie = movieCounts.map { Int($0) >= movieBenchmark }
        let keepCustomer = customerCounts.map { Int($0) >= customerBenchmark }
        let customersBefore = dataset.customerCount
        let moviesBefore = dataset.movieCount
        dataset.retain { customer, movie in keepMovie[Int(movie)] && keepCustomer[Int(customer)] }
        return Outcome(movieBenchmark: movieBenchmark, customerBenchmark: customerBenchmark,
                       moviesDropped: moviesBefore - dataset.movieCount,
                       customersDropped: customersBefore - dataset.customerCount)
    }

    /// `round(quantile(counts, percentile))` as pandas and Python compute it.
    public static func benchmark(_ counts: [UInt32], percentile: Double) -> Int {
        Int(quantile(counts.sorted(), percentile).rounded(.toNearestOrEven))
    }

    /// Linear-interpolation quantile of sorted values (pandas' and numpy's default).
    public static func quantile(_ sorted: [UInt32], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let position = q * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let fraction = position - Double(lower)
        return Double(sorted[lower]) + fraction * (Double(sorted[upper]) - Double(sorted[lower]))
    }
}
