import Foundation

/// "A customer is watching a movie": the `watch_event/v1` message value.
public struct WatchEvent: Sendable, Equatable, Codable {
    public static let schema = "watch_event/v1"

    public var eventId: String
    public var customerId: UInt32
    public var movieId: UInt32
    public var title: String?
    public var year: Int?
    /// RFC 3339 with milliseconds, UTC.
    public var watchedAt: String
    public var source: String

    public init(eventId: String = UUID().uuidString.lowercased(), customerId: UInt32, movieId: UInt32, title: String?, year: Int?,
                watchedAt: String, source: String) {
        self.eventId = eventId
        self.customerId = customerId
        self.movieId = movieId
        self.title = title
        self.year = year
        self.watchedAt = watchedAt
        self.source = source
    }

    enum CodingKeys: String, CodingKey {
        case schema, title, year, source
        case eventId = "event_id"
        case customerId = "customer_id"
        case movieId = "movie_id"
        case watchedAt = "watched_at"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        eventId = try container.decode(String.self, forKey: .eventId)
        customerId = try container.decode(UInt32.self, forKey: .customerId)
        movieId = try container.decode(UInt32.self, forKey: .movieId)
        title = try container.decodeIfPresent(String.self, forKey: .title)
        year = try container.decodeIfPresent(Int.self, forKey: .year)
        watchedAt = try container.decode(String.self, forKey: .watchedAt)
        source = try container.decodeIfPresent(String.self, forKey: .source) ?? ""
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.schema, forKey: .schema)
        try container.encode(eventId, forKey: .eventId)
        try container.encode(customerId, forKey: .customerId)
        try container.encode(movieId, forKey: .movieId)
        try container.encode(title, forKey: .title)
        try container.encode(year, forKey: .year)
        try container.encode(watchedAt, forKey: .watchedAt)
        try container.encode(source, forKey: .source)
    }

    /// The message value: compact JSON with sorted keys, written directly (this runs for every
    /// produced event; JSONEncoder costs tens of microseconds).
    public func jsonBytes() -> [UInt8] {
        var json = JSONBytesWriter(reservingCapacity: 192)
        json.raw("{\"customer_id\":")
        json.integer(customerId)
        json.raw(",\"event_id\":")
        json.string(eventId)
        json.raw(",\"movie_id\":")
        json.integer(movieId)
        json.raw(",\"schema\":")
        json.string(Self.schema)
        json.raw(",\"source\":")
        json.string(source)
        json.raw(",\"title\":")
        json.string(title)
        json.raw(",\"watched_at\":")
        json.string(watchedAt)
        json.raw(",\"year\":")
        json.integer(year)
        json.raw("}")
        return json.bytes
    }

    /// The message key: the customer id, so one customer's events stay in order on one partition.
    public var keyBytes: [UInt8] { Array(String(customerId).utf8) }

    /// `2026-11-25T18:00:00.123Z` for a time.
    public static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
