import Foundation
import Logging
@testable import notifier
import RecoCore
import RecoKafka
import StreamSupport
import Synchronization
import Testing

/// The notifier against the Kafka mock cluster and a hook that fails the first attempts.
struct NotifierLoopTests {
    /// Keeps every log line, to check that the hook's URL never appears.
    final class CapturedLog: Sendable {
        let lines = Mutex<[String]>([])
        var text: String { lines.withLock { $0.joined(separator: "\n") } }
    }

    struct CapturingHandler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
            self.log.lines.withLock { $0.append("\(level) \(message) \(metadata ?? [:])") }
        }
    }

    /// A model over customers 1000…1059 and movies 1…40.
    private func makeSource() throws -> ModelFileSource {
        var table = RatingsTable()
        var random = SplitMix64(seed: 3)
        for customer in 0..<60 {
            for movie in 1...40 where random.nextUnit() < 0.3 {
                table.append(customer: UInt32(1_000 + customer), movie: UInt32(movie), halfStars: UInt8(2 + random.next(below: 9)), day: 0)
            }
        }
        var parameters = TrainingParameters()
        parameters.factors = 8
        parameters.epochs = 3
        let job = TrainingJob(dataset: RatingsDataset(table, scale: .netflix), parameters: parameters)
        let path = NSTemporaryDirectory() + "notifier-\(UUID().uuidString).recomodel"
        try job.write(try job.run(), to: path)
        let catalog = MovieCatalog((1...40).map { Movie(id: UInt32($0), year: 1990 + $0, title: "Movie \($0)") })
        return ModelFileSource(recommender: Recommender(model: try RecoModel(path: path)), catalog: catalog)
    }

    @Test func oneNotificationPerEventDespiteFailingAttemptsAndRefusalsAreDeadLettered() async throws {
        let captured = CapturedLog()
        let logger = Logger(label: "notifier-test") { _ in CapturingHandler(log: captured) }
        let cluster = try KafkaMockCluster(brokers: 1, logger: logger)
        let topic = "notify-\(UUID().uuidString.prefix(8))"
        try cluster.createTopic(topic, partitions: 3)
        try cluster.createTopic(topic + ".notify-dlq", partitions: 1)
        let kafka = KafkaConfiguration(["bootstrap.servers": cluster.bootstrapServers, "session.timeout.ms": "6000", "heartbeat.interval.ms": "500"])
        let producer = try KafkaProducer(configuration: kafka, logger: logger)
        let events: [WatchEvent] = (0..<40).map { (index: Int) -> WatchEvent in
            WatchEvent(eventId: "ev-\(index)", customerId: UInt32(1_000 + index % 60), movieId: UInt32(index % 40 + 1), title: nil, year: nil,
                       watchedAt: "2026-11-25T18:00:00Z", source: "test")
        }
        for event in events { try await producer.send(KafkaOutgoingMessage(topic: topic, key: event.keyBytes, value: event.jsonBytes())) }
        try await producer.send(KafkaOutgoingMessage(topic: topic, key: nil, value: Array("{not json".utf8)))
        _ = await producer.flush(timeout: .seconds(10))

        // Every event fails twice (503, then 429) before it is accepted.
        let server = HookServer { _, attempt in
            attempt == 1 ? .status(503) : attempt == 2 ? .status(429, retryAfter: 0) : .accept
        }
        let refusing = HookServer { _, _ in .status(422) }
        try await server.serve { url in
            try await refusing.serve { refusingURL in
                var settings = NotifierLoop.Settings(topic: topic, deadLetterTopic: topic + ".notify-dlq")
                settings.exitWhenIdle = .seconds(3)
                let retry = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(10), maxDelay: .milliseconds(100))
                let loop = NotifierLoop(settings: settings,
                                        consumer: try KafkaConsumer(configuration: kafka, groupID: "notifier-test", topics: [topic], logger: logger),
                                        deadLetters: try KafkaProducer(configuration: kafka, logger: logger), source: try makeSource(),
                                        webhook: WebhookClient(url: url, retry: retry), logger: logger)
                try await loop.run()
                #expect(loop.totals.delivered == 40)
                #expect(loop.totals.deadLetters == 1)
                #expect(loop.totals.attempts == 120)
                await loop.consumer.close()

                // A hook that refuses everything: each event is dead-lettered after one attempt.
                let refused = NotifierLoop(settings: settings,
                                           consumer: try KafkaConsumer(configuration: kafka, groupID: "notifier-refused", topics: [topic], logger: logger),
                                           deadLetters: try KafkaProducer(configuration: kafka, logger: logger), source: try makeSource(),
                                           webhook: WebhookClient(url: refusingURL, retry: retry), logger: logger)
                try await refused.run()
                #expect(refused.totals.delivered == 0)
                #expect(refused.totals.deadLetters == 41)
                #expect(refused.totals.attempts == 40)
                await refused.consumer.close()
            }
        }

        // Exactly one accepted notification per event, keyed topic/partition/offset, with the top 10.
        let accepted = server.accepted
        #expect(accepted.count == 40)
        #expect(accepted.values.allSatisfy { $0.count == 1 })
        var eventIds = Set<String>()
        for (key, bodies) in accepted {
            let body = try JSONParser.parse(Array(try #require(bodies.first).utf8))
            #expect(body["idempotency_key"]?.string == key)
            #expect(key.hasPrefix(topic + "/"))
            #expect(body["recommendations"]?.array?.count == 10)
            #expect(body["recommendations"]?.array?.first?["rank"]?.number == 1)
            #expect(body["summary"]?.string?.contains("Movie") == true)
            eventIds.insert(body["event_id"]?.string ?? "")
        }
        #expect(eventIds == Set(events.map { (event: WatchEvent) in event.eventId }))

        // Dead letters: the bad message twice (once per group) and 40 refusals, with reasons.
        let reader = try KafkaConsumer(configuration: kafka, groupID: "dlq-reader", topics: [topic + ".notify-dlq"], logger: logger)
        var letters: [KafkaConsumedMessage] = []
        for _ in 0..<100 where letters.count < 42 { letters += try await reader.poll(maximum: 100, timeout: .milliseconds(200)) }
        await reader.close()
        #expect(letters.count == 42)
        #expect(letters.filter { $0.header("error.reason") == "webhook_rejected" }.count == 40)
        #expect(letters.allSatisfy { $0.header("source.offset") != nil })

        // The hook's secret path is in no log line.
        #expect(!captured.text.isEmpty)
        #expect(!captured.text.contains("s3cr3t"))
    }
}
