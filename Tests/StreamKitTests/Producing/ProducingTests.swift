import Foundation
import Hummingbird
import Logging
@testable import StreamKit
import RecoCore
import RecoKafka
import RecoKafkaMock
import Synchronization
import Testing
import TestSupport

@Suite(.serialized) struct ProducingTests {
    static let feedObject = #"{"columns":["YearRelease","Name","current_time","customerID"],"index":[3,8,3],"data":[[2004,"Character",1700000000000,785314],[null,"Dogma",1700000005000,42],[2004,"Character",1700000009000,42]]}"#

    private var logger: Logger {
        var logger = Logger(label: "producer-test")
        logger.logLevel = .warning
        return logger
    }

    /// Serves the seed's feed format (a JSON string) on 127.0.0.1; the first request fails with
    /// 503 and the second answers garbage, to exercise retries and bad-body handling.
    private func withFeedServer(_ body: @Sendable (String) async throws -> Void) async throws {
        let requests = Atomic<Int>(0)
        let router = Router()
        router.get("/feed") { _, _ -> Response in
            let number = requests.wrappingAdd(1, ordering: .relaxed).newValue
            if number == 1 { return Response(status: .serviceUnavailable) }
            let text = number == 2 ? "<html>oops</html>" : "\"" + Self.feedObject.replacingOccurrences(of: "\"", with: "\\\"") + "\""
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        let port = Mutex<Int?>(nil)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port } }, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            var waited = 0
            while port.withLock({ $0 }) == nil && waited < 500 {
                try await Task.sleep(for: .milliseconds(10))
                waited += 1
            }
            let url = "http://127.0.0.1:\(port.withLock { $0 } ?? 0)/feed"
            try await body(url)
            group.cancelAll()
        }
    }

    @Test func feedEventsReachTheTopicDespiteAFailingAndABadResponse() async throws {
        let cluster = try KafkaMockCluster(brokers: 1, logger: logger)
        try cluster.createTopic("watch_events", partitions: 2)
        let kafka = KafkaConfiguration(["bootstrap.servers": cluster.bootstrapServers])
        try await withFeedServer { url in
            let source = FeedSource(url: try #require(FeedURL(url)), interval: .milliseconds(50), timeout: .seconds(2), logger: logger)
            // First poll: 503 then retried → the bad body is rejected (empty batch); second poll: 3 events.
            let metrics = ProducerMetrics()
            let run = ProducerService(topic: "watch_events", kafka: kafka, source: source, limit: 6, statsInterval: .seconds(60), metrics: metrics,
                                  logger: logger)
            try await run.run()
            let outcome = try #require(run.outcome)
            await source.shutdown()
            #expect(outcome.produced == 6)
            #expect(outcome.delivered == 6)
            #expect(outcome.failed == 0 && outcome.undelivered == 0)
            var exposition: [UInt8] = []
            metrics.registry.emit(into: &exposition)
            let text = String(decoding: exposition, as: UTF8.self)
            #expect(text.contains("reco_producer_events_produced_total 6"), "\(text)")
            #expect(text.contains("reco_producer_events_delivered_total 6"))
            #expect(text.contains("reco_producer_delivery_failures_total 0"))
        }
        let consumer = try KafkaConsumer(configuration: kafka, groupId: "check", topics: ["watch_events"], logger: logger)
        var messages: [KafkaConsumedMessage] = []
        let deadline = ContinuousClock.now + .seconds(20)
        while messages.count < 6 && ContinuousClock.now < deadline {
            messages += try await consumer.poll(maximum: 100, timeout: .milliseconds(200))
        }
        await consumer.close()
        #expect(messages.count == 6)
        let events = try messages.flatMap { try WatchEventDecoder.decode($0.value) }
        #expect(events.map(\.customerId).sorted() == [42, 42, 42, 42, 785_314, 785_314])
        // Keyed by customer: a customer's events share a partition.
        for message in messages { #expect(message.key == Array(String(try WatchEventDecoder.decode(message.value)[0].customerId).utf8)) }
        #expect(Set(messages.filter { $0.key == Array("42".utf8) }.map(\.partition)).count == 1)
    }

    @Test func replaySkipsBadLinesAndKeepsTheRest() async throws {
        let path = NSTemporaryDirectory() + "replay-\(UUID().uuidString).jsonl"
        let good = WatchEvent(eventId: "r1", customerId: 5, movieId: 6, title: "T", year: 2001, watchedAt: "2026-01-01T00:00:00Z", source: "x")
        let lines = [String(decoding: good.jsonBytes(), as: UTF8.self), "{broken", #"{"Movie_Id":{"0":3},"customerID":{"0":7}}"#, ""]
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let source = try ReplaySource(path: path, logger: logger)
        #expect(source.invalidLines == 1)
        let batch = try await source.nextBatch()
        #expect(batch?.map(\.customerId) == [5, 7])
        #expect(try await source.nextBatch() == nil)
    }

    /// Issue 15 item 10: `--source 'http://user:PW@host/feed?api_key=K' --log-level debug` wrote
    /// both secrets into the log, and the userinfo was dropped instead of sent. Now it is sent as
    /// Basic auth and no log line, at any level, on success or failure, shows a secret.
    @Test func feedCredentialsAreSentAsBasicAuthAndNeverLogged() async throws {
        let expected = "Basic " + Data("feed-user:s3cr3t PW".utf8).base64EncodedString()
        let router = Router()
        router.get("/feed") { request, _ -> Response in
            guard request.headers[.authorization] == expected, request.uri.queryParameters["api_key"] == "k3y-v4lue" else {
                return Response(status: .unauthorized)
            }
            let text = "\"" + Self.feedObject.replacingOccurrences(of: "\"", with: "\\\"") + "\""
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        let port = Mutex<Int?>(nil)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port } }, logger: logger)
        let log = CapturedLog()
        var traceLogger = log.logger(label: "producer")
        traceLogger.logLevel = .trace
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            while port.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(10)) }
            let address = "127.0.0.1:\(port.withLock { $0 } ?? 0)"
            let good = try #require(FeedURL("http://feed-user:s3cr3t%20PW@\(address)/feed?api_key=k3y-v4lue&region=eu"))
            #expect(good.description == "http://[redacted]@\(address)/feed?api_key=[redacted]&region=[redacted]")
            #expect(good.requestURL == "http://\(address)/feed?api_key=k3y-v4lue&region=eu")
            let source = FeedSource(url: good, interval: .milliseconds(10), timeout: .seconds(2), retry: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(250)), logger: traceLogger)
            #expect(try await source.nextBatch()?.count == 3)
            await source.shutdown()
            // Refused (wrong password), then unreachable: both are logged, neither with a secret.
            for text in ["http://feed-user:wr0ng-PW@\(address)/feed?api_key=k3y-v4lue", "http://feed-user:s3cr3t%20PW@127.0.0.1:1/feed?api_key=k3y-v4lue"] {
                let failing = FeedSource(url: try #require(FeedURL(text)), interval: .milliseconds(10), timeout: .seconds(1), retry: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(250)), logger: traceLogger)
                #expect(try await failing.nextBatch()?.isEmpty == true)
                await failing.shutdown()
            }
            group.cancelAll()
        }
        let text = log.text
        #expect(text.contains("feed request failed") && text.contains("[redacted]"), "\(text)")
        for secret in ["feed-user", "s3cr3t", "wr0ng", "k3y-v4lue", "PW"] { #expect(!text.contains(secret), "\(secret) in \(text)") }
        #expect(FeedURL("not a url") == nil && FeedURL("ftp://host/x") == nil && FeedURL("http:///feed") == nil)
    }
}
