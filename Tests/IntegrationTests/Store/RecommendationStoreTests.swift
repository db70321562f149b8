import Foundation
import Logging
@testable import RecoStore
import Testing
import TestSupport

/// Against the real PostgreSQL that scripts/test starts (RECO_TEST_DATABASE_URL).
@Suite(.serialized) struct RecommendationStoreTests {
    static var enabled: Bool { TestEnvironment.databaseEnabled }

    private func store(searchPath schema: String? = nil) throws -> RecommendationStore {
        var url = try TestEnvironment.requireDatabase()
        if let schema { url += (url.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(schema)" }
        return RecommendationStore(url: DatabaseURL(url, environment: [:]), logger: quietLogger("store-test"))
    }

    private func list(_ topic: String, offset: Int64, eventIndex: Int = 0, movies: [UInt32] = [9_101, 9_102]) -> RecommendationList {
        RecommendationList(topic: topic, partition: 2, offset: offset, eventIndex: eventIndex, eventId: "e\(offset)-\(eventIndex)", customerId: 785_314,
                           watchedMovieId: 9_100, watchedAt: "2026-11-25T18:00:00.123Z", movieIds: movies,
                           scores: movies.enumerated().map { 4.25 - Double($0.offset) * 0.1234 }, modelVersion: "v1", coldStart: false)
    }

    @Test(.enabled(if: enabled))
    func writesListsOncePerEventAndTheViewsGiveOneRowPerRank() async throws {
        let store = try store()
        try await store.migrate()
        #expect(try await store.migrate().isEmpty)  // nothing left to apply
        let topic = "test-\(UUID().uuidString)"
        let nasty = "Tricky \"quoted\", back\\slash, {braces}, NULL, comma, accents: Amélie"
        let movies = [MovieRow(movieId: 9_101, title: nasty, year: nil), MovieRow(movieId: 9_102, title: "Plain", year: 1999)]
        let lists = [list(topic, offset: 7), list(topic, offset: 7, eventIndex: 1), list(topic, offset: 8)]
        #expect(try await store.write(lists, movies: movies) == 3)
        #expect(try await store.write(lists, movies: movies) == 0)
        // Lists stored without progress (a manual load): the primary key still refuses duplicates.
        try await store.execute("DELETE FROM recommendations_progress WHERE topic = $1", [topic])
        #expect(try await store.write(lists, movies: movies) == 0)
        // A later batch of the partition goes in; an earlier offset seen again afterwards does not.
        #expect(try await store.write([list(topic, offset: 9)], movies: []) == 1)
        #expect(try await store.write([list(topic, offset: 8, eventIndex: 1)], movies: []) == 0)

        let stored = try await store.rows(
            """
            SELECT kafka_offset, event_index, rank, movie_id, title, year, score, cold_start,
                   to_char(event_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS t
            FROM recommendations WHERE topic = $1 ORDER BY kafka_offset, event_index, rank
            """, [topic], columns: ["kafka_offset", "event_index", "rank", "movie_id", "title", "year", "score", "cold_start", "t"])
        #expect(stored.count == 8)
        #expect(stored.map { $0["rank"] ?? nil } == ["1", "2", "1", "2", "1", "2", "1", "2"])
        #expect(stored.map { $0["event_index"] ?? nil } == ["0", "0", "1", "1", "0", "0", "0", "0"])
        #expect(stored[0]["title"] == .some(nasty))
        #expect(stored[0]["year"] == .some(nil))
        #expect(stored[1]["title"] == .some("Plain"))
        #expect(stored[1]["year"] == .some("1999"))
        #expect(stored[0]["score"] == .some("4.25"))
        #expect(stored[1]["score"] == .some("4.1266"))
        #expect(stored[0]["cold_start"] == .some("f"))
        #expect(stored[0]["t"] == .some("2026-11-25T18:00:00.123"))
        // The seed's view and columns, Estimate_Score in double precision.
        let view = try await store.rows(#"SELECT "Movie_Id", "Year", "Name", "Estimate_Score", pg_typeof("Estimate_Score")::text AS type, "Cust_id" FROM top_movies WHERE "Name" = 'Plain'"#,
                                        columns: ["Movie_Id", "Year", "Name", "Estimate_Score", "type", "Cust_id"])
        #expect(view.contains { $0["Cust_id"] == .some("785314") && $0["Year"] == .some("1999") && $0["Estimate_Score"] == .some("4.1266") })
        #expect(view.first?["type"] == .some("double precision"))
        // A changed title replaces the old one; the lists keep pointing at the movie.
        _ = try await store.write([], movies: [MovieRow(movieId: 9_102, title: "Plain (restored)", year: 1999)])
        let renamed = try await store.rows("SELECT DISTINCT title FROM recommendations WHERE topic = $1 AND movie_id = 9102", [topic], columns: ["title"])
        #expect(renamed.map { $0["title"] ?? nil } == ["Plain (restored)"])
    }

    /// Lists go in with binary COPY: times with offsets and sub-microsecond digits, empty lists,
    /// big ids and non-finite scores read back as written; a time only PostgreSQL can read
    /// (not RFC 3339) makes the batch go in as text instead, and reads back the same.
    @Test(.enabled(if: enabled))
    func binaryCopyStoresWhatTextWould() async throws {
        let store = try store()
        try await store.migrate()
        let topic = "binary-\(UUID().uuidString)"
        var offset: Int64 = 0
        func entry(_ watchedAt: String, movies: [UInt32], scores: [Double], coldStart: Bool = false) -> RecommendationList {
            offset += 1
            return RecommendationList(topic: topic, partition: 3, offset: offset, eventIndex: 2, eventId: "é-\(offset)", customerId: 4_294_967_295,
                                      watchedMovieId: 4_000_000_000, watchedAt: watchedAt, movieIds: movies, scores: scores,
                                      modelVersion: "v\t2", coldStart: coldStart)
        }
        let binary = [
            entry("2026-11-25T18:00:00.1234567+05:30", movies: [1, 4_294_967_295], scores: [4.5, -0.125]),
            entry("1999-12-31T23:59:60Z", movies: [], scores: [], coldStart: true),
            entry("2026-01-01t00:00:00.000001-00:45", movies: [7], scores: [.infinity]),
        ]
        #expect(try await store.write(binary, movies: []) == 3)
        let text = [entry("2026-11-25 12:30:00.1234567+00", movies: [1, 4_294_967_295], scores: [4.5, -0.125])]
        #expect(try await store.write(text, movies: []) == 1)
        let stored = try await store.rows(
            """
            SELECT kafka_offset, event_index, event_id, customer_id, watched_movie_id, movie_ids::text AS m, scores::text AS s,
                   model_version, cold_start, to_char(watched_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS t
            FROM recommendation_lists WHERE topic = $1 ORDER BY kafka_offset
            """, [topic], columns: ["kafka_offset", "event_index", "event_id", "customer_id", "watched_movie_id", "m", "s", "model_version", "cold_start", "t"])
        #expect(stored.map { $0["t"] ?? nil } == ["2026-11-25 12:30:00.123457", "2000-01-01 00:00:00.000000", "2026-01-01 00:45:00.000001",
                                                  "2026-11-25 12:30:00.123457"])
        #expect(stored.map { $0["m"] ?? nil } == ["{1,4294967295}", "{}", "{7}", "{1,4294967295}"])
        #expect(stored.map { $0["s"] ?? nil } == ["{4.5,-0.125}", "{}", "{Infinity}", "{4.5,-0.125}"])
        #expect(stored.allSatisfy { $0["event_index"] == .some("2") && $0["customer_id"] == .some("4294967295")
            && $0["watched_movie_id"] == .some("4000000000") && $0["model_version"] == .some("v\t2") })
        #expect(stored.map { $0["event_id"] ?? nil } == ["é-1", "é-2", "é-3", "é-4"])
        #expect(stored.map { $0["cold_start"] ?? nil } == ["f", "t", "f", "f"])
    }

    /// A database of the first layout (one row per rank, event k of a message at ranks k × 100 + 1…)
    /// migrates with every row kept.
    @Test(.enabled(if: enabled))
    func theFirstLayoutMigratesWithItsRows() async throws {
        let schema = "migration_\(UInt32.random(in: 0...UInt32.max))"
        let admin = try store()
        try await admin.execute("CREATE SCHEMA \(schema)")
        defer { Task { try? await admin.execute("DROP SCHEMA \(schema) CASCADE") } }
        let old = try store(searchPath: schema)
        for statement in StoreSchema.migrations[0].statements { try await old.execute(statement) }
        try await old.execute("""
            CREATE VIEW top_movies AS SELECT movie_id AS "Movie_Id", year AS "Year", title AS "Name", score AS "Estimate_Score",
                   customer_id AS "Cust_id", inserted_at FROM recommendations
            """)
        try await old.execute("""
            INSERT INTO recommendations (topic, kafka_partition, kafka_offset, rank, customer_id, movie_id, title, year, score, model_version,
                                         event_id, event_time, cold_start)
            VALUES ('t', 0, 5, 1, 42, 11, 'Eleven', 2001, 4.5, 'v0', 'e5', '2026-11-01T10:00:00Z', false),
                   ('t', 0, 5, 2, 42, 12, NULL, NULL, 4.25, 'v0', 'e5', '2026-11-01T10:00:00Z', false),
                   ('t', 0, 6, 1, 43, 12, 'Twelve', 1999, 3.1234, 'v0', 'legacy-a', '2026-11-01T10:01:00Z', true),
                   ('t', 0, 6, 101, 44, 11, 'Eleven', 2001, 3.5, 'v0', 'legacy-b', '2026-11-01T10:01:00Z', true)
            """)
        let store = try store(searchPath: schema)
        // Version 1's tables are there already (created before versions were recorded): it is only recorded.
        #expect(try await store.migrate() == [1, 2, 3, 4, 5, 6])
        let lists = try await store.rows(
            "SELECT kafka_offset, event_index, customer_id, movie_ids::text AS m, scores::text AS s, cold_start FROM recommendation_lists ORDER BY kafka_offset, event_index",
            columns: ["kafka_offset", "event_index", "customer_id", "m", "s", "cold_start"])
        #expect(lists.map { "\($0["kafka_offset"]!!)/\($0["event_index"]!!) \($0["m"]!!) \($0["s"]!!)" }
            == ["5/0 {11,12} {4.5,4.25}", "6/0 {12} {3.1234}", "6/1 {11} {3.5}"])
        let movies = try await store.rows("SELECT movie_id, title FROM movies ORDER BY movie_id", columns: ["movie_id", "title"])
        #expect(movies.map { $0["title"] ?? nil } == ["Eleven", "Twelve"])
        let view = try await store.rows(#"SELECT count(*) AS n FROM top_movies"#, columns: ["n"])
        #expect(view.first?["n"] == .some("4"))
        let versions = try await store.rows("SELECT version FROM schema_migrations ORDER BY version", columns: ["version"])
        #expect(versions.map { $0["version"] ?? nil } == ["1", "2", "3", "4", "5", "6"])
        // Rows from before the watch history knew sources read back with none.
        let watches = try await store.rows("SELECT kafka_offset, event_index, customer_id, movie_id, source FROM watch_events ORDER BY kafka_offset, event_index",
                                           columns: ["kafka_offset", "event_index", "customer_id", "movie_id", "source"])
        #expect(watches.map { "\($0["kafka_offset"]!!)/\($0["event_index"]!!) \($0["customer_id"]!!)" } == ["5/0 42", "6/0 43", "6/1 44"])
        #expect(watches.allSatisfy { $0["source"] == .some(nil) })
    }

    /// A gap found again (a consumer stopped by it and started once more) is one row; its size
    /// is computed from its range.
    @Test(.enabled(if: enabled))
    func aGapIsRecordedOnce() async throws {
        let store = try store()
        try await store.migrate()
        let topic = "gaps-\(UUID().uuidString)"
        let gap = StreamGapRow(service: "consumer", topic: topic, partition: 1, firstOffset: 20, lastOffset: 119, policy: "fail")
        try await store.recordGaps([gap])
        var again = gap
        again.policy = "continue"
        try await store.recordGaps([again, StreamGapRow(service: "consumer", topic: topic, partition: 1, firstOffset: 500, lastOffset: 500, policy: "continue")])
        let rows = try await store.rows("SELECT first_offset, last_offset, events, policy FROM stream_gaps WHERE topic = $1 ORDER BY first_offset", [topic],
                                        columns: ["first_offset", "last_offset", "events", "policy"])
        #expect(rows.map { "\($0["first_offset"]!!)-\($0["last_offset"]!!) \($0["events"]!!) \($0["policy"]!!)" } == ["20-119 100 fail", "500-500 1 continue"])
    }

    /// Issue 16 item 1: every stored event is in the watch history (`watch_events`) with its Kafka
    /// position, event id, customer, movie, time and source, written with its list in one
    /// transaction and once however often the batch is replayed.
    @Test(.enabled(if: enabled))
    func everyStoredEventIsInTheWatchHistoryOnce() async throws {
        let store = try store()
        try await store.migrate()
        let topic = "history-\(UUID().uuidString)"
        var first = list(topic, offset: 3)
        first.source = "simulator"
        var second = list(topic, offset: 4, eventIndex: 1)
        second.watchedMovieId = 9_200
        second.source = "feed:http://host/feed"
        let seedFormat = list(topic, offset: 5)
        for _ in 0..<2 { _ = try await store.write([first, second, seedFormat], movies: []) }
        let rows = try await store.rows(
            """
            SELECT kafka_partition, kafka_offset, event_index, event_id, customer_id, movie_id, source,
                   to_char(watched_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS t
            FROM watch_events WHERE topic = $1 ORDER BY kafka_offset, event_index
            """, [topic], columns: ["kafka_partition", "kafka_offset", "event_index", "event_id", "customer_id", "movie_id", "source", "t"])
        #expect(rows.map { "\($0["kafka_partition"]!!):\($0["kafka_offset"]!!)/\($0["event_index"]!!) \($0["event_id"]!!) \($0["customer_id"]!!) \($0["movie_id"]!!)" }
            == ["2:3/0 e3-0 785314 9100", "2:4/1 e4-1 785314 9200", "2:5/0 e5-0 785314 9100"])
        #expect(rows.map { $0["source"] ?? nil } == ["simulator", "feed:http://host/feed", nil])
        #expect(rows.allSatisfy { $0["t"] == .some("2026-11-25T18:00:00.123") })
    }

    /// Issue 15 item 1: after a broker restart (a new cluster) or a recreated topic, offsets start
    /// at 0 again while the progress still held the old ones, so every new event counted as
    /// stored (rows=0, no error). The store now tells a restarted log from a replay: a new cluster
    /// id, or a log end below the stored position, starts a new incarnation from offset 0.
    @Test(.enabled(if: enabled))
    func aRestartedLogStartsANewIncarnationInsteadOfSkippingItsEvents() async throws {
        let store = try store()
        try await store.migrate()
        let topic = "restart-\(UUID().uuidString)"
        let lists = (0..<10).map { list(topic, offset: Int64($0)) }
        func identity(_ cluster: String, end: Int64) -> LogIdentity {
            LogIdentity(clusterId: cluster, highWatermarks: [LogIdentity.Partition(topic: topic, partition: 2): end])
        }
        var result = try await store.write(lists, movies: [], log: identity("cluster-a", end: 10))
        #expect(result == SinkWriteResult(inserted: 10))
        // A replay on the same cluster: nothing new, nothing restarted.
        result = try await store.write(Array(lists[3..<10]), movies: [], log: identity("cluster-a", end: 10))
        #expect(result == SinkWriteResult(inserted: 0))
        // The broker was restarted: a new cluster id, offsets from 0.
        result = try await store.write(Array(lists[0..<4]), movies: [], log: identity("cluster-b", end: 4))
        #expect(result.inserted == 4)
        #expect(result.regressions.map(\.incarnation) == [1])
        #expect(result.regressions.first?.description.contains("cluster cluster-a → cluster-b") == true)
        result = try await store.write(Array(lists[0..<4]), movies: [], log: identity("cluster-b", end: 4))
        #expect(result == SinkWriteResult(inserted: 0))
        // The topic was deleted and created again on the same cluster: its log ends below the progress.
        result = try await store.write(Array(lists[0..<2]), movies: [], log: identity("cluster-b", end: 2))
        #expect(result.inserted == 2)
        #expect(result.regressions.first?.incarnation == 2)
        #expect(result.regressions.first?.description.contains("log end 2 below the stored position 4") == true)
        let rows = try await store.rows("SELECT incarnation, count(*) AS n FROM recommendation_lists WHERE topic = $1 GROUP BY incarnation ORDER BY incarnation",
                                        [topic], columns: ["incarnation", "n"])
        #expect(rows.map { "\($0["incarnation"]!!):\($0["n"]!!)" } == ["0:10", "1:4", "2:2"])
        let view = try await store.rows("SELECT count(*) AS n FROM recommendations WHERE topic = $1", [topic], columns: ["n"])
        #expect(view.first?["n"] == .some("32"))
        // A dead letter of the new incarnation is recorded, not taken for one of an old offset.
        try await store.recordDeadLetters([DeadLetterRow(topic: topic, partition: 2, offset: 1, deadLetterTopic: "dlq", reason: "r", error: "e")])
        try await store.recordDeadLetters([DeadLetterRow(topic: topic, partition: 2, offset: 1, deadLetterTopic: "dlq", reason: "r", error: "e")])
        let letters = try await store.rows("SELECT incarnation FROM dead_letters WHERE topic = $1", [topic], columns: ["incarnation"])
        #expect(letters.map { $0["incarnation"] ?? nil } == ["2"])
    }

    /// Issue 26, item 1: a cluster change counts, as lost, the offsets between the stored
    /// progress and the last log end the consumer saw on the old cluster (recorded in
    /// stream_gaps under the old incarnation, policy restart); a restart with nothing unread
    /// records nothing.
    @Test(.enabled(if: enabled))
    func aRestartedClusterRecordsTheEventsItTookWithItAsLost() async throws {
        let store = try store()
        try await store.migrate()
        let topic = "restart-loss-\(UUID().uuidString)"
        let lists = (0..<10).map { list(topic, offset: Int64($0)) }
        func identity(_ cluster: String, end: Int64) -> LogIdentity {
            LogIdentity(clusterId: cluster, highWatermarks: [LogIdentity.Partition(topic: topic, partition: 2): end])
        }
        _ = try await store.write(Array(lists[0..<4]), movies: [], log: identity("cluster-a", end: 7))
        _ = try await store.write(Array(lists[4..<6]), movies: [], log: identity("cluster-a", end: 10))
        var result = try await store.write(Array(lists[0..<2]), movies: [], log: identity("cluster-b", end: 2))
        #expect(result.inserted == 2)
        #expect(result.regressions.first?.lostOnPreviousLog == 6...9)
        #expect(result.regressions.first?.description.contains("offsets 6…9 of the previous log (4 events) were never read and are lost") == true)
        // Everything read on cluster-b before the next restart: nothing more is lost.
        result = try await store.write(Array(lists[2..<4]), movies: [], log: identity("cluster-b", end: 4))
        result = try await store.write(Array(lists[0..<1]), movies: [], log: identity("cluster-c", end: 1))
        #expect(result.regressions.first?.lostOnPreviousLog == nil)
        let gaps = try await store.rows("SELECT incarnation, first_offset, last_offset, events, policy FROM stream_gaps WHERE topic = $1 ORDER BY incarnation",
                                        [topic], columns: ["incarnation", "first_offset", "last_offset", "events", "policy"])
        let columns = ["incarnation", "first_offset", "last_offset", "events", "policy"]
        let values: [[String]] = gaps.map { row in columns.map { column in (row[column] ?? nil) ?? "" } }
        #expect(values == [["0", "6", "9", "4", "restart"]])
    }
}

@Suite(.serialized) struct CopyTests {
    @Test(.enabled(if: RecommendationStoreTests.enabled))
    func copyLoadsRowsWithEscapesAndNulls() async throws {
        let url = try TestEnvironment.requireDatabase()
        let store = RecommendationStore(url: DatabaseURL(url, environment: [:]), logger: Logger(label: "copy-test"))
        let table = "copy_test_\(UInt32.random(in: 0...UInt32.max))"
        try await store.execute("CREATE TABLE \(table) (id integer, note text)")
        let rows: [[String?]] = [["1", "tab\there"], ["2", nil], ["3", "back\\slash\nnew line"], ["4", "Amélie, \"quoted\""]]
        #expect(try await store.copy(into: table, columns: ["id", "note"], rows: rows) == 4)
        let stored = try await store.rows("SELECT id, note FROM \(table) ORDER BY id", columns: ["id", "note"])
        #expect(stored.map { $0["note"] ?? nil } == rows.map { $0[1] })
        try await store.execute("DROP TABLE \(table)")
    }

    /// Issue 15 item 16: the server's notices ("relation … already exists, skipping") went to
    /// stderr through libpq's default processor; they go to the logger at debug now.
    @Test(.enabled(if: RecommendationStoreTests.enabled))
    func serverNoticesGoToTheLoggerAtDebug() async throws {
        let log = CapturedLog()
        let store = RecommendationStore(url: DatabaseURL(try TestEnvironment.requireDatabase(), environment: [:]), logger: log.logger(label: "notice-test"))
        try await store.execute("DO $$ BEGIN RAISE NOTICE 'notice-from-the-server %', 42; END $$")
        try await store.execute("CREATE TEMPORARY TABLE IF NOT EXISTS notice_probe (x int)")
        try await store.execute("CREATE TEMPORARY TABLE IF NOT EXISTS notice_probe (x int)")
        #expect(log.text.contains("debug postgres notice [\"db.notice\": NOTICE:  notice-from-the-server 42]"), "\(log.text)")
        #expect(log.text.contains("already exists, skipping"))
    }
}
