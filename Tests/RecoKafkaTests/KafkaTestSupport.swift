import Foundation
import Logging
@testable import RecoKafka
import RecoKafkaMock

/// A mock cluster with a topic, and helpers to produce and drain, for tests.
struct KafkaTestBed {
    let cluster: KafkaMockCluster
    let logger: Logger

    init(brokers: Int = 3, topics: [String: Int]) throws {
        var logger = Logger(label: "kafka-test")
        logger.logLevel = .warning
        self.logger = logger
        cluster = try KafkaMockCluster(brokers: brokers, logger: logger)
        for (name, partitions) in topics { try cluster.createTopic(name, partitions: partitions, replicationFactor: min(brokers, 3)) }
    }

    var configuration: KafkaConfiguration {
        // Short session timeouts so that a member that left is noticed within seconds.
        KafkaConfiguration(["bootstrap.servers": cluster.bootstrapServers, "log_level": "3",
                            "session.timeout.ms": "6000", "heartbeat.interval.ms": "500"])
    }

    /// Reads until `count` messages arrived or `timeout` passed.
    func drain(_ consumer: KafkaConsumer, count: Int, timeout: Duration = .seconds(30)) async throws -> [KafkaConsumedMessage] {
        var messages: [KafkaConsumedMessage] = []
        let deadline = ContinuousClock.now + timeout
        while messages.count < count && ContinuousClock.now < deadline {
            let batch = try await consumer.poll(maximum: 500, timeout: .milliseconds(200))
            messages.append(contentsOf: batch)
            try consumer.store(batch)
        }
        return messages
    }
}
