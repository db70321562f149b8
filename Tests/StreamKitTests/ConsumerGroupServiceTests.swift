import Foundation
import Logging
import RecoKafka
import RecoKafkaMock
import ServiceLifecycle
import StreamKit
import Synchronization
import Testing
import TestSupport

/// The shared consumer-group loop with a recording handler, against the Kafka mock cluster:
/// offsets follow writes, dead letters are acknowledged first, a graceful shutdown drains and
/// commits, a failing write stores nothing.
@Suite(.serialized) struct ConsumerGroupServiceTests {
    /// Remembers what it was given; messages whose value is "bad" are dead letters; a write
    /// fails when `failWrites` is set.
    final class RecordingHandler: BatchHandler {
        let written = Mutex<[Int64]>([])
        let finished = Atomic<Bool>(false)
        let failWrites: Bool

        init(failWrites: Bool = false) {
            self.failWrites = failWrites
        }

        func prepare(_ batch: [KafkaConsumedMessage], context: BatchContext) async throws -> BatchResult<[Int64]> {
            func isBad(_ message: KafkaConsumedMessage) -> Bool { message.value == Array("bad".utf8) || message.value.count > 1_000_000 }
            let bad = batch.filter(isBad)
            return BatchResult(pending: batch.filter { !isBad($0) }.map(\.offset),
                               deadLetters: bad.map { DeadLetter(message: $0, reason: "bad", error: "a bad message") }, finishing: batch)
        }

        func write(_ pending: [Int64], context: BatchContext) async throws -> [DeadLetter] {
            if failWrites { throw CancellationError() }
            written.withLock { $0 += pending }
            return []
        }

        func finish() async { finished.store(true, ordering: .relaxed) }

        let gaps = Mutex<[StreamGap]>([])

        func recordGaps(_ found: [StreamGap], context: BatchContext) async throws {
            gaps.withLock { $0 += found }
        }
    }

    private let logger = quietLogger("loop-test")

    private func setUp(messages: [String]) async throws -> (KafkaMockCluster, KafkaConfiguration, String) {
        let cluster = try KafkaMockCluster(brokers: 1, logger: logger)
        let topic = "loop-\(UUID().uuidString.prefix(8))"
        try cluster.createTopic(topic, partitions: 1)
        try cluster.createTopic(topic + ".dlq", partitions: 1)
        let kafka = KafkaConfiguration(["bootstrap.servers": cluster.bootstrapServers, "session.timeout.ms": "6000", "heartbeat.interval.ms": "500"])
        let producer = try KafkaProducer(configuration: kafka, logger: logger)
        for text in messages { try await producer.send(KafkaOutgoingMessage(topic: topic, key: nil, value: Array(text.utf8))) }
        #expect(await producer.flush(timeout: .seconds(10)) == 0)
        return (cluster, kafka, topic)
    }

    private func service(_ kafka: KafkaConfiguration, topic: String, handler: RecordingHandler, idle: Duration? = .seconds(2),
                         pipelined: Bool = false, onGap: GapPolicy = .fail, metrics: ConsumerGroupMetrics? = nil) throws -> ConsumerGroupService<RecordingHandler> {
        var settings = ConsumerGroupService<RecordingHandler>.Settings(name: "test", topic: topic, group: "loop-group", deadLetterTopic: topic + ".dlq")
        settings.batchSize = 7
        settings.exitWhenIdle = idle
        settings.pipelined = pipelined
        settings.onGap = onGap
        return try ConsumerGroupService(settings: settings, kafka: kafka, handler: handler, metrics: metrics, logger: logger)
    }

    /// A real gap: the group read 20 messages and stopped; meanwhile the mock broker's partition
    /// log (about 5 MiB) overflowed and dropped the oldest ones, so the committed offset is no
    /// longer in the log. Restarted, the service finds the gap, logs, counts and records it, and
    /// stops (`fail`, the default) without processing anything past it; with `continue` it
    /// records the same gap once more at most and reads on from the log's start.
    @Test(.timeLimit(.minutes(2)))
    func aGapInTheTopicIsCountedRecordedAndStopsTheServiceUntilToldToReadOn() async throws {
        let (cluster, kafka, topic) = try await setUp(messages: (0..<20).map { "event \($0)" })
        defer { withExtendedLifetime(cluster) {} }
        let first = RecordingHandler()
        try await service(kafka, topic: topic, handler: first).run()
        #expect(first.written.withLock { $0 } == Array(0..<20))
        // 40 messages of 256 KiB: twice what the mock keeps of a partition.
        let producer = try KafkaProducer(configuration: kafka, logger: logger)
        let filler = [UInt8](repeating: UInt8(ascii: "x"), count: 256 * 1024)
        for _ in 0..<40 { try await producer.send(KafkaOutgoingMessage(topic: topic, key: nil, value: filler)) }
        #expect(await producer.flush(timeout: .seconds(20)) == 0)
        let probe = try KafkaConsumer(configuration: kafka, groupId: "probe", topics: [topic], logger: logger)
        let range = try #require(await probe.logRanges(of: [KafkaTopicPartition(topic: topic, partition: 0)], timeout: .seconds(5)).values.first)
        await probe.close()
        try #require(range.lowerBound > 20, "the mock kept the whole log (\(range)): no gap to find")
        let expected = StreamGap(partition: KafkaTopicPartition(topic: topic, partition: 0), firstLost: 20, lastLost: range.lowerBound - 1)

        let metrics = ConsumerGroupMetrics(service: "test")
        let stopped = RecordingHandler()
        let failing = try service(kafka, topic: topic, handler: stopped, metrics: metrics)
        await #expect {
            try await failing.run()
        } throws: { error in
            guard let gap = error as? StreamGapError else { return false }
            return gap.gaps == [expected] && gap.description.contains("--on-gap continue")
        }
        #expect(stopped.gaps.withLock { $0 } == [expected])
        #expect(stopped.written.withLock { $0 }.isEmpty, "nothing past the gap is processed")
        #expect(failing.totals.lost == expected.events)
        var exposition: [UInt8] = []
        metrics.registry.emit(into: &exposition)
        let text = String(decoding: exposition, as: UTF8.self)
        #expect(text.contains("reco_stream_lost_events_total{service=\"test\",topic=\"\(topic)\",partition=\"0\"} \(expected.events)"), "\(text)")

        let reading = RecordingHandler()
        let goingOn = try service(kafka, topic: topic, handler: reading, onGap: .continue)
        try await goingOn.run()
        #expect(reading.gaps.withLock { $0 } == [expected])
        #expect(reading.written.withLock { $0 } == Array(range.lowerBound..<range.upperBound))
        #expect(goingOn.totals.lost == expected.events)
        // Read on past it, the gap is behind the group: a restart finds none.
        let after = RecordingHandler()
        try await service(kafka, topic: topic, handler: after).run()
        #expect(after.gaps.withLock { $0 }.isEmpty && after.written.withLock { $0 }.isEmpty)
    }

    @Test func aGracefulShutdownDrainsCommitsAndLeavesNothingToReadAgain() async throws {
        let (cluster, kafka, topic) = try await setUp(messages: (0..<40).map { $0 % 10 == 3 ? "bad" : "event \($0)" })
        defer { withExtendedLifetime(cluster) {} }
        let handler = RecordingHandler()
        let loop = try service(kafka, topic: topic, handler: handler, idle: nil, pipelined: true)
        let group = ServiceGroup(configuration: .init(services: [.init(service: loop, successTerminationBehavior: .gracefullyShutdownGroup)],
                                                      logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let deadline = ContinuousClock.now + .seconds(30)
            while loop.totals.consumed < 40 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let expected: [Int64] = (0..<40).filter { $0 % 10 != 3 }.map { Int64($0) }
        let written = handler.written.withLock { $0 }
        #expect(written == expected)
        #expect(loop.totals == .init(consumed: 40, deadLetters: 4))
        let finished = handler.finished.load(ordering: .relaxed)
        #expect(finished)

        // The dead letters are in their topic with their origin.
        let reader = try KafkaConsumer(configuration: kafka, groupId: "dlq-reader", topics: [topic + ".dlq"], logger: logger)
        var letters: [KafkaConsumedMessage] = []
        for _ in 0..<100 where letters.count < 4 { letters += try await reader.poll(maximum: 10, timeout: .milliseconds(200)) }
        await reader.close()
        #expect(letters.compactMap { $0.header("source.offset") } == ["3", "13", "23", "33"])

        // The next member of the group starts after everything the first one finished.
        let next = RecordingHandler()
        try await service(kafka, topic: topic, handler: next).run()
        let reread = next.written.withLock { $0 }
        #expect(reread.isEmpty)
    }

    @Test func aFailedWriteStoresNoOffsetAndTheMessagesAreReadAgain() async throws {
        let (cluster, kafka, topic) = try await setUp(messages: (0..<5).map { "event \($0)" })
        defer { withExtendedLifetime(cluster) {} }
        let failing = RecordingHandler(failWrites: true)
        await #expect(throws: CancellationError.self) { try await service(kafka, topic: topic, handler: failing).run() }
        let finished = failing.finished.load(ordering: .relaxed)
        #expect(finished)
        let retry = RecordingHandler()
        try await service(kafka, topic: topic, handler: retry).run()
        let again = retry.written.withLock { $0 }
        #expect(again == [0, 1, 2, 3, 4])
    }

    /// Issue 15 item 3: with an unreachable broker the services waited forever (and exited 0 on
    /// SIGTERM). Now the loop gives up after the connect timeout with an error naming the servers.
    @Test func anUnreachableClusterEndsTheServiceWithAnErrorNamingTheServers() async throws {
        let port = freePort()
        let kafka = KafkaConfiguration(["bootstrap.servers": "127.0.0.1:\(port)"])
        var settings = ConsumerGroupService<RecordingHandler>.Settings(name: "test", topic: "t", group: "g", deadLetterTopic: "t.dlq")
        settings.connectTimeout = .seconds(2)
        settings.exitWhenIdle = .seconds(1)
        let handler = RecordingHandler()
        let service = try ConsumerGroupService(settings: settings, kafka: kafka, handler: handler, logger: logger)
        let started = ContinuousClock.now
        await #expect { try await service.run() } throws: { error in
            "\(error)".contains("no Kafka broker answered at 127.0.0.1:\(port) within 2.0 s")
        }
        // A safety net against waiting for ever (ten times the connect timeout); the message is the check.
        #expect(ContinuousClock.now - started < .seconds(20))
        let finished = handler.finished.load(ordering: .relaxed)
        #expect(finished)
    }

    /// Issue 15 item 2: a 1,000,500-byte message (real brokers accept it) was dead-lettered, the
    /// dead letter refused as MSG_SIZE_TOO_LARGE, and the consumer exited 1 on every restart. Now
    /// the dead letter carries a bounded prefix with headers saying so, and the loop goes on.
    @Test func aMessageTooBigToDeadLetterWholeIsCarriedAsAPrefixAndTheLoopGoesOn() async throws {
        let (cluster, kafka, topic) = try await setUp(messages: ["event 0"])
        defer { withExtendedLifetime(cluster) {} }
        let big = (0..<1_000_500).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let producer = try KafkaProducer(configuration: kafka.withDefault("message.max.bytes", "2000000"), logger: logger)
        try await producer.send(KafkaOutgoingMessage(topic: topic, key: Array("customer".utf8), value: big))
        try await producer.send(KafkaOutgoingMessage(topic: topic, key: nil, value: Array("event 2".utf8)))
        #expect(await producer.flush(timeout: .seconds(10)) == 0)
        let handler = RecordingHandler()
        let loop = try service(kafka, topic: topic, handler: handler)
        try await loop.run()
        let written = handler.written.withLock { $0 }
        #expect(written == [0, 2])
        #expect(loop.totals == .init(consumed: 3, deadLetters: 1))

        let reader = try KafkaConsumer(configuration: kafka, groupId: "dlq-reader", topics: [topic + ".dlq"], logger: logger)
        var letters: [KafkaConsumedMessage] = []
        for _ in 0..<100 where letters.isEmpty { letters += try await reader.poll(maximum: 10, timeout: .milliseconds(200)) }
        await reader.close()
        let letter = try #require(letters.first)
        #expect(letter.value == Array(big.prefix(DeadLetter.truncatedPrefixBytes)))
        #expect(letter.key == Array("customer".utf8))
        #expect(letter.header("source.offset") == "1")
        #expect(letter.header("dead_letter.truncated") == "true")
        #expect(letter.header("dead_letter.original_value_bytes") == "1000500")
        #expect(letter.header("dead_letter.value_sha256")?.count == 64)
    }

    /// Issue 15 item 1 (the consumer that was running): after the cluster went away it kept
    /// dialling the old brokers and reported lag 0 for ever. Once every broker has been down for
    /// longer than the connect timeout, the loop ends with an error so that a restart reconnects.
    @Test func aClusterThatStaysDownEndsTheServiceWithAnError() async throws {
        let (cluster, kafka, topic) = try await setUp(messages: ["event 0"])
        var settings = ConsumerGroupService<RecordingHandler>.Settings(name: "test", topic: topic, group: "down-group", deadLetterTopic: topic + ".dlq")
        settings.connectTimeout = .seconds(2)
        let handler = RecordingHandler()
        let service = try ConsumerGroupService(settings: settings, kafka: kafka, handler: handler, logger: logger)
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                await #expect { try await service.run() } throws: { error in
                    "\(error)".contains("has been unreachable for more than 2.0 s; exiting so that a restart reconnects")
                }
            }
            while service.totals.consumed < 1 && ContinuousClock.now - started < .seconds(30) { try await Task.sleep(for: .milliseconds(50)) }
            cluster.setBrokerDown(1)
            try await tasks.waitForAll()
        }
        // A safety net against waiting for ever (30 times the connect timeout); the error is the check.
        #expect(ContinuousClock.now - started < .seconds(60))
        let written = handler.written.withLock { $0 }
        #expect(written == [0])
    }
}
