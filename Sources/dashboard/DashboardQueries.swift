import Foundation
import RecoStore

/// The dashboard's SQL, all read-only with bound parameters, over `recommendations` and
/// `dead_letters` (optionally one topic's rows only).
struct DashboardQueries: Sendable {
    let store: RecommendationStore
    /// Only this topic's rows, or all when nil.
    let topic: String?

    /// Events and recommendations per minute over the last `minutes`, every minute present.
    /// An event is its rank-1 row (a message's k-th event has ranks from k × 100 + 1).
    func perMinute(minutes: Int) async throws -> DashboardTable {
        let sql = """
            WITH minutes AS (
                SELECT generate_series(date_trunc('minute', now()) - make_interval(mins => $1::int - 1), date_trunc('minute', now()), interval '1 minute') AS minute
            ), counts AS (
                SELECT date_trunc('minute', inserted_at) AS minute, count(*) FILTER (WHERE rank % 100 = 1) AS events, count(*) AS recommendations
                FROM recommendations
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

    func mostRecommended(minutes: Int, limit: Int) async throws -> DashboardTable {
        let sql = """
            SELECT movie_id, max(title) AS title, max(year) AS year, count(*) AS times, count(DISTINCT customer_id) AS customers,
                   round(avg(score)::numeric, 3) AS mean_score
            FROM recommendations
            WHERE inserted_at >= now() - make_interval(mins => $1::int) AND ($2::text IS NULL OR topic = $2)
            GROUP BY movie_id ORDER BY times DESC, movie_id LIMIT $3::int
            """
        return try await table("most_recommended", "Most recommended movies", sql, [String(minutes), topic, String(limit)],
                               columns: ["movie_id", "title", "year", "times", "customers", "mean_score"],
                               numeric: ["movie_id", "year", "times", "customers", "mean_score"])
    }

    /// The latest events with their top 3, newest first.
    func latest(limit: Int) async throws -> DashboardTable {
        let sql = """
            WITH latest AS (
                SELECT topic, kafka_partition, kafka_offset, max(inserted_at) AS inserted_at FROM recommendations
                WHERE ($1::text IS NULL OR topic = $1)
                GROUP BY topic, kafka_partition, kafka_offset ORDER BY max(inserted_at) DESC, kafka_offset DESC LIMIT $2::int
            )
            SELECT to_char(l.inserted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS inserted_at, r.customer_id, r.event_id,
                   to_char(min(r.event_time) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS watched_at,
                   string_agg(coalesce(r.title, 'movie ' || r.movie_id), ' · ' ORDER BY r.rank) FILTER (WHERE r.rank % 100 <= 3) AS top_3,
                   count(*) AS items, min(r.model_version) AS model_version, bool_or(r.cold_start) AS cold_start,
                   l.topic || '/' || l.kafka_partition || '/' || l.kafka_offset AS kafka_position
            FROM latest l JOIN recommendations r USING (topic, kafka_partition, kafka_offset)
            GROUP BY l.topic, l.kafka_partition, l.kafka_offset, l.inserted_at, r.customer_id, r.event_id
            ORDER BY l.inserted_at DESC, l.kafka_offset DESC
            """
        return try await table("latest", "Latest recommendations", sql, [topic, String(limit)],
                               columns: ["inserted_at", "customer_id", "event_id", "watched_at", "top_3", "items", "model_version", "cold_start",
                                         "kafka_position"],
                               numeric: ["customer_id", "items"])
    }

    func deadLetters(limit: Int) async throws -> DashboardTable {
        let sql = """
            SELECT to_char(dead_lettered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS dead_lettered_at,
                   topic || '/' || kafka_partition || '/' || kafka_offset AS kafka_position, reason, error, dead_letter_topic
            FROM dead_letters WHERE ($1::text IS NULL OR topic = $1)
            ORDER BY dead_lettered_at DESC, kafka_offset DESC LIMIT $2::int
            """
        return try await table("dead_letters", "Dead letters", sql, [topic, String(limit)],
                               columns: ["dead_lettered_at", "kafka_position", "reason", "error", "dead_letter_topic"], numeric: [])
    }

    func deadLettersByReason() async throws -> DashboardTable {
        let sql = "SELECT reason, count(*) AS messages FROM dead_letters WHERE ($1::text IS NULL OR topic = $1) GROUP BY reason ORDER BY messages DESC, reason"
        return try await table("dead_letters_by_reason", "Dead letters by reason", sql, [topic], columns: ["reason", "messages"], numeric: ["messages"])
    }

    /// The latest rows of `recommendations` itself (its export).
    func recommendations(limit: Int) async throws -> DashboardTable {
        let columns = ["topic", "kafka_partition", "kafka_offset", "rank", "customer_id", "movie_id", "title", "year", "score", "model_version",
                       "event_id", "event_time", "cold_start", "inserted_at"]
        let sql = """
            SELECT topic, kafka_partition, kafka_offset, rank, customer_id, movie_id, title, year, score, model_version, event_id,
                   to_char(event_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS event_time, cold_start,
                   to_char(inserted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS inserted_at
            FROM recommendations WHERE ($1::text IS NULL OR topic = $1)
            ORDER BY inserted_at DESC, kafka_offset DESC, rank LIMIT $2::int
            """
        return try await table("recommendations", "Recommendations", sql, [topic, String(limit)], columns: columns,
                               numeric: ["kafka_partition", "kafka_offset", "rank", "customer_id", "movie_id", "year", "score"])
    }

    /// Totals for the tiles: events and rows in the window, customers, dead letters (all time), last write.
    func totals(minutes: Int) async throws -> [String: String] {
        // One scan of the window for the three window figures.
        let sql = """
            SELECT w.events, w.recommendations, w.customers,
                   (SELECT count(*) FROM dead_letters WHERE ($2::text IS NULL OR topic = $2)) AS dead_letters,
                   (SELECT to_char(max(inserted_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"') FROM recommendations
                      WHERE ($2::text IS NULL OR topic = $2)) AS last_write
            FROM (SELECT count(*) FILTER (WHERE rank % 100 = 1) AS events, count(*) AS recommendations, count(DISTINCT customer_id) AS customers
                  FROM recommendations
                  WHERE inserted_at >= now() - make_interval(mins => $1::int) AND ($2::text IS NULL OR topic = $2)) w
            """
        let rows = try await store.rows(sql, [String(minutes), topic], columns: ["events", "recommendations", "customers", "dead_letters", "last_write"])
        return (rows.first ?? [:]).reduce(into: [:]) { result, entry in result[entry.key] = entry.value ?? "" }
    }

    private func table(_ name: String, _ title: String, _ sql: String, _ parameters: [String?], columns: [String],
                       numeric: Set<String>) async throws -> DashboardTable {
        let rows = try await store.rows(sql, parameters, columns: columns)
        return DashboardTable(name: name, title: title, columns: columns, numericColumns: numeric,
                              rows: rows.map { row in columns.map { row[$0] ?? nil } })
    }
}
