import CMockBrokerPorts
import CRdKafka
import RecoKafka
import Foundation
import Logging

/// Owns a librdkafka mock cluster and the otherwise unused client instance it lives in.
final class RdKafkaMockCluster: @unchecked Sendable {
    // Unchecked Sendable: the mock API is internally locked; the handles live as long as self.
    private let handle: RdKafkaHandle
    private let cluster: OpaquePointer

    /// `ports`: one per broker, in broker order; empty: ports the OS picks.
    init(brokers: Int, ports: [UInt16] = [], logger: Logger) throws(KafkaError) {
        guard ports.isEmpty || ports.count == brokers else {
            throw .configuration("\(ports.count) port(s) given for \(brokers) brokers: give one per broker")
        }
        guard ports.count <= 16 else { throw .configuration("at most 16 brokers can have ports of their own") }
        for port in ports where !Self.isFree(port) {
            throw .configuration("cannot listen on 127.0.0.1:\(port): the port is in use")
        }
        handle = try RdKafkaHandle(type: .producer, configuration: KafkaConfiguration(["log_level": "3"]),
                                   context: RdKafkaClientContext(logger: logger), label: "kafka-mock")
        // The mock creates its brokers' listeners in this thread, inside rd_kafka_mock_cluster_new.
        ports.withUnsafeBufferPointer { reco_mock_broker_ports_arm($0.baseAddress, Int32($0.count)) }
        let created = rd_kafka_mock_cluster_new(handle.pointer, Int32(brokers))
        let portsUsed = reco_mock_broker_ports_disarm()
        guard let created else { throw .configuration("cannot start the mock cluster") }
        let listening = String(cString: rd_kafka_mock_cluster_bootstraps(created))
        let planned = ports.map { "127.0.0.1:\($0)" }.joined(separator: ",")
        guard ports.isEmpty || (portsUsed == ports.count && listening == planned) else {
            rd_kafka_mock_cluster_destroy(created)
            throw .configuration("the mock brokers listen on \(listening), not on \(planned): this build cannot set their ports")
        }
        cluster = created
    }

    /// Whether 127.0.0.1:`port` can be listened on now (for an error that names the port).
    private static func isFree(_ port: UInt16) -> Bool {
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard probe >= 0 else { return true }
        defer { close(probe) }
        var one: Int32 = 1
        setsockopt(probe, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(probe, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
    }

    var bootstrapServers: String { String(cString: rd_kafka_mock_cluster_bootstraps(cluster)) }

    func createTopic(_ name: String, partitions: Int, replicationFactor: Int) throws(KafkaError) {
        let result = rd_kafka_mock_topic_create(cluster, name, Int32(partitions), Int32(replicationFactor))
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(result, context: "create topic \(name)") }
    }

    func pushRequestErrors(apiKey: Int16, errors: [Int32]) {
        let codes = errors.map { rd_kafka_resp_err_t($0) }
        codes.withUnsafeBufferPointer { rd_kafka_mock_push_request_errors_array(cluster, apiKey, $0.count, $0.baseAddress) }
    }

    func setBroker(_ broker: Int32, up: Bool) {
        _ = up ? rd_kafka_mock_broker_set_up(cluster, broker) : rd_kafka_mock_broker_set_down(cluster, broker)
    }

    func setPartitionLeader(topic: String, partition: Int32, broker: Int32) throws(KafkaError) {
        let result = rd_kafka_mock_partition_set_leader(cluster, topic, partition, broker)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(result, context: "set the leader of \(topic)[\(partition)]") }
    }

    func setGroupCoordinator(group: String, broker: Int32) throws(KafkaError) {
        let result = rd_kafka_mock_coordinator_set(cluster, "group", group, broker)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(result, context: "set the coordinator of group \(group)") }
    }

    func setRoundTripTime(broker: Int32, milliseconds: Int) {
        _ = rd_kafka_mock_broker_set_rtt(cluster, broker, Int32(milliseconds))
    }
}
