import CRdKafka
import Logging

/// Owns a librdkafka mock cluster and the otherwise unused client instance it lives in.
final class RdKafkaMockCluster: @unchecked Sendable {
    // Unchecked Sendable: the mock API is internally locked; the handles live as long as self.
    private let handle: RdKafkaHandle
    private let cluster: OpaquePointer

    init(brokers: Int, logger: Logger) throws(KafkaError) {
        handle = try RdKafkaHandle(type: .producer, configuration: KafkaConfiguration(["log_level": "3"]),
                                   context: ClientContext(logger: logger), label: "kafka-mock")
        guard let cluster = rd_kafka_mock_cluster_new(handle.pointer, Int32(brokers)) else {
            throw .configuration("cannot start the mock cluster")
        }
        self.cluster = cluster
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

    func setRoundTripTime(broker: Int32, milliseconds: Int) {
        _ = rd_kafka_mock_broker_set_rtt(cluster, broker, Int32(milliseconds))
    }
}
