import Foundation
import Logging
import RecoCore
@testable import RecoAPI
import RecoKafka
import RecoKafkaMock
import ServiceLifecycle
import Synchronization
import Testing
import TestSupport

/// Replicas for tests: a topic on a mock cluster of its own, a replica (holder, replica service
/// and follower) on a model file or a registry, and waits on what they report.
struct ReplicaHarness {
    let logger: Logger

    struct Replica {
        var holder: ModelHolder
        var metrics: APIMetrics
        /// The served model's follower.
        var follower: WatchLogFollower { holder.follower! }
        var group: ServiceGroup
        var task: Task<Void, any Error>

        func stop() async throws {
            await group.triggerGracefulShutdown()
            try await task.value
        }
    }

    /// A topic on a mock cluster of its own, and a producer of watch events into it.
    struct WatchLog {
        let cluster: KafkaMockCluster
        let topic: String
        let kafka: KafkaConfiguration
        let producer: KafkaProducer

        init(_ name: String, partitions: Int, logger: Logger) throws {
            cluster = try KafkaMockCluster(brokers: 1, logger: logger)
            topic = "\(name)-\(UUID().uuidString.prefix(8))"
            try cluster.createTopic(topic, partitions: partitions)
            kafka = KafkaConfiguration(["bootstrap.servers": cluster.bootstrapServers])
            producer = try KafkaProducer(configuration: kafka, logger: logger)
        }

        func send(customer: UInt32, movie: UInt32, at time: Date) async throws {
            let event = WatchEvent(customerId: customer, movieId: movie, title: nil, year: nil, watchedAt: WatchEvent.timestamp(time), source: "test")
            try await producer.send(KafkaOutgoingMessage(topic: topic, key: event.keyBytes, value: event.jsonBytes()))
        }
    }

    func startReplica(_ models: TestModels, path: String, kafka: KafkaConfiguration, topic: String,
                      offsetsByTime: WatchLogFollower.OffsetsByTime? = nil, registry: ModelRegistry? = nil) async throws -> Replica {
        let metrics = APIMetrics()
        let settings = WatchLogFollower.Settings(configuration: kafka, topic: topic, connectTimeout: .seconds(10), readyLag: 0)
        let holder = ModelHolder(source: registry.map { .registry($0) } ?? .file(path), moviesPath: models.moviesPath, metrics: metrics,
                                 logger: logger, follow: settings, offsetsByTime: offsetsByTime)
        let service = ReplicaService(models: holder, logger: logger, pollInterval: .milliseconds(100))
        let group = ServiceGroup(configuration: .init(services: [.init(service: service)], logger: logger))
        let task = Task { try await group.run() }
        for _ in 0..<600 where holder.follower == nil { try await Task.sleep(for: .milliseconds(50)) }
        return Replica(holder: holder, metrics: metrics, group: group, task: task)
    }

    func waitUntilCaughtUp(_ replica: Replica, folded: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let status = replica.follower.status
            if status.caughtUp && status.folded >= folded { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("replica did not catch up: \(replica.follower.status)")
    }

    /// The follower refreshes its gauges after each poll, just after it says it caught up.
    func waitForMetrics(_ replica: Replica, containing lines: [String]) async throws {
        var text = ""
        for _ in 0..<100 {
            text = String(decoding: replica.metrics.text(serving: nil), as: UTF8.self)
            if lines.allSatisfy({ text.split(separator: "\n").contains(Substring($0)) }) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("metrics lack some of \(lines):\n\(text)")
    }

    func lists(_ replica: Replica, customers: [UInt32]) -> [[UInt32]] {
        let serving = replica.holder.serving!
        return serving.recommend(customerIds: customers, limit: 3, excludeRated: true, ordering: .ranker, watchingNow: [:]).map { $0.items.map(\.movieId) }
    }
}
