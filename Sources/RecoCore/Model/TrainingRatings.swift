/// The ratings one training run sees: parallel columns of dense customer index, dense movie
/// index and stars, with the sizes of the id spaces they index into.
public struct TrainingRatings: Sendable {
    public var customers: [UInt32]
    public var movies: [UInt32]
    public var stars: [Float]
    public var customerCount: Int
    public var movieCount: Int

    public init(customers: [UInt32], movies: [UInt32], stars: [Float], customerCount: Int, movieCount: Int) {
        self.customers = customers
        self.movies = movies
        self.stars = stars
        self.customerCount = customerCount
        self.movieCount = movieCount
    }

    /// All ratings of a data set.
    public init(_ dataset: RatingsDataset) {
        self.init(dataset, rows: nil)
    }

    /// The given rows of a data set (all when nil), in that order.
    public init(_ dataset: RatingsDataset, rows: [Int]?) {
        if let rows {
            customers = rows.map { dataset.customerIndex[$0] }
            movies = rows.map { dataset.movieIndex[$0] }
            stars = rows.map { dataset.rating(at: $0) }
        } else {
            customers = dataset.customerIndex
            movies = dataset.movieIndex
            stars = dataset.halfStars.map { Float($0) * 0.5 }
        }
        customerCount = dataset.customerCount
        movieCount = dataset.movieCount
    }

    public var count: Int { stars.count }

    public var mean: Double {
        guard !stars.isEmpty else { return 0 }
        return stars.reduce(0.0) { $0 + Double($1) } / Double(stars.count)
    }
}
