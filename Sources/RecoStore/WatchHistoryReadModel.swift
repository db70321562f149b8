/// A customer's watch history as the consumer stored it (the `watch_events` view), for
/// reco-api's history route: read-only, values bound.
public struct WatchHistoryReadModel: Sendable {
    let store: RecommendationStore

    public init(store: RecommendationStore) {
        self.store = store
    }

    public struct Watch: Sendable, Equatable {
        public var movieId: UInt32
        /// RFC 3339 in UTC with milliseconds.
        public var watchedAt: String
        public var source: String?
    }

    /// The customer's latest `limit` watches, newest first (the table's customer index serves it).
    public func watches(customerId: UInt32, limit: Int) async throws(DatabaseError) -> [Watch] {
        let sql = """
            SELECT movie_id, to_char(watched_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS watched_at, source
            FROM watch_events WHERE customer_id = $1
            ORDER BY watched_at DESC, kafka_offset DESC, event_index DESC LIMIT $2::int
            """
        let rows = try await store.rows(sql, [String(customerId), String(max(limit, 0))], columns: ["movie_id", "watched_at", "source"])
        return rows.compactMap { row in
            guard let movie = row["movie_id"].flatMap({ $0 }).flatMap({ UInt32($0) }), let time = row["watched_at"].flatMap({ $0 }) else { return nil }
            return Watch(movieId: movie, watchedAt: time, source: row["source"] ?? nil)
        }
    }
}
