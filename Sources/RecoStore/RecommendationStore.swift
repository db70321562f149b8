import Logging

/// The `recommendations` table: schema migration, idempotent batched writes, counts.
public final class RecommendationStore: Sendable {
    private let worker: DatabaseWorker

    public init(url: DatabaseURL, logger: Logger) {
        worker = DatabaseWorker(url: url, logger: logger)
    }

    /// Schema statements, run under an advisory lock so several consumers starting together do
    /// not race. The view keeps the seed's column names.
    static let migration = [
        "SELECT pg_advisory_xact_lock(727114)",
        """
        CREATE TABLE IF NOT EXISTS recommendations (
            topic text NOT NULL,
            kafka_partition integer NOT NULL,
            kafka_offset bigint NOT NULL,
            rank integer NOT NULL,
            customer_id bigint NOT NULL,
            movie_id bigint NOT NULL,
            title text,
            year integer,
            score real NOT NULL,
            model_version text NOT NULL,
            event_id text NOT NULL,
            event_time timestamptz NOT NULL,
            cold_start boolean NOT NULL,
            inserted_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (topic, kafka_partition, kafka_offset, rank)
        )
        """,
        "CREATE INDEX IF NOT EXISTS recommendations_customer_inserted ON recommendations (customer_id, inserted_at)",
        """
        CREATE OR REPLACE VIEW top_movies AS
        SELECT movie_id AS "Movie_Id", year AS "Year", title AS "Name", score AS "Estimate_Score", customer_id AS "Cust_id",
               inserted_at
        FROM recommendations
        """,
    ]

    /// Creates the table, index and view if missing; retries while the server is unreachable.
    public func migrate(timeout: Duration = .seconds(60)) async throws(DatabaseError) {
        try await worker.runRetrying(until: .now + timeout) { (connection) throws(DatabaseError) in
            try connection.execute("BEGIN")
            do throws(DatabaseError) {
                for statement in Self.migration { try connection.execute(statement) }
                try connection.execute("COMMIT")
            } catch {
                _ = try? connection.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// Inserts rows in one statement (so one transaction); rows already present (a replayed
    /// event) are skipped. Returns how many were new. Transient failures are retried until
    /// `deadline`.
    @discardableResult
    public func write(_ rows: [RecommendationRow], retryUntil deadline: ContinuousClock.Instant) async throws(DatabaseError) -> Int {
        guard !rows.isEmpty else { return 0 }
        let parameters: [String?] = [
            PostgresArray.text(rows.map(\.topic)), PostgresArray.numbers(rows.map { Int64($0.partition) }),
            PostgresArray.numbers(rows.map(\.offset)), PostgresArray.numbers(rows.map { Int64($0.rank) }),
            PostgresArray.numbers(rows.map { Int64($0.customerId) }), PostgresArray.numbers(rows.map { Int64($0.movieId) }),
            PostgresArray.text(rows.map(\.title)), PostgresArray.text(rows.map { $0.year.map(String.init) }),
            PostgresArray.text(rows.map { String($0.score) }), PostgresArray.text(rows.map(\.modelVersion)),
            PostgresArray.text(rows.map(\.eventId)), PostgresArray.text(rows.map(\.eventTime)),
            PostgresArray.text(rows.map { $0.coldStart ? "t" : "f" }),
        ]
        let sql = """
            INSERT INTO recommendations (topic, kafka_partition, kafka_offset, rank, customer_id, movie_id, title, year, score,
                                         model_version, event_id, event_time, cold_start)
            SELECT * FROM unnest($1::text[], $2::integer[], $3::bigint[], $4::integer[], $5::bigint[], $6::bigint[], $7::text[],
                                 $8::integer[], $9::real[], $10::text[], $11::text[], $12::timestamptz[], $13::boolean[])
            ON CONFLICT DO NOTHING
            """
        return try await worker.runRetrying(until: deadline) { (connection) throws(DatabaseError) in
            try connection.execute(sql, parameters).affectedRows
        }
    }

    /// Bulk-loads rows into any table with COPY (tools, benchmarks and tests).
    @discardableResult
    public func copy(into table: String, columns: [String], rows: [[String?]]) async throws(DatabaseError) -> Int {
        try await worker.run { (connection) throws(DatabaseError) in try connection.copy(into: table, columns: columns, rows: rows) }
    }

    /// Runs a statement that returns no rows (tools and tests); values are bound parameters.
    public func execute(_ sql: String, _ parameters: [String?] = []) async throws(DatabaseError) {
        try await worker.run { (connection) throws(DatabaseError) in _ = try connection.execute(sql, parameters) }
    }

    /// Rows in the table (for summaries and tests).
    public func count() async throws(DatabaseError) -> Int {
        try await worker.run { (connection) throws(DatabaseError) in
            Int(try connection.execute("SELECT count(*) AS n FROM recommendations").value(row: 0, column: "n") ?? "0") ?? 0
        }
    }

    /// Runs a read-only query with bound parameters and returns rows as column → text (tests and tools).
    public func rows(_ sql: String, _ parameters: [String?] = [], columns: [String]) async throws(DatabaseError) -> [[String: String?]] {
        try await worker.run { (connection) throws(DatabaseError) in
            let result = try connection.execute(sql, parameters)
            return (0..<result.rowCount).map { row in
                Dictionary(uniqueKeysWithValues: columns.map { ($0, result.value(row: row, column: $0)) })
            }
        }
    }
}
