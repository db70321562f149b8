/// One ranked movie as services show and store it: rank, id, title and year from the catalogue,
/// and the score rounded to 4 decimals. `init(ranking:catalog:)` is the one place that joins a
/// ranked list with the catalogue, so every route and every stream service shows the same values.
public struct RecommendedMovie: Codable, Sendable, Equatable {
    public var rank: Int
    public var movieId: UInt32
    public var title: String?
    public var year: Int?
    public var score: Double

    public init(rank: Int, movieId: UInt32, title: String?, year: Int?, score: Double) {
        self.rank = rank
        self.movieId = movieId
        self.title = title
        self.year = year
        self.score = score
    }

    enum CodingKeys: String, CodingKey {
        case rank, title, year, score
        case movieId = "movie_id"
    }

    /// A ranked list with titles, years and rounded scores; ranks start at 1.
    public static func list(_ ranking: [ScoredMovie], catalog: MovieCatalog) -> [RecommendedMovie] {
        ranking.enumerated().map { index, movie in
            let entry = catalog[movie.movieId]
            return RecommendedMovie(rank: index + 1, movieId: movie.movieId, title: entry?.title, year: entry?.year,
                                    score: rounded(movie.score))
        }
    }

    /// Scores to 4 decimals: Float noise beyond that carries no information.
    public static func rounded(_ score: Float) -> Double {
        (Double(score) * 10_000).rounded() / 10_000
    }

    /// `year` and `title` are written as null when unknown, never left out, so clients see a stable shape.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rank, forKey: .rank)
        try container.encode(movieId, forKey: .movieId)
        try container.encode(title, forKey: .title)
        try container.encode(year, forKey: .year)
        try container.encode(score, forKey: .score)
    }
}
