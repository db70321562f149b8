import Foundation
import Logging
@testable import RecoStore
import Testing

/// Against the real PostgreSQL that scripts/test starts (RECO_TEST_DATABASE_URL).
@Suite(.serialized) struct RecommendationStoreTests {
    static var databaseURL: String? { ProcessInfo.processInfo.environment["RECO_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 } }

    private func store() throws -> RecommendationStore {
        guard let url = Self.databaseURL else {
            // scripts/test sets RECO_REQUIRE_DATABASE: there a missing database is a failure, not a skip.
            if ProcessInfo.processInfo.environment["RECO_REQUIRE_DATABASE"] != nil { Issue.record("RECO_TEST_DATABASE_URL is not set") }
            throw DatabaseError(kind: .connection, message: "no test database")
        }
        return RecommendationStore(url: DatabaseURL(url, environment: [:]), logger: Logger(label: "store-test"))
    }

    private func row(_ topic: String, offset: Int64, rank: Int, title: String?, year: Int?) -> RecommendationRow {
        RecommendationRow(topic: topic, partition: 2, offset: offset, rank: rank, customerId: 785_314, movieId: UInt32(10 + rank),
                          title: title, year: year, score: 4.25, modelVersion: "v1", eventId: "e\(offset)",
                          eventTime: "2026-11-25T18:00:00.123Z", coldStart: false)
    }

    static var enabled: Bool { databaseURL != nil || ProcessInfo.processInfo.environment["RECO_REQUIRE_DATABASE"] != nil }

    @Test(.enabled(if: enabled))
    func writesRowsExactlyAndReplaysInsertNothing() async throws {
        let store = try store()
        try await store.migrate()
        try await store.migrate()  // idempotent
        let topic = "test-\(UUID().uuidString)"
        let nasty = "Tricky \"quoted\", back\\slash, {braces}, NULL, comma, accents: Amélie"
        let rows = [row(topic, offset: 7, rank: 1, title: nasty, year: nil), row(topic, offset: 7, rank: 2, title: nil, year: 2004),
                    row(topic, offset: 8, rank: 1, title: "Plain", year: 1999)]
        #expect(try await store.write(rows, retryUntil: .now + .seconds(10)) == 3)
        #expect(try await store.write(rows, retryUntil: .now + .seconds(10)) == 0)
        // Rows stored without progress (an older version, a manual load): the primary key still refuses duplicates.
        try await store.execute("DELETE FROM recommendations_progress WHERE topic = $1", [topic])
        #expect(try await store.write(rows, retryUntil: .now + .seconds(10)) == 0)
        // A later batch of the partition goes in; an earlier offset seen again afterwards does not.
        #expect(try await store.write([row(topic, offset: 9, rank: 1, title: "Later", year: nil)], retryUntil: .now + .seconds(10)) == 1)
        #expect(try await store.write([row(topic, offset: 8, rank: 2, title: "Replayed late", year: nil)], retryUntil: .now + .seconds(10)) == 0)
        let stored = try await store.rows(
            "SELECT kafka_offset, rank, title, year, score, cold_start, to_char(event_time AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS') AS t FROM recommendations WHERE topic = $1 ORDER BY kafka_offset, rank",
            [topic], columns: ["kafka_offset", "rank", "title", "year", "score", "cold_start", "t"])
        #expect(stored.count == 4)
        #expect(stored[0]["title"] == .some(nasty))
        #expect(stored[0]["year"] == .some(nil))
        #expect(stored[1]["title"] == .some(nil))
        #expect(stored[1]["year"] == .some("2004"))
        #expect(stored[2]["score"] == .some("4.25"))
        #expect(stored[2]["cold_start"] == .some("f"))
        #expect(stored[0]["t"] == .some("2026-11-25T18:00:00.123"))
        // The seed's view and columns.
        let view = try await store.rows(#"SELECT "Movie_Id", "Year", "Name", "Estimate_Score", "Cust_id" FROM top_movies WHERE "Name" = 'Plain'"#,
                                        columns: ["Movie_Id", "Year", "Name", "Estimate_Score", "Cust_id"])
        #expect(view.contains { $0["Cust_id"] == .some("785314") && $0["Year"] == .some("1999") })
    }

    @Test func connectionErrorsAreTransientAndNeverShowThePassword() async throws {
        let store = RecommendationStore(url: DatabaseURL("postgresql://reco:hunter2@127.0.0.1:1/reco?connect_timeout=2", environment: [:]),
                                        logger: Logger(label: "store-test"))
        do {
            try await store.migrate(timeout: .milliseconds(300))
            Issue.record("connected to a closed port")
        } catch {
            #expect(error.isTransient)
            #expect(!error.description.contains("hunter2"))
        }
        #expect(DatabaseURL("postgresql://reco:hunter2@db/reco", environment: [:]).description == "postgresql://reco:***@db/reco")
        #expect(DatabaseURL("host=db password=hunter2 user=x", environment: [:]).description == "host=db password=*** user=x")
        #expect(DatabaseURL(nil, environment: ["DATABASE_URL": "postgresql://a@b/c"]).conninfo == "postgresql://a@b/c")
    }

    @Test func arrayLiteralsQuoteEveryElement() {
        #expect(PostgresArray.text(["a", nil, "b\"c", "d\\e", "f,g"]) == #"{"a",NULL,"b\"c","d\\e","f,g"}"#)
        #expect(PostgresArray.numbers([1, -2]) == "{1,-2}")
    }

    @Test func copyTextEscapesWhatCopyWouldMisread() {
        var buffer = CopyTextBuffer()
        buffer.text("a\tb\\c\nd\re")
        buffer.text(nil)
        buffer.integer(-1_234_567_890_123)
        buffer.integer(0)
        buffer.integer(nil)
        buffer.real(4.25)
        buffer.boolean(true)
        buffer.endRow()
        buffer.text("Amélie")
        buffer.endRow()
        #expect(String(decoding: buffer.bytes, as: UTF8.self) == "a\\tb\\\\c\\nd\\re\t\\N\t-1234567890123\t0\t\\N\t4.25\tt\nAmélie\n")
    }
}

@Suite(.serialized) struct CopyTests {
    @Test(.enabled(if: RecommendationStoreTests.enabled))
    func copyLoadsRowsWithEscapesAndNulls() async throws {
        let url = try #require(RecommendationStoreTests.databaseURL, "RECO_TEST_DATABASE_URL is not set")
        let store = RecommendationStore(url: DatabaseURL(url, environment: [:]), logger: Logger(label: "copy-test"))
        let table = "copy_test_\(UInt32.random(in: 0...UInt32.max))"
        try await store.execute("CREATE TABLE \(table) (id integer, note text)")
        let rows: [[String?]] = [["1", "tab\there"], ["2", nil], ["3", "back\\slash\nnew line"], ["4", "Amélie, \"quoted\""]]
        #expect(try await store.copy(into: table, columns: ["id", "note"], rows: rows) == 4)
        let stored = try await store.rows("SELECT id, note FROM \(table) ORDER BY id", columns: ["id", "note"])
        #expect(stored.map { $0["note"] ?? nil } == rows.map { $0[1] })
        try await store.execute("DROP TABLE \(table)")
    }
}
