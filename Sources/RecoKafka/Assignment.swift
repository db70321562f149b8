import Synchronization

/// The partitions a consumer-group member holds now, as its rebalances (`RdKafkaRebalance`)
/// assign and revoke them.
final class Assignment: Sendable {
    private let partitions = Mutex<Set<KafkaTopicPartition>>([])

    var current: Set<KafkaTopicPartition> { partitions.withLock { $0 } }

    func add(_ changed: [KafkaTopicPartition]) {
        partitions.withLock { $0.formUnion(changed) }
    }

    func remove(_ changed: [KafkaTopicPartition]) {
        partitions.withLock { $0.subtract(changed) }
    }

    func removeAll() {
        partitions.withLock { $0.removeAll() }
    }
}
