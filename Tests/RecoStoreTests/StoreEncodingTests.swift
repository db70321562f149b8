import Foundation
import Logging
import RecoCore
@testable import RecoStore
import Testing

/// What the store sends PostgreSQL, checked without a server.
struct StoreEncodingTests {
    @Test func connectionErrorsAreTransientAndNeverShowThePassword() async throws {
        let store = RecommendationStore(url: DatabaseURL("postgresql://reco:hunter2@127.0.0.1:1/reco?connect_timeout=2", environment: [:]),
                                        logger: Logger(label: "store-test"))
        do throws(DatabaseError) {
            try await store.migrate(retry: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(10), deadline: .milliseconds(300)))
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
        #expect(PostgresArray.numbers([1, -2] as [Int64]) == "{1,-2}")
        #expect(PostgresArray.numbers([1, nil, 3] as [Int?]) == "{1,NULL,3}")
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
        buffer.integerArray([3, 17, 4_000_000_000])
        buffer.doubleArray([4.1234, 3.5, .nan])
        buffer.integerArray([])
        buffer.endRow()
        #expect(String(decoding: buffer.bytes, as: UTF8.self)
            == "a\\tb\\\\c\\nd\\re\t\\N\t-1234567890123\t0\t\\N\t4.25\tt\nAmélie\t{3,17,4000000000}\t{4.1234,3.5,NaN}\t{}\n")
    }

    @Test func migrationsAreNumberedInOrderAndTheLatestKeepsTheSeedsView() {
        let versions = StoreSchema.migrations.map(\.version)
        #expect(versions == Array(1...versions.count))
        #expect(StoreSchema.latestVersion == versions.last)
        let latest = StoreSchema.migrations.flatMap(\.statements).joined(separator: "\n")
        #expect(latest.contains("CREATE VIEW top_movies"))
        #expect(latest.contains("CREATE VIEW recommendations"))
    }
}
