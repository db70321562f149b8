/// Where the consumer puts what it computed: PostgreSQL (`RecommendationStore`) in production,
/// an in-memory sink in the handler's unit tests.
public protocol RecommendationSink: Sendable {
    /// Stores the lists and the movies they name in one transaction; lists of events already
    /// stored (a replay) are skipped. Lists come in Kafka order per partition. Returns how many
    /// lists were new. Transient failures are retried until `deadline`.
    func write(_ lists: [RecommendationList], movies: [MovieRow], retryUntil deadline: ContinuousClock.Instant) async throws(DatabaseError) -> Int

    /// Records dead letters (a replay records nothing twice).
    func recordDeadLetters(_ rows: [DeadLetterRow], retryUntil deadline: ContinuousClock.Instant) async throws(DatabaseError)
}
