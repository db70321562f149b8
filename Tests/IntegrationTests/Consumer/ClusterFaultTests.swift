import Foundation
import RecoCore
import RecoKafka
import RecoKafkaMock
import RecoStore
import Testing
import TestSupport

/// Issue 26, item 5: faults of the cluster, the group and the database while events flow,
/// each ending with `reco audit` (nothing missing, nothing duplicated). In the consumer's
/// serialized suite, since each runs real processes.
extension ConsumerProcessTests {
    /// Three brokers, every partition replicated on all of them. The leader of every partition
    /// (and the group's coordinator) is taken down mid-stream while more events are produced;
    /// another replica takes over, as a controller's election would, and the old leader comes back
    /// 10 s later. Every event is stored once, and the first event produced after the fault is
    /// stored within 30 s (measured on this 2-core machine: 0.22, 0.22 and 1.25 s in three runs,
    /// librdkafka's metadata refresh after the failed requests; the bound leaves a busy CI room).
    @Test(.enabled(if: enabled), .timeLimit(.minutes(5)))
    func aPartitionLeaderTakenDownAndBroughtBackLosesNothing() async throws {
        let database = try TestEnvironment.requireDatabase()
        let scenario = try await Scenario(events: 3_000, brokers: 3, logger: logger)
        let cluster = try #require(scenario.cluster)
        let group = "leader-\(UUID().uuidString.prefix(8))"
        for partition in 0..<4 { try cluster.setPartitionLeader(topic: scenario.topic, partition: Int32(partition), broker: 1) }
        try cluster.setGroupCoordinator(group: group, broker: 1)
        let process = try consumer(scenario, database: database, extra: ["--group", group, "--batch-size", "50", "--exit-when-idle", "20"])
        try await waitForRows(scenario, database: database, atLeast: 10 * 1_000)

        cluster.setBrokerDown(1)
        for partition in 0..<4 { try cluster.setPartitionLeader(topic: scenario.topic, partition: Int32(partition), broker: 2) }
        try cluster.setGroupCoordinator(group: group, broker: 2)
        let fault = ContinuousClock.now
        let producing = Task { try await scenario.produce(3_000..<6_000) }
        let store = RecommendationStore(url: DatabaseURL(database, environment: [:]), logger: logger)
        var resumed: Duration?
        while resumed == nil && ContinuousClock.now - fault < .seconds(60) {
            let row = try await store.rows("SELECT 1 AS found FROM recommendation_lists WHERE topic = $1 AND event_id = 'ev-3000'", [scenario.topic],
                                           columns: ["found"])
            if !row.isEmpty { resumed = ContinuousClock.now - fault }
            if ContinuousClock.now - fault >= .seconds(10) { cluster.setBrokerUp(1) }
            try await Task.sleep(for: .milliseconds(100))
        }
        cluster.setBrokerUp(1)
        try await producing.value
        let bound = try #require(resumed, "no event produced after the fault was stored within 60 s")
        #expect(bound < .seconds(30), "the stream resumed \(bound) after the leader went down")
        try await waitForExit(process, seconds: 120)
        #expect(process.terminationStatus == 0)

        let (rows, distinct, events) = try await counts(scenario, database: database)
        #expect(events == 6_000)
        #expect(rows == 60_000)
        #expect(distinct == rows)
        let report = try await audit(scenario, database: database)
        #expect(total(report, "stored") == 6_000 && total(report, "missing") == 0 && total(report, "duplicates") == 0 && total(report, "inGaps") == 0)
    }

    /// The producer against three brokers: retriable errors (not the leader, timed out, not
    /// enough replicas, leader not available) are retried and every event arrives once; an
    /// error Kafka will not take back (the topic is not authorised) stops the producer with exit
    /// 1 and a message naming it, without sending on. Then the consumer stores what arrived and
    /// the audit finds nothing missing or duplicated.
    @Test(.enabled(if: enabled), .timeLimit(.minutes(5)))
    func retriableProduceErrorsAreRetriedAndAFatalOneStopsTheProducer() async throws {
        let database = try TestEnvironment.requireDatabase()
        let scenario = try await Scenario(events: 0, brokers: 3, logger: logger)
        let cluster = try #require(scenario.cluster)
        func replay(_ indexes: Range<Int>) throws -> String {
            let path = NSTemporaryDirectory() + "replay-\(UUID().uuidString).jsonl"
            let lines = indexes.map { index in
                String(decoding: WatchEvent(eventId: "ev-\(index)", customerId: UInt32(5_000 + index % 120), movieId: UInt32(1 + index % 50), title: nil,
                                            year: nil, watchedAt: "2026-11-25T18:00:00Z", source: "test").jsonBytes(), as: UTF8.self)
            }
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        func producer(_ file: String) async throws -> (status: Int32, output: String) {
            let output = try await Shell.output("\(Self.root)/.build/debug/producer --source replay --replay-file \(file) --config \(scenario.configPath) "
                                                + "--topic \(scenario.topic) --max-lag 0 --log-level warning 2>&1; echo exit=$?")
            let status = Int32(output.components(separatedBy: "exit=").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? -1
            return (status, output)
        }
        cluster.pushRequestErrors(apiKey: KafkaMockCluster.APIKey.produce, errors: [
            KafkaError.Code.notLeaderForPartition, KafkaError.Code.requestTimedOut, KafkaError.Code.notEnoughReplicas, KafkaError.Code.leaderNotAvailable,
        ])
        let retried = try await producer(try replay(0..<2_000))
        #expect(retried.status == 0, "\(retried.output)")
        #expect(retried.output.contains("delivered 2000, failed 0, undelivered 0"), "\(retried.output)")

        cluster.pushRequestErrors(apiKey: KafkaMockCluster.APIKey.produce,
                                  errors: [Int32](repeating: KafkaError.Code.topicAuthorizationFailed, count: 200))
        let refused = try await producer(try replay(2_000..<12_000))
        #expect(refused.status == 1, "\(refused.output)")
        #expect(refused.output.contains("producer stopped: Kafka refused an event for \(scenario.topic) for good"), "\(refused.output)")
        #expect(refused.output.contains("TOPIC_AUTHORIZATION_FAILED"), "\(refused.output)")

        let process = try consumer(scenario, database: database, extra: ["--exit-when-idle", "5"])
        try await waitForExit(process, seconds: 120)
        let (rows, distinct, events) = try await counts(scenario, database: database)
        #expect(events >= 2_000 && events < 12_000, "the producer stopped instead of sending on: \(events) events")
        #expect(rows == 10 * events && distinct == rows)
        let report = try await audit(scenario, database: database)
        #expect(total(report, "stored") == events && total(report, "missing") == 0 && total(report, "duplicates") == 0)
    }
}
