/// The size and shape of a synthetic Netflix-Prize-like data set.
public struct SyntheticDataConfig: Sendable, Equatable {
    public var customers = 20_000
    public var movies = 2_000
    public var ratings = 1_000_000
    public var seed: UInt64 = 42
    /// Number of `combined_data_N.txt` files; nil picks one per 25M ratings, at most 4 (as Netflix).
    public var files: Int?
    /// Rank of the hidden taste structure.
    public var latentFactors = 8
    /// Zipf exponents of movie popularity and customer activity (rank r weighs 1 / (r + offset)^s).
    public var moviePopularityExponent = 0.9
    public var customerActivityExponent = 0.45
    /// Standard deviation of the rating noise on the latent scale.
    public var noise = 0.55
    /// Selection bias: who rates a movie is drawn among `selectionCandidates` customers (by
    /// activity) with odds exp(strength × taste match), so customers mostly rate movies they are
    /// likely to like, as real ones do. 0 turns it off (who rates is independent of taste).
    public var selectionStrength = 1.5
    public var selectionCandidates = 4

    public init() {}

    public var fileCount: Int { files ?? min(4, max(1, (ratings + 24_999_999) / 25_000_000)) }

    /// A movie cannot have more ratings than this share of customers.
    static let maximumAudienceShare = 0.25

    public func validate() throws(SyntheticDataError) {
        guard customers > 0, movies > 0, ratings > 0 else { throw .invalid("customers, movies and ratings must be positive") }
        guard customers <= 100_000_000, movies <= 10_000_000 else { throw .invalid("at most 100M customers and 10M movies") }
        let capacity = Double(movies) * (Double(customers) * Self.maximumAudienceShare).rounded(.down)
        guard Double(ratings) <= capacity * 0.5 else {
            throw .invalid("\(ratings) ratings do not fit \(customers) customers × \(movies) movies; use at most \(Int(capacity * 0.5)) or add customers")
        }
        guard (1...64).contains(latentFactors) else { throw .invalid("latent factors must be 1...64") }
        guard (1...100).contains(fileCount) else { throw .invalid("files must be 1...100") }
        guard selectionStrength.isFinite, (0...10).contains(selectionStrength) else { throw .invalid("selection strength must be 0...10") }
        guard (1...64).contains(selectionCandidates) else { throw .invalid("selection candidates must be 1...64") }
    }
}

public enum SyntheticDataError: Error, CustomStringConvertible, Sendable {
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let message): return "invalid synthetic data settings: \(message)"
        }
    }
}
