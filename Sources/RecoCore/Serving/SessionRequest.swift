/// The body of `POST /v1/sessions/recommendations`: the movies an anonymous session watched,
/// folded in as the history of a customer the model has never seen.
public struct SessionRequest: Sendable, Equatable {
    public static let maximumMovies = 1_000
    static let fields = ["movie_ids", "limit", "exclude_watched"]

    public var movieIds: [UInt32]
    public var limit: Int
    /// Leave the session's own movies out of the list (default true).
    public var excludeWatched: Bool

    public init(movieIds: [UInt32], limit: Int = 10, excludeWatched: Bool = true) {
        self.movieIds = movieIds
        self.limit = limit
        self.excludeWatched = excludeWatched
    }

    /// Reads and checks a body: `movie_ids` (0 to 1,000 ids from 1 to 2^32 − 1), optional `limit`
    /// (1 to 100) and `exclude_watched`; unknown fields and null values are refused, naming the field.
    public static func parse(_ bytes: some Collection<UInt8>) throws(InputProblem) -> SessionRequest {
        let values = try JSONRequestBody.members(bytes, fields: fields, example: "{\"movie_ids\": [...], \"limit\": 10}")
        guard let moviesValue = values["movie_ids"] else { throw InputRules.required("movie_ids") }
        let elements = try InputRules.array(moviesValue, field: "movie_ids", of: "movie ids", maximum: maximumMovies)
        var request = SessionRequest(movieIds: [])
        for (index, element) in elements.enumerated() {
            request.movieIds.append(try InputRules.id(.json(element), field: "movie_ids[\(index)]"))
        }
        if let value = values["limit"] { request.limit = try InputRules.count(.json(value), field: "limit", in: 1...100) }
        if let value = values["exclude_watched"] { request.excludeWatched = try InputRules.flag(.json(value), field: "exclude_watched") }
        return request
    }
}
