import AsyncHTTPClient
import Foundation
import Logging
@testable import consumer
import RecoCore
import RecoKafka
import RecoStore
import StreamMetrics
import StreamSupport
import Testing

/// End to end against the Kafka mock cluster and the PostgreSQL that scripts/test starts.
@Suite(.serialized) struct ConsumerPipelineTests {
    static var databaseURL: String? { ProcessInfo.processInfo.environment["RECO_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 } }
    static var enabled: Bool { databaseURL != nil || ProcessInfo.processInfo.environment["RECO_REQUIRE_DATABASE"] != nil }

    private var logger: Logger {
        var logger = Logger(label: "consumer-test")
        logger.logLevel = .error
        return logger
    }

    /// A model over 60 customers (ids 1000…1059) and 40 movies (ids 1…40).
    private func makeModel() throws -> (Recommender, MovieCatalog) {
        var table = RatingsTable()
        var random = SplitMix64(seed: 3)
        for customer in 0..<60 {
            for movie in 1...40 where random.nextUnit() < 0.3 {
                table.append(customer: UInt32(1_000 + customer), movie: UInt32(movie), halfStars: UInt8(2 + random.next(below: 9)), day: 0)
            }
        }
        let dataset = RatingsDataset(table, scale: .netflix)
        var parameters = TrainingParameters()
        parameters.factors = 8
        parameters.epochs = 5
        let job = TrainingJob(dataset: dataset, parameters: parameters)
        let path = NSTemporaryDirectory() + "consumer-\(UUID().uuidString).recomodel"
        try job.write(try job.run(), to: path)
        let catalog = MovieCatalog((1...40).map { Movie(id: UInt32($0), year: $0 % 7 == 0 ? nil : 1990 + $0, title: "Movie \"\($0)\", the") })
        return (Recommender(model: try RecoModel(path: path)), catalog)
    }

    private func pipeline(_ cluster: KafkaMockCluster, topic: String, group: String, store: RecommendationStore,
                          source: ModelFileSource, metrics: ConsumerMetrics? = nil) throws -> ConsumerPipeline {
        let kafka = KafkaConfiguration(["bootstrap.servers": cluster.bootstrapServers, "session.timeout.ms": "6000", "heartbeat.interval.ms": "500"])
        var settings = ConsumerPipeline.Settings(topic: topic, deadLetterTopic: topic + ".dlq")
        settings.batchSize = 50
        settings.exitWhenIdle = .seconds(3)
        return ConsumerPipeline(settings: settings,
                                consumer: try KafkaConsumer(configuration: kafka, groupID: group, topics: [topic], logger: logger),
                                deadLetters: try KafkaProducer(configuration: kafka, logger: logger), store: store, source: source,
                                metrics: metrics, logger: logger)
    }

    @Test(.enabled(if: enabled))
    func eventsBecomeRowsBadMessagesBecomeDeadLettersAndReplaysInsertNothing() async throws {
        let url = try #require(Self.databaseURL, "RECO_TEST_DATABASE_URL is not set")
        let store = RecommendationStore(url: DatabaseURL(url, environment: [:]), logger: logger)
        try await store.migrate()
        let (recommender, catalog) = try makeModel()
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
        let first = try pipeline(cluster, topic: topic, group: "g1", store: store, source: source, metrics: metrics)
        try await first.run()
        await first.consumer.close()
        let totals = first.totals
        #expect(totals.consumed == good.count + badMessages.count + 1)
        #expect(totals.deadLetters == badMessages.count)
        #expect(totals.events == good.count + 1)
        #expect(totals.rowsWritten == 10 * (good.count + 1))
        // The same figures on the Prometheus endpoint (--metrics-port).
        let endpoint = MetricsEndpoint(registry: metrics.registry, port: Self.freePort())
        let serving = Task { try await endpoint.run(logger: logger) }
        defer { serving.cancel() }
        let exposition = try await Self.get("http://127.0.0.1:\(endpoint.port)/metrics")
        #expect(exposition.contains("reco_consumer_rows_written_total \(totals.rowsWritten)"), "\(exposition.prefix(3000))")
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
        let checker = try KafkaConsumer(configuration: KafkaConfiguration(["bootstrap.servers": cluster.bootstrapServers]), groupID: "dlq-check",
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
        let replay = try pipeline(cluster, topic: topic, group: "g2", store: store, source: source)
        try await replay.run()
        await replay.consumer.close()
        #expect(replay.totals.consumed == totals.consumed)
        #expect(replay.totals.rowsWritten == 0)
        let after = try await store.rows("SELECT count(*) AS n FROM recommendations WHERE topic = $1", [topic], columns: ["n"])
        #expect(before.first?["n"] == after.first?["n"])
        #expect(after.first?["n"] == .some(String(10 * (good.count + 1))))
        // Dead letters are in PostgreSQL too (the dashboard's count), once each despite the replay.
        let recorded = try await store.rows("SELECT count(*) AS n, count(DISTINCT reason) AS r FROM dead_letters WHERE topic = $1",
                                            [topic], columns: ["n", "r"])
        #expect(recorded.first?["n"] == .some(String(badMessages.count)))
        #expect(Int((recorded.first?["r"] ?? nil) ?? "0") ?? 0 >= 6)
    }

    /// GET with retries while the endpoint starts.
    static func get(_ url: String) async throws -> String {
        var lastError: (any Error)?
        for _ in 0..<50 {
            do {
                let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(5))
                return String(buffer: try await response.body.collect(upTo: 1 << 20))
            } catch {
                lastError = error
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        throw lastError!
    }

    static func freePort() -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
