import Foundation
import Logging
@testable import notifier
import RecoCore
import RecoKafka
import RecoKafkaMock
import StreamKit
import Synchronization
import Testing
import TestSupport

/// The notifier against the Kafka mock cluster and a hook that fails the first attempts.
struct NotifierServiceTests {
    private func makeSource() async throws -> ModelFileSource {
        let model = try await SmallModel.make()
        return ModelFileSource(recommender: model.recommender, catalog: model.catalog)
    }

    private func service(kafka: KafkaConfiguration, topic: String, group: String, url: String, retry: RetryPolicy,
                         logger: Logger) async throws -> (ConsumerGroupService<NotificationHandler>, NotificationHandler) {
        var settings = ConsumerGroupService<NotificationHandler>.Settings(name: "notifier", topic: topic, group: group,
                                                                          deadLetterTopic: topic + ".notify-dlq")
        settings.batchSize = 100
        settings.exitWhenIdle = .seconds(3)
        let handler = NotificationHandler(source: try await makeSource(), webhook: WebhookClient(url: url, retry: retry))
        return (try ConsumerGroupService(settings: settings, kafka: kafka, handler: handler, logger: logger), handler)
    }

    @Test func oneNotificationPerEventDespiteFailingAttemptsAndRefusalsAreDeadLettered() async throws {
        let captured = CapturedLog()
        let logger = captured.logger(label: "notifier-test")
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
                let retry = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(10), maxDelay: .milliseconds(100))
                let (loop, handler) = try await service(kafka: kafka, topic: topic, group: "notifier-test", url: url, retry: retry, logger: logger)
                try await loop.run()
                #expect(handler.totals.delivered == 40)
                #expect(loop.totals.deadLetters == 1)
                #expect(handler.totals.attempts == 120)

                // A hook that refuses everything: each event is dead-lettered after one attempt.
                let (refused, refusedHandler) = try await service(kafka: kafka, topic: topic, group: "notifier-refused", url: refusingURL, retry: retry,
                                                            logger: logger)
                try await refused.run()
                #expect(refusedHandler.totals.delivered == 0)
                #expect(refused.totals.deadLetters == 41)
                #expect(refusedHandler.totals.attempts == 40)
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
        let reader = try KafkaConsumer(configuration: kafka, groupId: "dlq-reader", topics: [topic + ".notify-dlq"], logger: logger)
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
