/// The body of `POST /v1/recommendations/batch`. Ids are read as 64-bit so that the route can
/// say which one is out of range instead of failing to decode.
public struct RecommendationBatchRequest: Codable, Sendable, Equatable {
    public var customerIds: [Int64]
    public var limit: Int?
    public var excludeRated: Bool?
    /// "ranker" (default) or "svd".
    public var ranker: String?

    public init(customerIds: [Int64], limit: Int? = nil, excludeRated: Bool? = nil, ranker: String? = nil) {
        self.customerIds = customerIds
        self.limit = limit
        self.excludeRated = excludeRated
        self.ranker = ranker
    }

    enum CodingKeys: String, CodingKey {
        case limit, ranker
        case customerIds = "customer_ids"
        case excludeRated = "exclude_rated"
    }

    /// The body as the stream services send it (no encoder on the hot path).
    public func jsonBytes() -> [UInt8] {
        var text = "{\"customer_ids\":[" + customerIds.map(String.init).joined(separator: ",") + "]"
        if let limit { text += ",\"limit\":\(limit)" }
        if let excludeRated { text += ",\"exclude_rated\":\(excludeRated)" }
        if let ranker { text += ",\"ranker\":" + JSONText.quoted(ranker) }
        return Array((text + "}").utf8)
    }
}
