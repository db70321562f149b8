import Foundation
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

    /// The body, by `JSONEncoder` (keys sorted): one per event, not a hot path.
    public func jsonBytes() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(Body(self))).map(Array.init) ?? []
    }

    /// What the receiver gets, flat enough for Zapier's field mapping.
    private struct Body: Encodable {
        var idempotencyKey: String
        var eventId: String
        var customerId: UInt32
        var movieId: UInt32
        var watchedAt: String
        var modelVersion: String
        var coldStart: Bool
        /// Each with rank, movie_id, title, year (null when unknown) and score.
        var recommendations: [RecommendedMovie]
        /// A one-line summary for an e-mail step that does not loop over the list.
        var summary: String

        init(_ notification: WatchNotification) {
            let event = notification.event
            let items = notification.recommendations.items
            idempotencyKey = notification.idempotencyKey
            eventId = event.eventId
            customerId = event.customerId
            movieId = event.movieId
            watchedAt = event.watchedAt
            modelVersion = notification.modelVersion
            coldStart = notification.recommendations.coldStart
            // Scores to four decimals, as every answer carries them.
            recommendations = items.map { item in
                var rounded = item
                rounded.score = (item.score * 10_000).rounded() / 10_000
                return rounded
            }
            summary = items.prefix(10).map { $0.title ?? "movie \($0.movieId)" }.joined(separator: "; ")
        }

        enum CodingKeys: String, CodingKey {
            case recommendations, summary
            case idempotencyKey = "idempotency_key"
            case eventId = "event_id"
            case customerId = "customer_id"
            case movieId = "movie_id"
            case watchedAt = "watched_at"
            case modelVersion = "model_version"
            case coldStart = "cold_start"
        }
    }
}
