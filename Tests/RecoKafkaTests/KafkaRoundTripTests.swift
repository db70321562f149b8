import Foundation
import Logging
@testable import RecoKafka
import RecoKafkaMock
import Synchronization
import Testing
import TestSupport

/// Against librdkafka's mock cluster: real Kafka protocol over TCP on 127.0.0.1.
@Suite(.serialized) struct KafkaRoundTripTests {
    @Test func producesAndConsumesWithKeysAndHeaders() async throws {
        let bed = try KafkaTestBed(topics: ["events": 4])
        let delivered = Mutex<[KafkaDeliveryReport]>([])
        let producer = try KafkaProducer(configuration: bed.configuration, logger: bed.logger) { report in
            delivered.withLock { $0.append(report) }
        }
        for index in 0..<200 {
            try await producer.send(KafkaOutgoingMessage(
                topic: "events", key: Array("customer-\(index % 7)".utf8), value: Array("value \(index)".utf8),
                headers: [KafkaHeader(name: "index", text: String(index)), KafkaHeader(name: "empty", value: [])]))
        }
        #expect(await producer.flush(timeout: .seconds(10)) == 0)
        #expect(producer.statistics == KafkaProducer.Statistics(sent: 200, delivered: 200, failed: 0))
        #expect(delivered.withLock { $0.allSatisfy { $0.error == nil && $0.offset >= 0 } })

        let consumer = try KafkaConsumer(configuration: bed.configuration, groupId: "round-trip", topics: ["events"], logger: bed.logger)
        let messages = try await bed.drain(consumer, count: 200)
        await consumer.close()
        #expect(messages.count == 200)
        let values = Set(messages.map { String(decoding: $0.value, as: UTF8.self) })
        #expect(values == Set((0..<200).map { "value \($0)" }))
        for message in messages {
            let index = Int(message.header("index") ?? "") ?? -1
            #expect(message.key == Array("customer-\(index % 7)".utf8))
            #expect(message.headers.first { $0.name == "empty" }?.value == [])
            #expect(message.timestampMilliseconds != nil)
        }
        // One key, one partition.
        let partitionsByKey = Dictionary(grouping: messages, by: { $0.key ?? [] }).mapValues { Set($0.map(\.partition)) }
        #expect(partitionsByKey.values.allSatisfy { $0.count == 1 })
    }

    /// Retriable produce errors and a broker going down and up: the idempotent producer still
    /// delivers every message exactly once and in order within each partition.
    @Test func idempotentProducerSurvivesInjectedErrorsAndBrokerOutage() async throws {
        let bed = try KafkaTestBed(brokers: 3, topics: ["orders": 3])
        let producer = try KafkaProducer(configuration: bed.configuration.withDefault("retry.backoff.ms", "20"), logger: bed.logger)
        bed.cluster.pushRequestErrors(apiKey: KafkaMockCluster.APIKey.produce, errors: [
            KafkaError.Code.notLeaderForPartition, KafkaError.Code.requestTimedOut,
            KafkaError.Code.notEnoughReplicas, KafkaError.Code.leaderNotAvailable,
        ])
        let total = 3_000
        for index in 0..<total {
            if index == 1_000 { bed.cluster.setBrokerDown(2) }
            if index == 2_000 { bed.cluster.setBrokerUp(2) }
            try await producer.send(KafkaOutgoingMessage(topic: "orders", key: Array("k\(index % 10)".utf8), value: Array(String(index).utf8)))
        }
        #expect(await producer.flush(timeout: .seconds(60)) == 0)
        #expect(producer.statistics.delivered == total)
        #expect(producer.statistics.failed == 0)

        let consumer = try KafkaConsumer(configuration: bed.configuration, groupId: "verify", topics: ["orders"], logger: bed.logger)
        let messages = try await bed.drain(consumer, count: total)
        await consumer.close()
        let values = messages.map { Int(String(decoding: $0.value, as: UTF8.self)) ?? -1 }
        #expect(values.count == total)
        #expect(Set(values).count == total)
        // Per key (so per partition), values come in the order they were sent.
        for key in 0..<10 {
            let sequence = messages.filter { $0.key == Array("k\(key)".utf8) }.sorted { $0.offset < $1.offset }
                .map { Int(String(decoding: $0.value, as: UTF8.self)) ?? -1 }
            #expect(sequence == sequence.sorted(), "key k\(key)")
        }
    }

    /// Two members share the partitions; when one leaves, the other takes over from the
    /// committed offsets and nothing is lost.
    @Test func groupMembersSharePartitionsAndAHandOverLosesNothing() async throws {
        let bed = try KafkaTestBed(topics: ["shared": 4])
        let producer = try KafkaProducer(configuration: bed.configuration, logger: bed.logger)
        func produce(_ range: Range<Int>) async throws {
            for index in range {
                try await producer.send(KafkaOutgoingMessage(topic: "shared", key: Array("c\(index % 16)".utf8), value: Array(String(index).utf8)))
            }
            await producer.flush(timeout: .seconds(10))
        }
        try await produce(0..<400)
        let first = try KafkaConsumer(configuration: bed.configuration, groupId: "pair", topics: ["shared"], logger: bed.logger)
        let second = try KafkaConsumer(configuration: bed.configuration, groupId: "pair", topics: ["shared"], logger: bed.logger)
        var seen: [Int] = []
        let deadline = ContinuousClock.now + .seconds(30)
        // Poll both until they each hold partitions and all 400 arrived.
        // Count distinct values: a rebalance may deliver some messages twice (at-least-once).
        while (Set(seen).count < 400 || first.assignedPartitions.isEmpty || second.assignedPartitions.isEmpty) && ContinuousClock.now < deadline {
            for consumer in [first, second] {
                let batch = try await consumer.poll(maximum: 100, timeout: .milliseconds(100))
                seen += batch.map { Int(String(decoding: $0.value, as: UTF8.self)) ?? -1 }
                try consumer.store(batch)
            }
        }
        #expect(first.assignedPartitions.count + second.assignedPartitions.count == 4)
        #expect(first.assignedPartitions.isDisjoint(with: second.assignedPartitions))
        try await first.commit()
        try await second.commit()
        await first.close()

        try await produce(400..<800)
        let handOverDeadline = ContinuousClock.now + .seconds(40)
        while Set(seen).count < 800 && ContinuousClock.now < handOverDeadline {
            let batch = try await second.poll(maximum: 200, timeout: .milliseconds(200))
            seen += batch.map { Int(String(decoding: $0.value, as: UTF8.self)) ?? -1 }
            try second.store(batch)
        }
        await second.close()
        #expect(Set(seen) == Set(0..<800))
    }

    /// Issue 15 item 16: one properties file serves every client, and librdkafka warned on every
    /// start that a producer ignores auto.offset.reset / session.timeout.ms and a consumer
    /// dr_msg_cb / acks. Each client gets only what applies to it now: no configuration warning.
    @Test func eachClientGetsOnlyThePropertiesThatApplyToIt() async throws {
        let bed = try KafkaTestBed(brokers: 1, topics: ["quiet": 1])
        let log = CapturedLog()
        var logger = log.logger(label: "kafka-config")
        logger.logLevel = .debug
        let shared = KafkaConfiguration(["bootstrap.servers": bed.cluster.bootstrapServers, "auto.offset.reset": "earliest",
                                         "session.timeout.ms": "6000", "enable.auto.commit": "false", "acks": "all", "linger.ms": "5",
                                         "message.timeout.ms": "30000", "client.id": "quiet-test"])
        let producer = try KafkaProducer(configuration: shared, logger: logger)
        try await producer.send(KafkaOutgoingMessage(topic: "quiet", key: nil, value: Array("x".utf8)))
        #expect(await producer.flush(timeout: .seconds(10)) == 0)
        let consumer = try KafkaConsumer(configuration: shared, groupId: "quiet", topics: ["quiet"], logger: logger)
        #expect(try await bed.drain(consumer, count: 1).count == 1)
        await consumer.close()
        #expect(!log.text.contains("CONFWARN") && !log.text.contains("ignored"), "\(log.text)")
    }
}
