/// One customer's top-N as the batch route answers it and the stream services use it.
public struct CustomerRecommendations: Codable, Sendable, Equatable {
    public var customerId: UInt32
    /// The model has never seen the customer: the list is the cold-start list.
    public var coldStart: Bool
    /// What chose and ordered the items (`RankedBy`'s raw value; kept as text on the wire, so
    /// that a newer server's value does not break an older reader).
    public var rankedBy: String
    public var items: [RecommendedMovie]

    public init(customerId: UInt32, coldStart: Bool, rankedBy: String, items: [RecommendedMovie]) {
        self.customerId = customerId
        self.coldStart = coldStart
        self.rankedBy = rankedBy
        self.items = items
    }

    /// A recommender's answer joined with the catalogue.
    public init(_ recommendation: Recommendation, catalog: MovieCatalog) {
        self.init(customerId: recommendation.customerId, coldStart: recommendation.coldStart, rankedBy: recommendation.rankedBy.rawValue,
                  items: RecommendedMovie.list(recommendation.items, catalog: catalog))
    }

    enum CodingKeys: String, CodingKey {
        case items
        case customerId = "customer_id"
        case coldStart = "cold_start"
        case rankedBy = "ranked_by"
    }
}
