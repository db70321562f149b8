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
        var text = "{\"customer_ids\":[" + customerIds.map(String.init).joined(separator: ",") + "]"
        if let limit { text += ",\"limit\":\(limit)" }
        if let excludeRated { text += ",\"exclude_rated\":\(excludeRated)" }
        if let ranker { text += ",\"ranker\":" + JSONText.quoted(ranker) }
        if let watching {
            text += ",\"watching\":[" + watching.map { "{\"customer_id\":\($0.customerId),\"movie_id\":\($0.movieId)}" }.joined(separator: ",") + "]"
        }
        return Array((text + "}").utf8)
    }

    /// What is wrong with a request body: the field (`customer_ids[2]`, `limit`, `body`) and the
    /// problem in words, for a 422.
    public struct Problem: Error, Equatable, Sendable {
        public var field: String
        public var message: String
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
    public static func parse(_ bytes: some Collection<UInt8>) throws(Problem) -> RecommendationBatchRequest {
        let values = try JSONRequestBody.members(bytes, fields: fields, example: "{\"customer_ids\": [...], \"limit\": 10}")
        guard let idsValue = values["customer_ids"] else { throw Problem(field: "customer_ids", message: "customer_ids: required") }
        guard case .array(let elements) = idsValue else {
            throw Problem(field: "customer_ids", message: "customer_ids: must be an array of customer ids, got \(kind(idsValue))")
        }
        guard !elements.isEmpty else { throw Problem(field: "customer_ids", message: "customer_ids: must not be empty") }
        guard elements.count <= maximumCustomers else {
            throw Problem(field: "customer_ids", message: "customer_ids: at most \(maximumCustomers) per call, got \(elements.count)")
        }
        var ids: [Int64] = []
        ids.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            let field = "customer_ids[\(index)]"
            guard case .number(let number) = element, number == number.rounded(), number.isFinite else {
                throw Problem(field: field, message: "\(field): must be a whole number, got \(kind(element))")
            }
            guard number >= 1, number <= Double(UInt32.max) else {
                throw Problem(field: field, message: "\(field): must be between 1 and \(UInt32.max), got \(number < 1e15 && number > -1e15 ? String(Int64(number)) : String(number))")
            }
            ids.append(Int64(number))
        }
        var request = RecommendationBatchRequest(customerIds: ids)
        if let value = values["limit"] {
            guard case .number(let number) = value, number == number.rounded(), (1...100).contains(number) else {
                throw Problem(field: "limit", message: "limit: must be a whole number from 1 to 100, got \(kind(value))")
            }
            request.limit = Int(number)
        }
        if let value = values["exclude_rated"] {
            guard case .bool(let flag) = value else { throw Problem(field: "exclude_rated", message: "exclude_rated: must be true or false, got \(kind(value))") }
            request.excludeRated = flag
        }
        if let value = values["ranker"] {
            guard case .string(let name) = value, name == "ranker" || name == "svd" else {
                throw Problem(field: "ranker", message: "ranker: must be \"ranker\" or \"svd\", got \(kind(value))")
            }
            request.ranker = name
        }
        if let value = values["watching"] {
            request.watching = try watching(value)
        }
        return request
    }

    private static func watching(_ value: JSONValue) throws(Problem) -> [Watching] {
        guard case .array(let elements) = value else {
            throw Problem(field: "watching", message: "watching: must be an array of {\"customer_id\", \"movie_id\"} objects, got \(kind(value))")
        }
        guard elements.count <= maximumWatching else {
            throw Problem(field: "watching", message: "watching: at most \(maximumWatching) per call, got \(elements.count)")
        }
        var result: [Watching] = []
        result.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            let field = "watching[\(index)]"
            guard case .object(let members) = element else {
                throw Problem(field: field, message: "\(field): must be an object {\"customer_id\", \"movie_id\"}, got \(kind(element))")
            }
            var ids: [String: UInt32] = [:]
            for (key, member) in members {
                guard key == "customer_id" || key == "movie_id" else {
                    throw Problem(field: "\(field).\(key)", message: "\(field).\(key): unknown field (known: customer_id, movie_id)")
                }
                guard ids[key] == nil else { throw Problem(field: "\(field).\(key)", message: "\(field).\(key): given twice") }
                guard case .number(let number) = member, number.isFinite, number == number.rounded() else {
                    throw Problem(field: "\(field).\(key)", message: "\(field).\(key): must be a whole number, got \(kind(member))")
                }
                guard number >= 1, number <= Double(UInt32.max) else {
                    throw Problem(field: "\(field).\(key)", message: "\(field).\(key): must be between 1 and \(UInt32.max), got \(kind(member))")
                }
                ids[key] = UInt32(number)
            }
            guard let customer = ids["customer_id"] else { throw Problem(field: "\(field).customer_id", message: "\(field).customer_id: required") }
            guard let movie = ids["movie_id"] else { throw Problem(field: "\(field).movie_id", message: "\(field).movie_id: required") }
            result.append(Watching(customerId: customer, movieId: movie))
        }
        return result
    }

    /// A value as a message shows it: short, and its type when that is the problem.
    private static func kind(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let flag): "\(flag)"
        case .number(let number): number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .string(let text): "the string \"\(text.prefix(40))\""
        case .array: "an array"
        case .object: "an object"
        }
    }
}
