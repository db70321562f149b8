/// Where the consumer puts what it computed: PostgreSQL (`RecommendationStore`) in production,
/// an in-memory sink in the handler's unit tests.
public protocol RecommendationSink: Sendable {
    /// Stores the lists and the movies they name in one transaction; lists of events already
    /// stored (a replay) are skipped. Lists come in Kafka order per partition. `log` tells a
    /// restarted log (new cluster, recreated topic: offsets from 0 again) from a replay; such a
    /// partition starts a new incarnation, reported in the result. One attempt: a transient
    /// failure (`DatabaseError.isTransient`) is thrown for the caller's retry policy.
    func write(_ lists: [RecommendationList], movies: [MovieRow], log: LogIdentity?) async throws(DatabaseError) -> SinkWriteResult

    /// Records dead letters (a replay records nothing twice). One attempt, like `write`.
    func recordDeadLetters(_ rows: [DeadLetterRow]) async throws(DatabaseError)

    /// Records gaps in the topic (found again after a restart: recorded once). One attempt.
    func recordGaps(_ rows: [StreamGapRow]) async throws(DatabaseError)
}

extension RecommendationSink {
    /// `write` without a log identity (tools, tests): only replays are told apart. Returns how many lists were new.
    @discardableResult
    public func write(_ lists: [RecommendationList], movies: [MovieRow]) async throws(DatabaseError) -> Int {
        try await write(lists, movies: movies, log: nil).inserted
    }
}
