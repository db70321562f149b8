import CRdKafka
import Logging

/// Topic administration on a real cluster (the admin API).
public enum KafkaAdmin {
    /// Creates the topics that do not exist yet; existing ones are left as they are.
    public static func createTopics(_ topics: [(name: String, partitions: Int)], replicationFactor: Int = -1,
                                    configuration: KafkaConfiguration, logger: Logger) async throws(KafkaError) {
        let handle = try RdKafkaHandle(type: RD_KAFKA_PRODUCER, configuration: configuration, context: ClientContext(logger: logger))
        let outcome: Result<Void, KafkaError> = await RdKafkaHandle.blocking {
            Self.create(topics, replicationFactor: replicationFactor, client: handle.pointer)
        }
        try outcome.get()
    }

    private static func create(_ wanted: [(name: String, partitions: Int)], replicationFactor: Int, client: OpaquePointer) -> Result<Void, KafkaError> {
        // Ask the cluster what exists first: nothing to do is the common case, and some
        // clusters (the mock among them) do not answer CreateTopics at all.
        let existing: Set<String>
        switch existingTopics(client) {
        case .success(let names): existing = names
        case .failure(let error): return .failure(error)
        }
        let topics = wanted.filter { !existing.contains($0.name) }
        guard !topics.isEmpty else { return .success(()) }
        var errorText = [CChar](repeating: 0, count: 512)
        var newTopics: [OpaquePointer?] = []
        defer { newTopics.forEach { rd_kafka_NewTopic_destroy($0) } }
        for topic in topics {
            guard let newTopic = rd_kafka_NewTopic_new(topic.name, Int32(topic.partitions), Int32(replicationFactor), &errorText, errorText.count) else {
                return .failure(.configuration(CString.string(errorText)))
            }
            newTopics.append(newTopic)
        }
        let queue = rd_kafka_queue_new(client)
        defer { rd_kafka_queue_destroy(queue) }
        let options = rd_kafka_AdminOptions_new(client, RD_KAFKA_ADMIN_OP_CREATETOPICS)
        defer { rd_kafka_AdminOptions_destroy(options) }
        _ = rd_kafka_AdminOptions_set_request_timeout(options, 10_000, &errorText, errorText.count)
        newTopics.withUnsafeMutableBufferPointer { rd_kafka_CreateTopics(client, $0.baseAddress, $0.count, options, queue) }
        guard let event = rd_kafka_queue_poll(queue, 12_000) else {
            return .failure(KafkaError(RD_KAFKA_RESP_ERR__TIMED_OUT, context: "create topics"))
        }
        defer { rd_kafka_event_destroy(event) }
        if rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR {
            return .failure(KafkaError(rd_kafka_event_error(event), context: "create topics"))
        }
        guard let result = rd_kafka_event_CreateTopics_result(event) else { return .success(()) }
        var count = 0
        guard let results = rd_kafka_CreateTopics_result_topics(result, &count) else { return .success(()) }
        for index in 0..<count {
            let code = rd_kafka_topic_result_error(results[index])
            if code != RD_KAFKA_RESP_ERR_NO_ERROR && code != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS {
                let name = String(cString: rd_kafka_topic_result_name(results[index]))
                return .failure(KafkaError(code, context: "create topic \(name)"))
            }
        }
        return .success(())
    }

    private static func existingTopics(_ client: OpaquePointer) -> Result<Set<String>, KafkaError> {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let result = rd_kafka_metadata(client, 1, nil, &metadata, 10_000)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else { return .failure(KafkaError(result, context: "read cluster metadata")) }
        defer { rd_kafka_metadata_destroy(metadata) }
        var names = Set<String>()
        for index in 0..<Int(metadata.pointee.topic_cnt) {
            let topic = metadata.pointee.topics[index]
            if topic.err == RD_KAFKA_RESP_ERR_NO_ERROR { names.insert(String(cString: topic.topic)) }
        }
        return .success(names)
    }
}
