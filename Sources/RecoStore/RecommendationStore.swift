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
        CREATE TABLE IF NOT EXISTS recommendations_progress (
            topic text NOT NULL,
            kafka_partition integer NOT NULL,
            next_offset bigint NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (topic, kafka_partition)
        )
        """,
        "COMMENT ON TABLE recommendations_progress IS 'Per Kafka partition, the offset below which every event''s rows are in recommendations'",
        // Rows arrive in inserted_at order, so a BRIN index serves the dashboard's time windows
        // for almost no write cost (a B-tree would slow the consumer's COPY).
        "CREATE INDEX IF NOT EXISTS recommendations_inserted_brin ON recommendations USING brin (inserted_at)",
        """
        CREATE TABLE IF NOT EXISTS dead_letters (
            topic text NOT NULL,
            kafka_partition integer NOT NULL,
            kafka_offset bigint NOT NULL,
            dead_letter_topic text NOT NULL,
            reason text NOT NULL,
            error text NOT NULL,
            dead_lettered_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (topic, kafka_partition, kafka_offset)
        )
        """,
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

    static let columns = "topic, kafka_partition, kafka_offset, rank, customer_id, movie_id, title, year, score, model_version, event_id, event_time, cold_start"

    /// Idempotence without `ON CONFLICT` on every row (which doubles the insert cost): a
    /// partition's progress row holds the offset below which every event's rows are stored. The
    /// transaction locks the batch's progress rows first, so concurrent writers of one partition
    /// (a member that lost it in a rebalance) take turns, copies only rows at or above them, and
    /// advances them. The primary key still refuses a duplicate; `ON CONFLICT` then takes over.
    static let ensureProgress = """
        INSERT INTO recommendations_progress (topic, kafka_partition, next_offset)
        SELECT topic, kafka_partition, 0 FROM unnest($1::text[], $2::integer[]) AS batch(topic, kafka_partition)
        ON CONFLICT DO NOTHING
        """
    static let lockProgress = """
        SELECT p.topic, p.kafka_partition, p.next_offset FROM recommendations_progress p
        JOIN unnest($1::text[], $2::integer[]) AS batch(topic, kafka_partition)
          ON p.topic = batch.topic AND p.kafka_partition = batch.kafka_partition
        ORDER BY p.topic, p.kafka_partition FOR UPDATE OF p
        """
    static let advanceProgress = """
        UPDATE recommendations_progress p SET next_offset = batch.next_offset, updated_at = now()
        FROM unnest($1::text[], $2::integer[], $3::bigint[]) AS batch(topic, kafka_partition, next_offset)
        WHERE p.topic = batch.topic AND p.kafka_partition = batch.kafka_partition AND batch.next_offset > p.next_offset
        """
    /// The slow path's per-session staging table.
    static let staging = [
        "CREATE TEMPORARY TABLE IF NOT EXISTS recommendations_staging (LIKE recommendations INCLUDING DEFAULTS) ON COMMIT DELETE ROWS",
    ]

    private struct PartitionKey: Hashable {
        var topic: String
        var partition: Int32
    }

    /// Inserts rows in one transaction; rows of events already stored (a replay) are skipped.
    /// Rows must come in Kafka order per partition, as a consumer reads them. Returns how many
    /// were new. Transient failures are retried until `deadline`.
    @discardableResult
    public func write(_ rows: [RecommendationRow], retryUntil deadline: ContinuousClock.Instant) async throws(DatabaseError) -> Int {
        guard !rows.isEmpty else { return 0 }
        return try await worker.runRetrying(until: deadline) { (connection) throws(DatabaseError) in
            do throws(DatabaseError) {
                return try Self.write(rows, connection: connection, skippingConflicts: false)
            } catch {
                // Rows stored without progress (an older version, a manual load): skip them
                // row by row instead.
                guard error.sqlState == "23505" else { throw error }
                return try Self.write(rows, connection: connection, skippingConflicts: true)
            }
        }
    }

    private static func write(_ rows: [RecommendationRow], connection: PostgresConnection, skippingConflicts: Bool) throws(DatabaseError) -> Int {
        var nextOffsets: [PartitionKey: Int64] = [:]
        for row in rows {
            let key = PartitionKey(topic: row.topic, partition: row.partition)
            nextOffsets[key] = max(nextOffsets[key] ?? 0, row.offset + 1)
        }
        let keys = Array(nextOffsets.keys)
        let topics = PostgresArray.text(keys.map(\.topic))
        let partitions = PostgresArray.numbers(keys.map { Int64($0.partition) })
        if skippingConflicts { try connection.setUpSession("staging", staging) }
        try connection.execute("BEGIN")
        do throws(DatabaseError) {
            try connection.execute(ensureProgress, [topics, partitions])
            let locked = try connection.execute(lockProgress, [topics, partitions])
            var stored: [PartitionKey: Int64] = [:]
            for index in 0..<locked.rowCount {
                guard let topic = locked.value(row: index, column: "topic"), let partition = locked.value(row: index, column: "kafka_partition").flatMap({ Int32($0) }),
                      let next = locked.value(row: index, column: "next_offset").flatMap({ Int64($0) }) else { continue }
                stored[PartitionKey(topic: topic, partition: partition)] = next
            }
            var buffer = CopyTextBuffer(reservingCapacity: rows.count * 128)
            var count = 0
            for row in rows where row.offset >= stored[PartitionKey(topic: row.topic, partition: row.partition)] ?? 0 {
                append(row, to: &buffer)
                count += 1
            }
            var inserted = 0
            if count > 0 {
                if skippingConflicts {
                    try connection.copy("COPY recommendations_staging (\(columns)) FROM STDIN", buffer)
                    inserted = try connection.execute("INSERT INTO recommendations (\(columns)) SELECT \(columns) FROM recommendations_staging ON CONFLICT DO NOTHING").affectedRows
                } else {
                    inserted = try connection.copy("COPY recommendations (\(columns)) FROM STDIN", buffer)
                }
            }
            try connection.execute(advanceProgress, [topics, partitions, PostgresArray.numbers(keys.map { nextOffsets[$0] ?? 0 })])
            try connection.execute("COMMIT")
            return inserted
        } catch {
            _ = try? connection.execute("ROLLBACK")
            throw error
        }
    }

    private static func append(_ row: RecommendationRow, to buffer: inout CopyTextBuffer) {
        buffer.text(row.topic)
        buffer.integer(Int64(row.partition))
        buffer.integer(row.offset)
        buffer.integer(Int64(row.rank))
        buffer.integer(Int64(row.customerId))
        buffer.integer(Int64(row.movieId))
        buffer.text(row.title)
        buffer.integer(row.year.map(Int64.init))
        buffer.real(row.score)
        buffer.text(row.modelVersion)
        buffer.text(row.eventId)
        buffer.text(row.eventTime)
        buffer.boolean(row.coldStart)
        buffer.endRow()
    }

    static let insertDeadLetters = """
        INSERT INTO dead_letters (topic, kafka_partition, kafka_offset, dead_letter_topic, reason, error)
        SELECT * FROM unnest($1::text[], $2::integer[], $3::bigint[], $4::text[], $5::text[], $6::text[])
        ON CONFLICT DO NOTHING
        """

    /// Records dead letters (a replay records nothing twice). Transient failures are retried until `deadline`.
    public func recordDeadLetters(_ rows: [DeadLetterRow], retryUntil deadline: ContinuousClock.Instant) async throws(DatabaseError) {
        guard !rows.isEmpty else { return }
        let parameters = [
            PostgresArray.text(rows.map(\.topic)), PostgresArray.numbers(rows.map { Int64($0.partition) }),
            PostgresArray.numbers(rows.map(\.offset)), PostgresArray.text(rows.map(\.deadLetterTopic)),
            PostgresArray.text(rows.map(\.reason)), PostgresArray.text(rows.map(\.error)),
        ]
        try await worker.runRetrying(until: deadline) { (connection) throws(DatabaseError) in
            _ = try connection.execute(Self.insertDeadLetters, parameters)
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
