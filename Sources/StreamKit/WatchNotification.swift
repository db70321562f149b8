import RecoCore

/// The JSON a webhook receives for one watch event: the event, its top-N and the idempotency key
/// (`topic/partition/offset`), flat enough for Zapier's field mapping.
public struct WatchNotification: Sendable {
    public var idempotencyKey: String
    public var event: WatchEvent
    public var modelVersion: String
    public var recommendations: CustomerRecommendations

    public init(idempotencyKey: String, event: WatchEvent, modelVersion: String, recommendations: CustomerRecommendations) {
        self.idempotencyKey = idempotencyKey
        self.event = event
        self.modelVersion = modelVersion
        self.recommendations = recommendations
    }

    public static func key(topic: String, partition: Int32, offset: Int64) -> String { "\(topic)/\(partition)/\(offset)" }

    public func jsonBytes() -> [UInt8] {
        var text = "{\"idempotency_key\":\(JSONText.quoted(idempotencyKey))"
        text += ",\"event_id\":\(JSONText.quoted(event.eventId)),\"customer_id\":\(event.customerId),\"movie_id\":\(event.movieId)"
        text += ",\"watched_at\":\(JSONText.quoted(event.watchedAt)),\"model_version\":\(JSONText.quoted(modelVersion))"
        text += ",\"cold_start\":\(recommendations.coldStart),\"recommendations\":["
        for (index, item) in recommendations.items.enumerated() {
            if index > 0 { text += "," }
            text += "{\"rank\":\(item.rank),\"movie_id\":\(item.movieId),\"title\":\(item.title.map(JSONText.quoted) ?? "null")"
            text += ",\"year\":\(item.year.map(String.init) ?? "null"),\"score\":\(Decimals.format(item.score, places: 4))}"
        }
        // A one-line summary for an e-mail step that does not loop over the list.
        let titles = recommendations.items.prefix(10).map { $0.title ?? "movie \($0.movieId)" }.joined(separator: "; ")
        text += "],\"summary\":\(JSONText.quoted(titles))}"
        return Array(text.utf8)
    }
}
