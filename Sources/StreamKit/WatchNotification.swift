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
        struct Item: Encodable {
            var rank: Int
            var movieId: UInt32
            var title: String?
            var year: Int?
            var score: Double

            // A missing title or year is written as null, not left out.
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(rank, forKey: .rank)
                try container.encode(movieId, forKey: .movieId)
                try container.encode(title, forKey: .title)
                try container.encode(year, forKey: .year)
                try container.encode(score, forKey: .score)
            }

            enum CodingKeys: String, CodingKey {
                case rank, title, year, score
                case movieId = "movie_id"
            }
        }

        var idempotencyKey: String
        var eventId: String
        var customerId: UInt32
        var movieId: UInt32
        var watchedAt: String
        var modelVersion: String
        var coldStart: Bool
        var recommendations: [Item]
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
            recommendations = items.map {
                Item(rank: $0.rank, movieId: $0.movieId, title: $0.title, year: $0.year, score: ($0.score * 10_000).rounded() / 10_000)
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
