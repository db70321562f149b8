import Hummingbird
import RecoCore

/// `GET /v1/movies/{id}/similar`: cosine similarity of item factors.
struct MoviesController {
    let models: ModelHolder

    struct SimilarItem: Codable, Equatable {
        var rank: Int
        var movieId: UInt32
        var title: String?
        var year: Int?
        var similarity: Double

        enum CodingKeys: String, CodingKey {
            case rank, title, year, similarity
            case movieId = "movie_id"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(rank, forKey: .rank)
            try container.encode(movieId, forKey: .movieId)
            try container.encode(title, forKey: .title)
            try container.encode(year, forKey: .year)
            try container.encode(similarity, forKey: .similarity)
        }
    }

    struct SimilarResponse: Codable, Equatable {
        var movieId: UInt32
        var title: String?
        var modelVersion: String
        var items: [SimilarItem]

        enum CodingKeys: String, CodingKey {
            case title, items
            case movieId = "movie_id"
            case modelVersion = "model_version"
        }
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/v1/movies/:id/similar") { request, context in
            try self.similar(request, context)
        }
    }

    func similar(_ request: Request, _ context: some RequestContext) throws -> Response {
        let id = try ParameterParsing.id(context.parameters.get("id").map { Substring($0) }, field: "id")
        let limit = try ParameterParsing.limit(request.uri.queryParameters["limit"])
        let ordering = try ParameterParsing.ordering(request.uri.queryParameters["ranker"])
        guard let serving = models.serving else { throw APIError.notReady }
        let movies: [ScoredMovie]
        do {
            movies = try serving.recommender.similarMovies(to: id, limit: limit, ordering: ordering)
        } catch {
            throw APIError.notFound("movie \(id) is not in the model", field: "id")
        }
        let items = movies.enumerated().map { index, movie in
            SimilarItem(rank: index + 1, movieId: movie.movieId, title: serving.catalog[movie.movieId]?.title,
                        year: serving.catalog[movie.movieId]?.year, similarity: RecommendedMovie.rounded(movie.score))
        }
        return try JSONResponse.make(SimilarResponse(movieId: id, title: serving.catalog[id]?.title, modelVersion: serving.version, items: items))
    }
}
