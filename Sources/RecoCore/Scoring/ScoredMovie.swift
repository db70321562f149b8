/// A movie in a ranked list.
public struct ScoredMovie: Sendable, Equatable {
    public var movieId: UInt32
    /// Predicted rating clipped to the scale (recommendations) or the similarity (similar movies).
    public var score: Float

    public init(movieId: UInt32, score: Float) {
        self.movieId = movieId
        self.score = score
    }
}

/// The top movies for one customer.
public struct Recommendation: Sendable, Equatable {
    public var customerId: UInt32
    /// The model has never seen the customer: movies are ranked by μ + b_i.
    public var coldStart: Bool
    public var items: [ScoredMovie]
    /// What chose and ordered the items.
    public var rankedBy: RankedBy
}
