import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import RecoCore
@testable import RecoAPI
import RecoKafka
import RecoKafkaMock
import ServiceLifecycle
import Synchronization
import Testing
import TestSupport

/// Kafka as the replication log (issue 16): replicas that read the same topic converge on the
/// same state and serve the same lists; a restarted replica rebuilds it; a replay folds in once;
/// readiness waits until a replica has caught up.
@Suite(.serialized) struct ReplicaFollowTests {
    private let logger = quietLogger("replica-test")

    private var harness: ReplicaHarness { ReplicaHarness(logger: logger) }

    private func startReplica(_ models: TestModels, path: String, kafka: KafkaConfiguration, topic: String, logger: Logger,
                              offsetsByTime: WatchLogFollower.OffsetsByTime? = nil) async throws -> ReplicaHarness.Replica {
        try await harness.startReplica(models, path: path, kafka: kafka, topic: topic, offsetsByTime: offsetsByTime)
    }

    private func waitUntilCaughtUp(_ replica: ReplicaHarness.Replica, folded: Int) async throws {
        try await harness.waitUntilCaughtUp(replica, folded: folded)
    }

    private func waitForMetrics(_ replica: ReplicaHarness.Replica, containing lines: [String]) async throws {
        try await harness.waitForMetrics(replica, containing: lines)
    }

    private func lists(_ replica: ReplicaHarness.Replica, customers: [UInt32]) -> [[UInt32]] {
        harness.lists(replica, customers: customers)
    }

    @Test func replicasOfOneTopicConvergeAndARestartedOneRebuildsTheSameState() async throws {
        let models = try TestModels()
        let path = try models.writeRankerModel()
        let log = try ReplicaHarness.WatchLog("follow", partitions: 3, logger: logger)
        defer { withExtendedLifetime(log) {} }
        let (topic, kafka, producer) = (log.topic, log.kafka, log.producer)
        let later = Date().addingTimeInterval(5)
        // Customers 100…600 are in the model, 900 and 901 are not; an event from before the
        // model's cutoff (it learned from it) and a message that is no event are skipped.
        // A repeat of a watch already folded changes nothing and is counted as such.
        let events: [(UInt32, UInt32, Date)] = [(100, 3, later), (200, 2, later), (900, 4, later), (300, 5, later),
                                                 (901, 1, later), (900, 5, later.addingTimeInterval(1)), (600, 2, Date(timeIntervalSince1970: 1_000_000)),
                                                 (200, 2, later)]
        for (customer, movie, time) in events {
            try await log.send(customer: customer, movie: movie, at: time)
        }
        try await producer.send(KafkaOutgoingMessage(topic: topic, key: Array("100".utf8), value: Array("not an event".utf8)))
        #expect(await producer.flush(timeout: .seconds(10)) == 0)

        let first = try await startReplica(models, path: path, kafka: kafka, topic: topic, logger: logger)
        let second = try await startReplica(models, path: path, kafka: kafka, topic: topic, logger: logger)
        try await waitUntilCaughtUp(first, folded: 6)
        try await waitUntilCaughtUp(second, folded: 6)
        let customers: [UInt32] = [100, 200, 300, 600, 900, 901, 902]
        #expect(first.holder.serving!.overlay.watches(of: 900).movieIds == [4, 5])
        #expect(first.holder.serving!.overlay.watches(of: 600).isEmpty)
        #expect(first.follower.status.folded == 6)
        #expect(first.follower.status.skipped == 2)
        // Every message read is accounted for, each once.
        let status = first.follower.status
        #expect(status.read == 9 && status.foldedMessages == 6 && status.beforeCutoff == 1 && status.notAnEvent == 1 && status.repeatWatches == 1
                && status.learned == 0 && status.replayed == 0, "\(status)")
        #expect(status.foldedMessages + status.skipped + status.repeatWatches + status.replayed == status.read)
        for customer in customers {
            #expect(first.holder.serving!.overlay.watches(of: customer) == second.holder.serving!.overlay.watches(of: customer), "customer \(customer)")
        }
        let served = lists(first, customers: customers)
        #expect(served == lists(second, customers: customers))
        #expect(!served[0].contains(3))
        #expect(!served[4].contains(4) && !served[4].contains(5))
        let newcomer = await first.holder.serving!.recommend(customerId: 900, limit: 3)
        #expect(!newcomer.coldStart)
        // Both replicas kept the EASE scores of the five customers who watched, and say so.
        #expect(first.holder.serving?.scoreCache?.count == 5)
        #expect(second.holder.serving?.scoreCache?.count == 5)
        try await waitForMetrics(first, containing: ["reco_online_fold_ins_total 6", "reco_online_overlay_customers_count 5.0",
                                                     "reco_online_score_cache_customers_count 5.0", "reco_online_lag_messages 0.0"])

        // New events reach both replicas; a restarted replica reads everything again.
        try await log.send(customer: 902, movie: 1, at: later)
        #expect(await producer.flush(timeout: .seconds(10)) == 0)
        try await waitUntilCaughtUp(first, folded: 7)
        try await waitUntilCaughtUp(second, folded: 7)
        #expect(second.holder.serving!.overlay.watches(of: 902).movieIds == [1])
        try await second.stop()
        let restarted = try await startReplica(models, path: path, kafka: kafka, topic: topic, logger: logger)
        try await waitUntilCaughtUp(restarted, folded: 7)
        for customer in customers {
            #expect(restarted.holder.serving!.overlay.watches(of: customer) == first.holder.serving!.overlay.watches(of: customer), "customer \(customer)")
        }
        #expect(lists(restarted, customers: customers) == lists(first, customers: customers))
        #expect(restarted.holder.serving!.overlay.nextOffsets == first.holder.serving!.overlay.nextOffsets)
        try await first.stop()
        try await restarted.stop()
    }

    /// Events before the model's cutoff are what it learned from: the replica starts there. A
    /// broker that answers ListOffsets by time has the replica seek past them (the mock cluster
    /// does not, so the test answers as a broker would: each partition's end when the cutoff
    /// came); one that cannot has them read and skipped one by one. Same state either way.
    @Test(arguments: [true, false]) func aReplicaFoldsInOnlyWhatCameAfterTheModelsCutoff(brokerFindsOffsetsByTime: Bool) async throws {
        let models = try TestModels()
        let log = try ReplicaHarness.WatchLog("cutoff", partitions: 2, logger: logger)
        defer { withExtendedLifetime(log) {} }
        let (topic, kafka, producer) = (log.topic, log.kafka, log.producer)
        func produce(_ customers: Range<UInt32>) async throws {
            for customer in customers {
                try await log.send(customer: customer, movie: 1 + customer % 5, at: Date())
            }
            #expect(await producer.flush(timeout: .seconds(10)) == 0)
        }
        try await produce(1_000..<1_300)
        let partitions: Set<KafkaTopicPartition> = [.init(topic: topic, partition: 0), .init(topic: topic, partition: 1)]
        let probe = try KafkaConsumer(configuration: kafka, groupId: "probe-\(UUID().uuidString.prefix(8))", topics: [topic], logger: logger)
        let endsAtCutoff = await probe.logRanges(of: partitions, timeout: .seconds(10)).mapValues(\.upperBound)
        await probe.close()
        #expect(endsAtCutoff.count == 2 && endsAtCutoff.values.reduce(0, +) == 300, "\(endsAtCutoff)")
        // The model's creation time has whole seconds.
        try await Task.sleep(for: .milliseconds(1_100))
        let path = try models.writeRankerModel()
        try await Task.sleep(for: .milliseconds(1_100))
        try await produce(2_000..<2_010)
        let asked = AskedTimes()
        let broker: WatchLogFollower.OffsetsByTime = { _, milliseconds, requested in
            asked.times.withLock { $0.append(milliseconds) }
            return endsAtCutoff.filter { requested.contains($0.key) }
        }
        let replica = try await startReplica(models, path: path, kafka: kafka, topic: topic, logger: logger,
                                             offsetsByTime: brokerFindsOffsetsByTime ? broker : nil)
        try await waitUntilCaughtUp(replica, folded: 10)
        #expect(replica.follower.status.folded == 10)
        #expect(replica.holder.serving!.overlay.count == 10)
        #expect(replica.holder.serving!.overlay.watches(of: 1_000).isEmpty)
        // Sought past: nothing before the cutoff is read; read from the start: each one skipped.
        let skipped = brokerFindsOffsetsByTime ? 0 : 300
        #expect(replica.follower.status.skipped == skipped, "\(replica.follower.status)")
        if brokerFindsOffsetsByTime {
            let cutoff = try #require(replica.holder.serving?.cutoffMilliseconds)
            #expect(asked.times.withLock { $0 } == [cutoff])
        }
        try await replica.stop()
    }

    /// The times a stand-in broker was asked for.
    private final class AskedTimes: Sendable {
        let times = Mutex<[Int64]>([])
    }

    @Test func readinessWaitsUntilTheReplicaHasCaughtUp() async throws {
        let models = try TestModels()
        let path = try models.writeRankerModel()
        let log = try ReplicaHarness.WatchLog("ready", partitions: 2, logger: logger)
        defer { withExtendedLifetime(log) {} }
        let (topic, kafka, producer) = (log.topic, log.kafka, log.producer)
        let later = Date().addingTimeInterval(5)
        for customer in UInt32(1_000)..<UInt32(3_000) { try await log.send(customer: customer, movie: 1 + customer % 5, at: later) }
        #expect(await producer.flush(timeout: .seconds(10)) == 0)
        let replica = try await startReplica(models, path: path, kafka: kafka, topic: topic, logger: logger)
        let app = Application(router: buildRouter(models: replica.holder, metrics: APIMetrics(), adminToken: nil))
        try await app.test(.router) { client in
            // Joining its group alone takes longer than this first request.
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body).contains("catching_up"))
            }
            // Ready means the whole log as it was is folded in (before the first fetch, the lag
            // librdkafka caches reads as 0: readiness once said "caught up" with nothing read).
            try await waitUntilCaughtUp(replica, folded: 0)
            #expect(replica.follower.status.folded == 2_000)
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("\"lag\":\"0\""), "\(String(buffer: response.body))")
            }
        }
        #expect(replica.follower.status.lag == 0)
        #expect(replica.holder.serving!.overlay.count == 2_000)
        try await replica.stop()
    }

    /// No event lost in silence on a replica either: the model's start in the log (offset 5, as
    /// a broker answering by time would say) was deleted by retention before the replica read it
    /// (the mock keeps about 5 MiB a partition). The replica serves on, and says how many
    /// watches it could not fold in: the log, `/metrics` and `/health/ready`.
    @Test func aGapAfterTheModelsStartIsCountedAndReported() async throws {
        let models = try TestModels()
        let path = try models.writeRankerModel()
        let log = try ReplicaHarness.WatchLog("gap", partitions: 1, logger: logger)
        defer { withExtendedLifetime(log) {} }
        let (topic, kafka, producer) = (log.topic, log.kafka, log.producer)
        let later = Date().addingTimeInterval(5)
        for customer in UInt32(1_000)..<UInt32(1_010) { try await log.send(customer: customer, movie: 1 + customer % 5, at: later) }
        let filler = [UInt8](repeating: UInt8(ascii: "x"), count: 256 * 1024)
        for _ in 0..<40 { try await producer.send(KafkaOutgoingMessage(topic: topic, key: nil, value: filler)) }
        for customer in UInt32(2_000)..<UInt32(2_005) { try await log.send(customer: customer, movie: 1 + customer % 5, at: later) }
        #expect(await producer.flush(timeout: .seconds(20)) == 0)
        let partition = KafkaTopicPartition(topic: topic, partition: 0)
        let probe = try KafkaConsumer(configuration: kafka, groupId: "probe-\(UUID().uuidString.prefix(8))", topics: [], logger: logger)
        let range = try #require(await probe.logRanges(of: [partition], timeout: .seconds(10)).values.first)
        await probe.close()
        try #require(range.lowerBound > 5, "the mock kept the whole log (\(range)): no gap to find")
        let broker: WatchLogFollower.OffsetsByTime = { _, _, requested in requested.contains(partition) ? [partition: 5] : [:] }
        let replica = try await startReplica(models, path: path, kafka: kafka, topic: topic, logger: logger, offsetsByTime: broker)
        try await waitUntilCaughtUp(replica, folded: 5)
        let lost = range.lowerBound - 5
        #expect(replica.follower.status.lost == lost, "\(replica.follower.status)")
        #expect(replica.follower.status.lastGap == "\(topic)[0] offsets 5…\(range.lowerBound - 1) (\(Decimals.grouped(Int(lost))) events)")
        let text = String(decoding: replica.metrics.text(serving: nil), as: UTF8.self)
        #expect(text.contains("reco_stream_lost_events_total{service=\"reco-api\",topic=\"\(topic)\",partition=\"0\"} \(lost)"), "\(text)")
        let app = Application(router: buildRouter(models: replica.holder, metrics: APIMetrics(), adminToken: nil))
        try await app.test(.router) { client in
            try await client.execute(uri: "/health/ready", method: .get) { response in
                let body = String(buffer: response.body)
                #expect(response.status == .ok && body.contains("\"lost_events\":\"\(lost)\""), "\(body)")
            }
        }
        try await replica.stop()
    }
}
