import Logging

/// Topic administration on a real cluster (the admin API).
public enum KafkaAdmin {
    /// Creates the topics that do not exist yet; existing ones are left as they are.
    public static func createTopics(_ topics: [(name: String, partitions: Int)], replicationFactor: Int = -1,
                                    configuration: KafkaConfiguration, logger: Logger) async throws(KafkaError) {
        let handle = try RdKafkaHandle(type: .producer, configuration: configuration, context: RdKafkaClientContext(logger: logger), label: "kafka-admin")
        // Ask the cluster what exists first: nothing to do is the common case, and some
        // clusters (the mock among them) do not answer CreateTopics at all.
        let existing = try await handle.existingTopics(timeout: .seconds(10))
        let missing = topics.filter { !existing.contains($0.name) }
        guard !missing.isEmpty else { return }
        try await handle.createTopics(missing, replicationFactor: replicationFactor, timeout: .seconds(10))
    }
}
