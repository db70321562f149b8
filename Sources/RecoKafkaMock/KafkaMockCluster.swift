import Logging
import RecoKafka

/// librdkafka's built-in mock cluster: real Kafka brokers speaking the real protocol on
/// 127.0.0.1, in this process, with fault injection for tests.
public final class KafkaMockCluster: Sendable {
    private let cluster: RdKafkaMockCluster
    public let bootstrapServers: String
    public let brokerCount: Int

    /// `ports`: the 127.0.0.1 port of each broker, in broker order, which is also the port it
    /// advertises; empty: ports the OS picks. These are the only ports the cluster listens on.
    public init(brokers: Int = 3, ports: [UInt16] = [], logger: Logger) throws(KafkaError) {
        cluster = try RdKafkaMockCluster(brokers: brokers, ports: ports, logger: logger)
        brokerCount = brokers
        bootstrapServers = cluster.bootstrapServers
    }

    /// Creates a topic (the mock does not implement the CreateTopics admin request).
    public func createTopic(_ name: String, partitions: Int, replicationFactor: Int = 1) throws(KafkaError) {
        try cluster.createTopic(name, partitions: partitions, replicationFactor: min(replicationFactor, brokerCount))
    }

    /// The next requests of `apiKey` (see `APIKey`) fail with these errors (see
    /// `KafkaError.Code`), one each, before requests succeed again.
    public func pushRequestErrors(apiKey: Int16, errors: [Int32]) {
        cluster.pushRequestErrors(apiKey: apiKey, errors: errors)
    }

    public func setBrokerDown(_ broker: Int32) {
        cluster.setBroker(broker, up: false)
    }

    public func setBrokerUp(_ broker: Int32) {
        cluster.setBroker(broker, up: true)
    }

    /// Makes `broker` (1…brokers) the partition's leader: what a real cluster's controller does
    /// when the leader fails and an in-sync replica takes over.
    public func setPartitionLeader(topic: String, partition: Int32, broker: Int32) throws(KafkaError) {
        try cluster.setPartitionLeader(topic: topic, partition: partition, broker: broker)
    }

    /// Makes `broker` the coordinator of a consumer group (a real cluster moves it with the
    /// leadership of the group's offsets partition).
    public func setGroupCoordinator(group: String, broker: Int32) throws(KafkaError) {
        try cluster.setGroupCoordinator(group: group, broker: broker)
    }

    public func setRoundTripTime(broker: Int32, milliseconds: Int) {
        cluster.setRoundTripTime(broker: broker, milliseconds: milliseconds)
    }

    /// Kafka protocol API keys used with `pushRequestErrors`.
    public enum APIKey {
        public static let produce: Int16 = 0
        public static let fetch: Int16 = 1
        public static let offsetCommit: Int16 = 8
    }
}
