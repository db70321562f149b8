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
    public static func parse(_ bytes: some Collection<UInt8>) throws(RecommendationBatchRequest.Problem) -> SessionRequest {
        typealias Problem = RecommendationBatchRequest.Problem
        let values = try JSONRequestBody.members(bytes, fields: fields, example: "{\"movie_ids\": [...], \"limit\": 10}")
        guard let moviesValue = values["movie_ids"] else { throw Problem(field: "movie_ids", message: "movie_ids: required") }
        guard case .array(let elements) = moviesValue else {
            throw Problem(field: "movie_ids", message: "movie_ids: must be an array of movie ids")
        }
        guard elements.count <= maximumMovies else {
            throw Problem(field: "movie_ids", message: "movie_ids: at most \(maximumMovies), got \(elements.count)")
        }
        var request = SessionRequest(movieIds: [])
        for (index, element) in elements.enumerated() {
            let field = "movie_ids[\(index)]"
            guard case .number(let number) = element, number.isFinite, number == number.rounded() else {
                throw Problem(field: field, message: "\(field): must be a whole number")
            }
            guard number >= 1, number <= Double(UInt32.max) else {
                throw Problem(field: field, message: "\(field): must be between 1 and \(UInt32.max)")
            }
            request.movieIds.append(UInt32(number))
        }
        if let value = values["limit"] {
            guard case .number(let number) = value, number == number.rounded(), (1...100).contains(number) else {
                throw Problem(field: "limit", message: "limit: must be a whole number from 1 to 100")
            }
            request.limit = Int(number)
        }
        if let value = values["exclude_watched"] {
            guard case .bool(let flag) = value else { throw Problem(field: "exclude_watched", message: "exclude_watched: must be true or false") }
            request.excludeWatched = flag
        }
        return request
    }
}
