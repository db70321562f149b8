import Foundation
import Logging
import RecoCore
import RecoKafka
import RecoKafkaMock
import StreamKit
import Synchronization
import Testing
import TestSupport

/// A producer that could outrun its consumers waits for them: it pauses while the group is more
/// than --max-lag behind, and goes on once the group has caught up.
@Suite(.serialized) struct ConsumerLagGuardTests {
    private let logger = quietLogger("lag-test")

    /// `count` events in batches of 100.
    final class CountingSource: EventSource {
        let count: Int
        private let next = Mutex(0)

        init(count: Int) { self.count = count }

        func nextBatch() async throws -> [WatchEvent]? {
            let range: Range<Int>? = next.withLock { start in
                guard start < count else { return nil }
                defer { start = min(start + 100, count) }
                return start..<min(start + 100, count)
            }
            return range.map { $0.map { WatchEvent(eventId: "lag-\($0)", customerId: UInt32($0 % 50), movieId: 1, title: nil, year: nil,
                                                   watchedAt: "2026-12-07T20:00:00Z", source: "test") } }
        }
    }

    /// Reads up to `upTo` messages of the topic in `group` and commits them.
    private func consume(_ kafka: KafkaConfiguration, topic: String, group: String, upTo: Int64) async throws {
        let consumer = try KafkaConsumer(configuration: kafka, groupId: group, topics: [topic], logger: logger)
        var next: Int64 = 0
        let deadline = ContinuousClock.now + .seconds(30)
        while next < upTo && ContinuousClock.now < deadline {
            let batch = try await consumer.poll(maximum: 500, timeout: .milliseconds(200)).filter { $0.offset < upTo }
            guard let last = batch.last else { continue }
            next = last.offset + 1
            try consumer.store(offsets: [KafkaTopicPartition(topic: topic, partition: 0): next])
        }
        try await consumer.commit()
        await consumer.close()
    }

    /// A one-partition topic on a fresh mock cluster.
    private struct Bed {
        let cluster: KafkaMockCluster
        let topic: String
        let kafka: KafkaConfiguration
    }

    private func makeBed(_ prefix: String) throws -> Bed {
        let cluster = try KafkaMockCluster(brokers: 1, logger: logger)
        let topic = "\(prefix)-\(UUID().uuidString.prefix(8))"
        try cluster.createTopic(topic, partitions: 1)
        let kafka = KafkaConfiguration(["bootstrap.servers": cluster.bootstrapServers, "session.timeout.ms": "6000", "heartbeat.interval.ms": "500"])
        return Bed(cluster: cluster, topic: topic, kafka: kafka)
    }

    /// The group "readers" has read the first 10 events of the topic.
    private func warmUp(_ bed: Bed) async throws {
        let producer = ProducerService(topic: bed.topic, kafka: bed.kafka, source: CountingSource(count: 10), limit: nil, statsInterval: .seconds(60), logger: logger)
        try await producer.run()
        try await consume(bed.kafka, topic: bed.topic, group: "readers", upTo: 10)
    }

    @Test(.timeLimit(.minutes(2)))
    func aProducerPausesWhileTheGroupIsTooFarBehindAndGoesOnWhenItCatchesUp() async throws {
        let bed = try makeBed("lag")
        let (topic, kafka) = (bed.topic, bed.kafka)
        let guarded = try ConsumerLagGuard(kafka: kafka, group: "readers", topic: topic, maxLag: 500, logger: logger)
        #expect(await guarded.largestLag() == nil, "a group that committed nothing holds nobody")
        #expect(await guarded.clusterId()?.hasPrefix("mockCluster") == true, "how the embedded broker is told apart")

        try await warmUp(bed)
        #expect(await guarded.largestLag() == 0)

        let producer = ProducerService(topic: topic, kafka: kafka, source: CountingSource(count: 3_000), limit: nil, statsInterval: .seconds(60),
                                       lagGuard: guarded, logger: logger)
        let probe = try KafkaConsumer(configuration: kafka, groupId: "probe", topics: [], logger: logger)
        let end = { @Sendable () async -> Int64 in
            await probe.logRanges(of: [KafkaTopicPartition(topic: topic, partition: 0)], timeout: .seconds(5)).values.first?.upperBound ?? -1
        }
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await producer.run() }
            // It sends 1,000, sees the group 1,000 behind (more than 500) and waits.
            for _ in 0..<100 where await end() < 1_010 { try await Task.sleep(for: .milliseconds(50)) }
            try await Task.sleep(for: .seconds(2))
            #expect(await end() == 1_010, "the producer went on while the group was behind")
            #expect(producer.outcome == nil)
            // A consumer reads on: the producer goes on with it, and finishes.
            tasks.addTask { try await self.consume(kafka, topic: topic, group: "readers", upTo: 3_010) }
            try await tasks.waitForAll()
        }
        let outcome = try #require(producer.outcome)
        #expect(outcome.delivered == 3_000 && outcome.succeeded)
        #expect(outcome.pausedSeconds >= 1.5, "\(outcome.summary)")
        #expect(await end() == 3_010)
        await probe.close()
        withExtendedLifetime(bed) {}
    }

    /// Issue 26, item 3: the feed is never paused; its producer reports the group's lag instead,
    /// in its stats lines and in reco_producer_consumer_lag.
    @Test(.timeLimit(.minutes(2)))
    func aReportedLagIsShownAndNeverWaitedFor() async throws {
        let bed = try makeBed("lag-report")
        let (topic, kafka) = (bed.topic, bed.kafka)
        try await warmUp(bed)
        let metrics = ProducerMetrics()
        let reported = try ConsumerLagGuard(kafka: kafka, group: "readers", topic: topic, maxLag: .max, logger: logger)
        // 3,000 events with the group 10 in: far behind, never waited for.
        let producer = ProducerService(topic: topic, kafka: kafka, source: CountingSource(count: 3_000), limit: nil, statsInterval: .zero,
                                       metrics: metrics, lagReport: reported, logger: logger)
        try await producer.run()
        let outcome = try #require(producer.outcome)
        #expect(outcome.delivered == 3_000 && outcome.pausedSeconds == 0)
        var bytes: [UInt8] = []
        metrics.registry.emit(into: &bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        let line = text.split(separator: "\n").first { $0.hasPrefix("reco_producer_consumer_lag_messages ") }
        let lag = line.flatMap { Double($0.split(separator: " ").last ?? "") }
        #expect(lag.map { $0 > 0 } == true, "\(text)")
        withExtendedLifetime(bed) {}
    }
}
