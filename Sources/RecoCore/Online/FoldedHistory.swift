/// A customer's state beyond the model file, for one recommendation: the movies watched since
/// training that the model knows and, for iALS, the customer's factors re-solved with them.
/// `Recommender.foldIn` makes it; `Recommender.recommend(…, folded:)` uses it.
public struct FoldedHistory: Sendable, Equatable {
    /// Dense movie indices, ascending, each once.
    public var movies: [UInt32]
    /// iALS only: the customer's factors with the movie factors fixed (`rankerStride` floats).
    public var rankerFactors: [Float]?
    /// EASE only, when kept watch by watch (`FoldedScoreCache`): the scores of every movie with
    /// `movies` folded in (`Recommender.scoreCount` floats), so a recommendation need not sum
    /// the history's rows again.
    public var rankerScores: [Float]?

    public init(movies: [UInt32], rankerFactors: [Float]? = nil, rankerScores: [Float]? = nil) {
        self.movies = movies
        self.rankerFactors = rankerFactors
        self.rankerScores = rankerScores
    }
}
