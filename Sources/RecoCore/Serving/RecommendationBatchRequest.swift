/// The body of `POST /v1/recommendations/batch`. Ids are read as 64-bit so that the route can
/// say which one is out of range instead of failing to decode.
public struct RecommendationBatchRequest: Codable, Sendable, Equatable {
    public var customerIds: [Int64]
    public var limit: Int?
    public var excludeRated: Bool?
    /// "ranker" (default) or "svd".
    public var ranker: String?
    /// Movies being watched now, folded into those customers' state before recommending (not
    /// kept): the stream services send their events so that the list they store reflects the
    /// event even before the replica has read it from Kafka. Pairs for customers not in
    /// `customerIds` change nothing.
    public var watching: [Watching]?

    public struct Watching: Codable, Sendable, Equatable {
        public var customerId: UInt32
        public var movieId: UInt32

        public init(customerId: UInt32, movieId: UInt32) {
            self.customerId = customerId
            self.movieId = movieId
        }

        enum CodingKeys: String, CodingKey {
            case customerId = "customer_id"
            case movieId = "movie_id"
        }
    }

    public init(customerIds: [Int64], limit: Int? = nil, excludeRated: Bool? = nil, ranker: String? = nil, watching: [Watching]? = nil) {
        self.customerIds = customerIds
        self.limit = limit
        self.excludeRated = excludeRated
        self.ranker = ranker
        self.watching = watching
    }

    enum CodingKeys: String, CodingKey {
        case limit, ranker, watching
        case customerIds = "customer_ids"
        case excludeRated = "exclude_rated"
    }

    /// The movies of `watching` per customer id, in request order, each once.
    public var watchingByCustomer: [UInt32: [UInt32]] {
        var result: [UInt32: [UInt32]] = [:]
        for pair in watching ?? [] where !result[pair.customerId, default: []].contains(pair.movieId) {
            result[pair.customerId, default: []].append(pair.movieId)
        }
        return result
    }

    /// The body as the stream services send it (no encoder on the hot path).
    public func jsonBytes() -> [UInt8] {
        var json = JSONBytesWriter(reservingCapacity: 32 + customerIds.count * 12 + (watching?.count ?? 0) * 40)
        json.raw("{\"customer_ids\":[")
        for (index, id) in customerIds.enumerated() {
            if index > 0 { json.raw(",") }
            json.integer(id)
        }
        json.raw("]")
        if let limit {
            json.raw(",\"limit\":")
            json.integer(limit)
        }
        if let excludeRated {
            json.raw(",\"exclude_rated\":")
            json.boolean(excludeRated)
        }
        if let ranker {
            json.raw(",\"ranker\":")
            json.string(ranker)
        }
        if let watching {
            json.raw(",\"watching\":[")
            for (index, pair) in watching.enumerated() {
                json.raw(index > 0 ? ",{\"customer_id\":" : "{\"customer_id\":")
                json.integer(pair.customerId)
                json.raw(",\"movie_id\":")
                json.integer(pair.movieId)
                json.raw("}")
            }
            json.raw("]")
        }
        json.raw("}")
        return json.bytes
    }

    public static let maximumCustomers = 1_000
    /// Pairs in `watching`.
    public static let maximumWatching = 4_000
    static let fields = ["customer_ids", "limit", "exclude_rated", "ranker", "watching"]

    /// Reads and checks a request body: an object with `customer_ids` (1 to 1,000 whole numbers
    /// from 1 to 2^32 − 1), optional `limit` (1 to 100), `exclude_rated` (true or false) and
    /// `ranker` ("ranker" or "svd") and `watching` (up to 4,000 `{"customer_id", "movie_id"}`
    /// objects). null is not a value here (leave the field out instead), and
    /// unknown fields are refused, so a misspelt one is not silently ignored.
    public static func parse(_ bytes: some Collection<UInt8>) throws(InputProblem) -> RecommendationBatchRequest {
        let values = try JSONRequestBody.members(bytes, fields: fields, example: "{\"customer_ids\": [...], \"limit\": 10}")
        guard let idsValue = values["customer_ids"] else { throw InputRules.required("customer_ids") }
        let elements = try InputRules.array(idsValue, field: "customer_ids", of: "customer ids", maximum: maximumCustomers)
        guard !elements.isEmpty else { throw InputProblem(field: "customer_ids", message: "customer_ids: must not be empty") }
        var ids: [Int64] = []
        ids.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            ids.append(Int64(try InputRules.id(.json(element), field: "customer_ids[\(index)]")))
        }
        var request = RecommendationBatchRequest(customerIds: ids)
        if let value = values["limit"] { request.limit = try InputRules.count(.json(value), field: "limit", in: 1...100) }
        if let value = values["exclude_rated"] { request.excludeRated = try InputRules.flag(.json(value), field: "exclude_rated") }
        if let value = values["ranker"] {
            request.ranker = try InputRules.ordering(.json(value), field: "ranker").rawValue
        }
        if let value = values["watching"] {
            request.watching = try watching(value)
        }
        return request
    }

    private static func watching(_ value: JSONValue) throws(InputProblem) -> [Watching] {
        let elements = try InputRules.array(value, field: "watching", of: "{\"customer_id\", \"movie_id\"} objects", maximum: maximumWatching)
        var result: [Watching] = []
        result.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            let field = "watching[\(index)]"
            let members = try JSONRequestBody.members(of: element, fields: ["customer_id", "movie_id"], field: field,
                                                      example: "{\"customer_id\", \"movie_id\"}")
            guard let customer = members["customer_id"] else { throw InputRules.required("\(field).customer_id") }
            guard let movie = members["movie_id"] else { throw InputRules.required("\(field).movie_id") }
            result.append(Watching(customerId: try InputRules.id(.json(customer), field: "\(field).customer_id"),
                                   movieId: try InputRules.id(.json(movie), field: "\(field).movie_id")))
        }
        return result
    }
}
