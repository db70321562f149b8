/// The database's schema as numbered migrations. Version 1 is the layout of the first releases
/// (written with `IF NOT EXISTS`, so a database that already has it is only recorded); later
/// versions change it and keep the rows.
enum StoreSchema {
    static let advisoryLock = "SELECT pg_advisory_xact_lock(727114)"

    static let versionTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version integer PRIMARY KEY,
            name text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """

    static let migrations = [
        Migration(version: 1, name: "recommendations, one row per rank", statements: [
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
            """
            CREATE TABLE IF NOT EXISTS recommendations_progress (
                topic text NOT NULL,
                kafka_partition integer NOT NULL,
                next_offset bigint NOT NULL,
                updated_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (topic, kafka_partition)
            )
            """,
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
        ]),
        Migration(version: 2, name: "one row per event with its ranked list; titles in movies; views for the old shape", statements: [
            """
            CREATE TABLE movies (
                movie_id bigint PRIMARY KEY,
                title text,
                year integer,
                updated_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            "COMMENT ON TABLE movies IS 'Titles and years of the movies recommendation_lists name, from the catalogue the consumer serves'",
            """
            CREATE TABLE recommendation_lists (
                topic text NOT NULL,
                kafka_partition integer NOT NULL,
                kafka_offset bigint NOT NULL,
                event_index integer NOT NULL,
                event_id text NOT NULL,
                customer_id bigint NOT NULL,
                watched_movie_id bigint,
                watched_at timestamptz NOT NULL,
                movie_ids bigint[] NOT NULL,
                scores double precision[] NOT NULL,
                model_version text NOT NULL,
                cold_start boolean NOT NULL,
                inserted_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (topic, kafka_partition, kafka_offset, event_index),
                CHECK (cardinality(movie_ids) = cardinality(scores))
            )
            """,
            "COMMENT ON TABLE recommendation_lists IS 'One row per watch event: its top-N in rank order (movie_ids with scores), keyed by Kafka position and event index'",
            // Rows of the first layout: event k of a message had ranks k × 100 + 1 …; titles move to movies.
            """
            INSERT INTO movies (movie_id, title, year)
            SELECT movie_id, (array_agg(title ORDER BY inserted_at DESC) FILTER (WHERE title IS NOT NULL))[1],
                   (array_agg(year ORDER BY inserted_at DESC) FILTER (WHERE title IS NOT NULL))[1]
            FROM recommendations GROUP BY movie_id
            """,
            """
            INSERT INTO recommendation_lists (topic, kafka_partition, kafka_offset, event_index, event_id, customer_id, watched_movie_id,
                                              watched_at, movie_ids, scores, model_version, cold_start, inserted_at)
            SELECT topic, kafka_partition, kafka_offset, (rank - 1) / 100, min(event_id), min(customer_id), NULL, min(event_time),
                   array_agg(movie_id ORDER BY rank), array_agg(round(score::numeric, 4)::double precision ORDER BY rank),
                   min(model_version), bool_or(cold_start), min(inserted_at)
            FROM recommendations GROUP BY topic, kafka_partition, kafka_offset, (rank - 1) / 100
            """,
            "DROP VIEW IF EXISTS top_movies",
            "DROP TABLE recommendations",
            "CREATE INDEX recommendation_lists_customer_inserted ON recommendation_lists (customer_id, inserted_at)",
            // Rows arrive in inserted_at order, so a BRIN index serves the dashboard's time windows
            // for almost no write cost (a B-tree would slow the consumer's COPY).
            "CREATE INDEX recommendation_lists_inserted_brin ON recommendation_lists USING brin (inserted_at)",
            "COMMENT ON TABLE recommendations_progress IS 'Per Kafka partition, the offset below which every event''s list is in recommendation_lists'",
            """
            CREATE VIEW recommendations AS
            SELECT l.topic, l.kafka_partition, l.kafka_offset, l.event_index, r.rank::integer AS rank, l.customer_id, r.movie_id,
                   m.title, m.year, r.score, l.model_version, l.event_id, l.watched_at AS event_time, l.cold_start, l.inserted_at
            FROM recommendation_lists l
            CROSS JOIN LATERAL unnest(l.movie_ids, l.scores) WITH ORDINALITY AS r(movie_id, score, rank)
            LEFT JOIN movies m ON m.movie_id = r.movie_id
            """,
            "COMMENT ON VIEW recommendations IS 'One row per recommended movie (rank 1 to N within each event) with title and year'",
            """
            CREATE VIEW top_movies AS
            SELECT movie_id AS "Movie_Id", year AS "Year", title AS "Name", score AS "Estimate_Score", customer_id AS "Cust_id", inserted_at
            FROM recommendations
            """,
            "COMMENT ON VIEW top_movies IS 'The seed''s columns: one row per recommended movie'",
        ]),
        Migration(version: 3, name: "log incarnations: a restarted cluster or recreated topic starts its offsets again", statements: [
            "ALTER TABLE recommendations_progress ADD COLUMN cluster_id text NOT NULL DEFAULT '', ADD COLUMN incarnation integer NOT NULL DEFAULT 0",
            "COMMENT ON COLUMN recommendations_progress.incarnation IS 'Counts restarts of the partition''s log (new cluster id, or a log end below next_offset): each starts at offset 0'",
            "ALTER TABLE recommendation_lists ADD COLUMN incarnation integer NOT NULL DEFAULT 0",
            "ALTER TABLE recommendation_lists DROP CONSTRAINT recommendation_lists_pkey",
            "ALTER TABLE recommendation_lists ADD PRIMARY KEY (topic, kafka_partition, incarnation, kafka_offset, event_index)",
            "ALTER TABLE dead_letters ADD COLUMN incarnation integer NOT NULL DEFAULT 0",
            "ALTER TABLE dead_letters DROP CONSTRAINT dead_letters_pkey",
            "ALTER TABLE dead_letters ADD PRIMARY KEY (topic, kafka_partition, incarnation, kafka_offset)",
        ]),
        // The watch history is the event half of each list's row, written in the same COPY and
        // transaction (idempotent with it): a view costs the stream nothing, where a second
        // table would be a second COPY and index per event.
        Migration(version: 4, name: "watch history: the source of each event, and the watch_events view", statements: [
            "ALTER TABLE recommendation_lists ADD COLUMN source text",
            """
            CREATE VIEW watch_events AS
            SELECT topic, kafka_partition, incarnation, kafka_offset, event_index, event_id, customer_id, watched_movie_id AS movie_id,
                   watched_at, source, inserted_at
            FROM recommendation_lists
            """,
            "COMMENT ON VIEW watch_events IS 'The watch history: one row per watch event the consumer stored (its Kafka position and event index, event id, customer, movie, time, source)'",
        ]),
        Migration(version: 5, name: "stream gaps: offsets a service found its topic no longer held", statements: [
            """
            CREATE TABLE IF NOT EXISTS stream_gaps (
                service text NOT NULL,
                topic text NOT NULL,
                kafka_partition integer NOT NULL,
                incarnation integer NOT NULL,
                first_offset bigint NOT NULL,
                last_offset bigint NOT NULL,
                events bigint NOT NULL,
                policy text NOT NULL,
                detected_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (service, topic, kafka_partition, incarnation, first_offset)
            )
            """,
            "COMMENT ON TABLE stream_gaps IS 'Offsets (first_offset to last_offset, both included) that a service found deleted from its topic (retention, offset reset) before it read them; policy: what it did next (fail, continue)'",
        ]),
        // A restarted cluster takes with it what the consumer had not read yet: the old log's end,
        // as last fetched, bounds that loss, so the store keeps it beside the progress.
        Migration(version: 6, name: "the log end each partition's consumer last saw, for counting what a restarted log lost", statements: [
            "ALTER TABLE recommendations_progress ADD COLUMN IF NOT EXISTS high_watermark bigint NOT NULL DEFAULT 0",
            "COMMENT ON COLUMN recommendations_progress.high_watermark IS 'The highest log end the consumer saw in this incarnation: when the log restarts, offsets from next_offset below it are recorded in stream_gaps as lost (policy restart)'",
        ]),
    ]

    static var latestVersion: Int { migrations.map(\.version).max() ?? 0 }

    /// Applies the migrations the database has not seen, each in its own transaction under an
    /// advisory lock (services starting together take turns). Returns the versions applied.
    static func migrate(_ connection: PostgresConnection) throws(DatabaseError) -> [Int] {
        var applied: [Int] = []
        for migration in migrations {
            try connection.execute("BEGIN")
            do throws(DatabaseError) {
                try connection.execute(advisoryLock)
                try connection.execute(versionTable)
                let seen = try connection.execute("SELECT 1 AS seen FROM schema_migrations WHERE version = $1", [String(migration.version)])
                if seen.rowCount == 0 {
                    for statement in migration.statements { try connection.execute(statement) }
                    try connection.execute("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [String(migration.version), migration.name])
                    applied.append(migration.version)
                }
                try connection.execute("COMMIT")
            } catch {
                _ = try? connection.execute("ROLLBACK")
                throw error
            }
        }
        return applied
    }
}
