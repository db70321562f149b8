import RecoCore

/// One ranked movie in a v1 response.
struct RecommendationItem: Codable, Sendable, Equatable {
    var rank: Int
    var movieId: UInt32
    var title: String?
    var year: Int?
    var score: Double

    enum CodingKeys: String, CodingKey {
        case rank, title, year, score
        case movieId = "movie_id"
    }

    static func items(_ movies: [ScoredMovie], catalog: MovieCatalog) -> [RecommendationItem] {
        movies.enumerated().map { index, movie in
            let entry = catalog[movie.movieId]
            return RecommendationItem(rank: index + 1, movieId: movie.movieId, title: entry?.title, year: entry?.year,
                                      score: rounded(movie.score))
        }
    }

    /// `year` is written as null when unknown, never left out, so clients see a stable shape.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rank, forKey: .rank)
        try container.encode(movieId, forKey: .movieId)
        try container.encode(title, forKey: .title)
        try container.encode(year, forKey: .year)
        try container.encode(score, forKey: .score)
    }
}

/// Scores to 4 decimals: Float noise beyond that carries no information.
func rounded(_ score: Float) -> Double {
    (Double(score) * 10_000).rounded() / 10_000
}
