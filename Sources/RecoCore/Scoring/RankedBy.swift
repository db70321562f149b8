/// What chose and ordered a list; the API renders its raw value as `ranked_by`.
public enum RankedBy: String, Sendable, Codable, CaseIterable {
    case ease
    case ials
    /// The SVD's predicted rating (`Recommender.Ordering.svd`, or a file without a ranker).
    case svd
    /// Most rated in training: the cold-start list with a ranker.
    case popularity
    /// Highest b_i: the cold-start list without a ranker (as Surprise predicts μ + b_i).
    case movieBias = "movie bias"
}

extension RankedBy {
    public init(_ kind: RankerKind) {
        switch kind {
        case .ease: self = .ease
        case .ials: self = .ials
        }
    }
}
