import Foundation
import Logging
@testable import RecoKafka
import RecoKafkaMock
import Testing
import TestSupport

/// The embedded broker listens on the ports it is given, one per broker, and advertises those
/// (librdkafka's mock API picks them itself: issue 15, item 17).
@Suite(.serialized) struct KafkaMockClusterPortTests {
    let logger: Logger = {
        var logger = Logger(label: "kafka-port-test")
        logger.logLevel = .warning
        return logger
    }()

    @Test func brokersListenOnAndAdvertiseTheGivenPorts() async throws {
        let ports = (0..<3).map { _ in UInt16(freePort()) }
        let cluster = try KafkaMockCluster(brokers: 3, ports: ports, logger: logger)
        #expect(cluster.bootstrapServers == ports.map { "127.0.0.1:\($0)" }.joined(separator: ","))
        #expect(try listeningPorts().isSuperset(of: ports))
        try cluster.createTopic("spread", partitions: 6, replicationFactor: 1)

        // Bootstrapping from the first broker only: the partitions led by brokers 2 and 3 are
        // reached at the ports the metadata advertises, which must be the given ones.
        let configuration = KafkaConfiguration(["bootstrap.servers": "127.0.0.1:\(ports[0])", "log_level": "3"])
        let producer = try KafkaProducer(configuration: configuration, logger: logger)
        for index in 0..<60 {
            try await producer.send(KafkaOutgoingMessage(topic: "spread", key: Array("k\(index)".utf8), value: Array(String(index).utf8)))
        }
        #expect(await producer.flush(timeout: .seconds(20)) == 0)
        #expect(producer.statistics.delivered == 60)
        let consumer = try KafkaConsumer(configuration: configuration.withDefault("auto.offset.reset", "earliest"), groupId: "ports",
                                         topics: ["spread"], logger: logger)
        var values: Set<String> = []
        let deadline = ContinuousClock.now + .seconds(30)
        while values.count < 60 && ContinuousClock.now < deadline {
            for message in try await consumer.poll(maximum: 100, timeout: .milliseconds(200)) {
                values.insert(String(decoding: message.value, as: UTF8.self))
            }
        }
        await consumer.close()
        #expect(values == Set((0..<60).map(String.init)))
    }

    @Test func aPortInUseOrAMissingPortIsAnErrorNamingIt() throws {
        let port = UInt16(freePort())
        let first = try KafkaMockCluster(brokers: 1, ports: [port], logger: logger)
        let error = #expect(throws: KafkaError.self) { try KafkaMockCluster(brokers: 1, ports: [port], logger: logger) }
        #expect(error?.message.contains("127.0.0.1:\(port)") == true)
        #expect(error?.message.contains("in use") == true)
        withExtendedLifetime(first) {}
        let missing = #expect(throws: KafkaError.self) { try KafkaMockCluster(brokers: 2, ports: [port], logger: logger) }
        #expect(missing?.message.contains("1 port(s) given for 2 brokers") == true)
    }

    /// The 127.0.0.1 ports something in this process listens on, from /proc.
    private func listeningPorts() throws -> Set<UInt16> {
        let table = try String(contentsOfFile: "/proc/self/net/tcp", encoding: .utf8)
        var ports: Set<UInt16> = []
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ")
            guard fields.count > 3, fields[3] == "0A" else { continue }  // 0A: LISTEN
            let local = fields[1].split(separator: ":")
            if local.count == 2, let port = UInt16(local[1], radix: 16) { ports.insert(port) }
        }
        return ports
    }
}
