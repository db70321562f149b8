/// What the dashboard shows, as read-only queries with bound parameters over
/// `recommendation_lists`, `movies` and `dead_letters` (optionally one topic's rows only).
public struct DashboardReadModel: Sendable {
    let store: RecommendationStore
    /// Only this topic's rows, or all when nil.
    public let topic: String?

    public init(store: RecommendationStore, topic: String?) {
        self.store = store
        self.topic = topic
    }

    /// Events and recommendations per minute over the last `minutes`, every minute present.
    public func perMinute(minutes: Int) async throws -> ReportTable {
        let sql = """
            WITH minutes AS (
                SELECT generate_series(date_trunc('minute', now()) - make_interval(mins => $1::int - 1), date_trunc('minute', now()), interval '1 minute') AS minute
            ), counts AS (
                SELECT date_trunc('minute', inserted_at) AS minute, count(*) AS events, sum(cardinality(movie_ids)) AS recommendations
                FROM recommendation_lists
                WHERE inserted_at >= date_trunc('minute', now()) - make_interval(mins => $1::int - 1) AND ($2::text IS NULL OR topic = $2)
                GROUP BY 1
            )
            SELECT to_char(m.minute AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"') AS minute,
                   coalesce(c.events, 0) AS events, coalesce(c.recommendations, 0) AS recommendations
            FROM minutes m LEFT JOIN counts c USING (minute) ORDER BY m.minute
            """
        return try await table("per_minute", "Events and recommendations per minute", sql, [String(minutes), topic],
                               columns: ["minute", "events", "recommendations"], numeric: ["events", "recommendations"])
    }

    public func mostRecommended(minutes: Int, limit: Int) async throws -> ReportTable {
        let sql = """
            WITH recommended AS (
                SELECT r.movie_id, count(*) AS times, count(DISTINCT l.customer_id) AS customers, round(avg(r.score)::numeric, 3) AS mean_score
                FROM recommendation_lists l CROSS JOIN LATERAL unnest(l.movie_ids, l.scores) AS r(movie_id, score)
                WHERE l.inserted_at >= now() - make_interval(mins => $1::int) AND ($2::text IS NULL OR l.topic = $2)
                GROUP BY r.movie_id ORDER BY times DESC, r.movie_id LIMIT $3::int
            )
            SELECT c.movie_id, m.title, m.year, c.times, c.customers, c.mean_score
            FROM recommended c LEFT JOIN movies m USING (movie_id) ORDER BY c.times DESC, c.movie_id
            """
        return try await table("most_recommended", "Most recommended movies", sql, [String(minutes), topic, String(limit)],
                               columns: ["movie_id", "title", "year", "times", "customers", "mean_score"],
                               numeric: ["movie_id", "year", "times", "customers", "mean_score"])
    }

    /// The latest events with their top 3, newest first.
    public func latest(limit: Int) async throws -> ReportTable {
        let sql = """
            WITH latest AS (
                SELECT * FROM recommendation_lists WHERE ($1::text IS NULL OR topic = $1)
                ORDER BY inserted_at DESC, kafka_offset DESC, event_index DESC LIMIT $2::int
            )
            SELECT to_char(l.inserted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS inserted_at, l.customer_id, l.event_id,
                   to_char(l.watched_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS watched_at,
                   (SELECT string_agg(coalesce(m.title, 'movie ' || t.movie_id), ' · ' ORDER BY t.rank)
                      FROM unnest(l.movie_ids[1:3]) WITH ORDINALITY AS t(movie_id, rank) LEFT JOIN movies m ON m.movie_id = t.movie_id) AS top_3,
                   cardinality(l.movie_ids) AS items, l.model_version, l.cold_start,
                   l.topic || '/' || l.kafka_partition || '/' || l.kafka_offset || CASE WHEN l.event_index > 0 THEN '/' || l.event_index ELSE '' END
                     AS kafka_position
            FROM latest l
            ORDER BY l.inserted_at DESC, l.kafka_offset DESC, l.event_index DESC
            """
        return try await table("latest", "Latest recommendations", sql, [topic, String(limit)],
                               columns: ["inserted_at", "customer_id", "event_id", "watched_at", "top_3", "items", "model_version", "cold_start",
                                         "kafka_position"],
                               numeric: ["customer_id", "items"])
    }

    public func deadLetters(limit: Int) async throws -> ReportTable {
        let sql = """
            SELECT to_char(dead_lettered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS dead_lettered_at,
                   topic || '/' || kafka_partition || '/' || kafka_offset AS kafka_position, reason, error, dead_letter_topic
            FROM dead_letters WHERE ($1::text IS NULL OR topic = $1)
            ORDER BY dead_lettered_at DESC, kafka_offset DESC LIMIT $2::int
            """
        return try await table("dead_letters", "Dead letters", sql, [topic, String(limit)],
                               columns: ["dead_lettered_at", "kafka_position", "reason", "error", "dead_letter_topic"], numeric: [])
    }

    public func deadLettersByReason() async throws -> ReportTable {
        let sql = "SELECT reason, count(*) AS messages FROM dead_letters WHERE ($1::text IS NULL OR topic = $1) GROUP BY reason ORDER BY messages DESC, reason"
        return try await table("dead_letters_by_reason", "Dead letters by reason", sql, [topic], columns: ["reason", "messages"], numeric: ["messages"])
    }

    /// Offsets lost in gaps of the topic (`stream_gaps`), newest first.
    public func streamGaps(limit: Int) async throws -> ReportTable {
        let sql = """
            SELECT to_char(detected_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS detected_at, service,
                   topic || '/' || kafka_partition || '/' || first_offset || '…' || last_offset AS lost_offsets, events, policy
            FROM stream_gaps WHERE ($1::text IS NULL OR topic = $1)
            ORDER BY detected_at DESC, first_offset DESC LIMIT $2::int
            """
        return try await table("stream_gaps", "Events lost in gaps", sql, [topic, String(limit)],
                               columns: ["detected_at", "service", "lost_offsets", "events", "policy"], numeric: ["events"])
    }

    /// The latest rows of the `recommendations` view (its export): one per recommended movie.
    public func recommendations(limit: Int) async throws -> ReportTable {
        let columns = ["topic", "kafka_partition", "kafka_offset", "event_index", "rank", "customer_id", "movie_id", "title", "year", "score",
                       "model_version", "event_id", "event_time", "cold_start", "inserted_at"]
        let sql = """
            SELECT topic, kafka_partition, kafka_offset, event_index, rank, customer_id, movie_id, title, year, score, model_version, event_id,
                   to_char(event_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS event_time, cold_start,
                   to_char(inserted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS inserted_at
            FROM recommendations WHERE ($1::text IS NULL OR topic = $1)
            ORDER BY inserted_at DESC, kafka_offset DESC, event_index, rank LIMIT $2::int
            """
        return try await table("recommendations", "Recommendations", sql, [topic, String(limit)], columns: columns,
                               numeric: ["kafka_partition", "kafka_offset", "event_index", "rank", "customer_id", "movie_id", "year", "score"])
    }

    /// Totals for the tiles: events and rows in the window, customers, dead letters and events lost in gaps (all time), last write.
    public func totals(minutes: Int) async throws -> [String: String] {
        // One scan of the window for the three window figures.
        let sql = """
            SELECT w.events, w.recommendations, w.customers,
                   (SELECT count(*) FROM dead_letters WHERE ($2::text IS NULL OR topic = $2)) AS dead_letters,
                   (SELECT coalesce(sum(events), 0) FROM stream_gaps WHERE ($2::text IS NULL OR topic = $2)) AS lost_events,
                   (SELECT to_char(max(inserted_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"') FROM recommendation_lists
                      WHERE ($2::text IS NULL OR topic = $2)) AS last_write
            FROM (SELECT count(*) AS events, coalesce(sum(cardinality(movie_ids)), 0) AS recommendations, count(DISTINCT customer_id) AS customers
                  FROM recommendation_lists
                  WHERE inserted_at >= now() - make_interval(mins => $1::int) AND ($2::text IS NULL OR topic = $2)) w
            """
        let rows = try await store.rows(sql, [String(minutes), topic], columns: ["events", "recommendations", "customers", "dead_letters", "lost_events", "last_write"])
        return (rows.first ?? [:]).reduce(into: [:]) { result, entry in result[entry.key] = entry.value ?? "" }
    }

    private func table(_ name: String, _ title: String, _ sql: String, _ parameters: [String?], columns: [String],
                       numeric: Set<String>) async throws -> ReportTable {
        let rows = try await store.rows(sql, parameters, columns: columns)
        return ReportTable(name: name, title: title, columns: columns, numericColumns: numeric,
                              rows: rows.map { row in columns.map { row[$0] ?? nil } })
    }
}
