import AsyncHTTPClient
import Foundation
import Logging
@testable import consumer
import RecoCore
import RecoKafka
import RecoKafkaMock
import RecoStore
import StreamKit
import Testing
import TestSupport

/// The consumer's service (the shared consumer-group loop with the consumer's handler) end to
/// end against the Kafka mock cluster and the PostgreSQL that scripts/test starts.
@Suite(.serialized) struct ConsumerServiceTests {
    static var enabled: Bool { TestEnvironment.databaseEnabled }

    private var logger: Logger { quietLogger("consumer-test") }

    private func service(_ cluster: KafkaMockCluster, topic: String, group: String, store: RecommendationStore,
                         source: ModelFileSource, metrics: ConsumerMetrics? = nil) throws -> (ConsumerGroupService<RecommendationWriter>, RecommendationWriter) {
        let kafka = KafkaConfiguration(["bootstrap.servers": cluster.bootstrapServers, "session.timeout.ms": "6000", "heartbeat.interval.ms": "500"])
        var settings = ConsumerGroupService<RecommendationWriter>.Settings(name: "consumer", topic: topic, group: group, deadLetterTopic: topic + ".dlq")
        settings.batchSize = 50
        // Idle counts from the assignment; on a loaded machine (the whole suite on two cores) the
        // first fetch can take seconds after it.
        settings.exitWhenIdle = .seconds(8)
        settings.pipelined = true
        let writer = RecommendationWriter(sink: store, source: source, deadLetterTopic: topic + ".dlq", metrics: metrics)
        return (try ConsumerGroupService(settings: settings, kafka: kafka, handler: writer, metrics: metrics?.group, logger: logger), writer)
    }

    @Test(.enabled(if: enabled))
    func eventsBecomeRowsBadMessagesBecomeDeadLettersAndReplaysInsertNothing() async throws {
        let url = try TestEnvironment.requireDatabase()
        let store = RecommendationStore(url: DatabaseURL(url, environment: [:]), logger: logger)
        try await store.migrate()
        let (recommender, catalog, _) = try await SmallModel.make()
        let source = ModelFileSource(recommender: recommender, catalog: catalog)

        let cluster = try KafkaMockCluster(brokers: 1, logger: logger)
        let topic = "watch-\(UUID().uuidString.prefix(8))"
        try cluster.createTopic(topic, partitions: 3)
        try cluster.createTopic(topic + ".dlq", partitions: 1)
        let producer = try KafkaProducer(configuration: KafkaConfiguration(["bootstrap.servers": cluster.bootstrapServers]), logger: logger)

        // Good events (one for an unknown customer: cold start), the seed's legacy format, and
        // at least ten kinds of bad messages in between.
        var good: [WatchEvent] = (0..<30).map {
            WatchEvent(eventId: "good-\($0)", customerId: UInt32(1_000 + $0 % 60), movieId: UInt32($0 % 40 + 1), title: nil, year: nil,
                       watchedAt: "2026-11-25T18:00:\(String(format: "%02d", $0 % 60)).000Z", source: "test")
        }
        good.append(WatchEvent(eventId: "cold", customerId: 999_999, movieId: 3, title: nil, year: nil, watchedAt: "2026-11-25T18:01:00Z", source: "test"))
        let legacy = #"{"Movie_Id":{"0":3},"YearRelease":{"0":2004},"Name":{"0":"Character"},"current_time":{"0":1700000000000},"customerID":{"0":1005}}"#
        let badMessages = [
            "", "{not json", "[1,2]", #"{"hello":1}"#, #"{"schema":"watch_event/v2"}"#,
            #"{"schema":"watch_event/v1","event_id":"x","movie_id":3,"watched_at":"2026-11-25T18:00:00Z"}"#,
            #"{"schema":"watch_event/v1","event_id":"x","customer_id":"12","movie_id":3,"watched_at":"2026-11-25T18:00:00Z"}"#,
            #"{"schema":"watch_event/v1","event_id":"x","customer_id":-4,"movie_id":3,"watched_at":"2026-11-25T18:00:00Z"}"#,
            #"{"schema":"watch_event/v1","event_id":"x","customer_id":1e12,"movie_id":3,"watched_at":"2026-11-25T18:00:00Z"}"#,
            #"{"schema":"watch_event/v1","event_id":"x","customer_id":5,"movie_id":3,"watched_at":"soon"}"#,
            #"{"Movie_Id":{"0":3}}"#,
            "{\"pad\":\"" + String(repeating: "z", count: 70_000) + "\"}",
        ]
        var sent = 0
        for (index, event) in good.enumerated() {
            try await producer.send(KafkaOutgoingMessage(topic: topic, key: event.keyBytes, value: event.jsonBytes()))
            sent += 1
            if index < badMessages.count {
                try await producer.send(KafkaOutgoingMessage(topic: topic, key: Array("bad".utf8), value: Array(badMessages[index].utf8)))
            }
        }
        try await producer.send(KafkaOutgoingMessage(topic: topic, key: Array("1005".utf8), value: Array(legacy.utf8)))
        #expect(await producer.flush(timeout: .seconds(10)) == 0)

        let metrics = ConsumerMetrics()
        let (first, firstWriter) = try service(cluster, topic: topic, group: "g1", store: store, source: source, metrics: metrics)
        try await first.run()
        let totals = first.totals
        #expect(totals.consumed == good.count + badMessages.count + 1)
        #expect(totals.deadLetters == badMessages.count)
        #expect(firstWriter.totals.events == good.count + 1)
        #expect(firstWriter.totals.listsWritten == good.count + 1)
        // The same figures on the Prometheus endpoint (--metrics-port).
        let endpoint = MetricsEndpoint(registry: metrics.registry, port: freePort(), logger: logger)
        let serving = Task { try await endpoint.run() }
        defer { serving.cancel() }
        let exposition = try await httpGet("http://127.0.0.1:\(endpoint.port)/metrics")
        #expect(exposition.contains("reco_consumer_rows_written_total \(good.count + 1)"), "\(exposition.prefix(3000))")
        #expect(exposition.contains("reco_consumer_dead_letters_total \(badMessages.count)"))
        #expect(exposition.contains("reco_consumer_messages_consumed_total \(totals.consumed)"))
        #expect(exposition.contains("reco_consumer_batch_write_seconds_bucket"))
        #expect(exposition.contains("reco_consumer_event_latency_seconds_count"))

        // Exact contents for one event, against the model directly.
        let rows = try await store.rows(
            "SELECT rank, movie_id, title, year, score, cold_start, model_version, event_id FROM recommendations WHERE topic = $1 AND event_id = $2 ORDER BY rank",
            [topic, "good-7"], columns: ["rank", "movie_id", "title", "year", "score", "cold_start", "model_version", "event_id"])
        let expected = recommender.recommend(customerId: 1_007, limit: 10)
        let movieIds: [String] = rows.compactMap { $0["movie_id"] ?? nil }
        let ranks: [String] = rows.compactMap { $0["rank"] ?? nil }
        let expectedIds: [String] = expected.items.map { String($0.movieId) }
        let expectedRanks: [String] = (1...10).map { String($0) }
        #expect(movieIds == expectedIds)
        #expect(ranks == expectedRanks)
        #expect(rows.first?["title"] == .some(catalog[expected.items[0].movieId]?.title))
        #expect(rows.first?["model_version"] == .some(recommender.model.metadata.version))
        let cold = try await store.rows("SELECT DISTINCT cold_start FROM recommendations WHERE topic = $1 AND event_id = 'cold'", [topic], columns: ["cold_start"])
        let coldFlags: [String] = cold.compactMap { $0["cold_start"] ?? nil }
        #expect(coldFlags == ["t"])
        let legacyRows = try await store.rows("SELECT count(*) AS n FROM recommendations WHERE topic = $1 AND customer_id = 1005 AND event_id LIKE 'legacy-%'",
                                              [topic], columns: ["n"])
        #expect(legacyRows.first?["n"] == .some("10"))

        // Every bad message is in the dead-letter topic with its reason and origin.
        let checker = try KafkaConsumer(configuration: KafkaConfiguration(["bootstrap.servers": cluster.bootstrapServers]), groupId: "dlq-check",
                                        topics: [topic + ".dlq"], logger: logger)
        var letters: [KafkaConsumedMessage] = []
        let deadline = ContinuousClock.now + .seconds(20)
        while letters.count < badMessages.count && ContinuousClock.now < deadline {
            letters += try await checker.poll(maximum: 100, timeout: .milliseconds(200))
        }
        await checker.close()
        #expect(letters.count == badMessages.count)
        #expect(Set(letters.compactMap { $0.header("error.reason") }).count >= 6)
        #expect(letters.allSatisfy { $0.header("source.topic") == topic && $0.header("source.offset") != nil && $0.header("error") != nil })

        // Another group reads everything again: every row already exists, nothing is inserted.
        let before = try await store.rows("SELECT count(*) AS n FROM recommendations WHERE topic = $1", [topic], columns: ["n"])
        let (replay, replayWriter) = try service(cluster, topic: topic, group: "g2", store: store, source: source)
        try await replay.run()
        #expect(replay.totals.consumed == totals.consumed)
        #expect(replayWriter.totals.listsWritten == 0)
        let after = try await store.rows("SELECT count(*) AS n FROM recommendations WHERE topic = $1", [topic], columns: ["n"])
        #expect(before.first?["n"] == after.first?["n"])
        #expect(after.first?["n"] == .some(String(10 * (good.count + 1))))
        // Dead letters are in PostgreSQL too (the dashboard's count), once each despite the replay.
        let recorded = try await store.rows("SELECT count(*) AS n, count(DISTINCT reason) AS r FROM dead_letters WHERE topic = $1",
                                            [topic], columns: ["n", "r"])
        #expect(recorded.first?["n"] == .some(String(badMessages.count)))
        #expect(Int((recorded.first?["r"] ?? nil) ?? "0") ?? 0 >= 6)
    }
}
