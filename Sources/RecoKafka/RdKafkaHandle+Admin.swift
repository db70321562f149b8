import CRdKafka

/// Cluster metadata and topic creation.
extension RdKafkaHandle {
    /// Names of the topics the cluster knows.
    func existingTopics(timeout: Duration) async throws(KafkaError) -> Set<String> {
        let milliseconds = Self.milliseconds(timeout)
        let result: Result<Set<String>, KafkaError> = await blocking { client in
            var metadata: UnsafePointer<rd_kafka_metadata>?
            let result = rd_kafka_metadata(client, 1, nil, &metadata, milliseconds)
            guard result == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else { return .failure(KafkaError(result, context: "read cluster metadata")) }
            defer { rd_kafka_metadata_destroy(metadata) }
            var names = Set<String>()
            for index in 0..<Int(metadata.pointee.topic_cnt) {
                let topic = metadata.pointee.topics[index]
                if topic.err == RD_KAFKA_RESP_ERR_NO_ERROR { names.insert(String(cString: topic.topic)) }
            }
            return .success(names)
        }
        return try result.get()
    }

    /// The partitions of `topic` (sorted); an unknown topic is an error naming it.
    func partitions(of topic: String, timeout: Duration) async throws(KafkaError) -> [Int32] {
        let milliseconds = Self.milliseconds(timeout)
        let result: Result<[Int32], KafkaError> = await blocking { client in
            var metadata: UnsafePointer<rd_kafka_metadata>?
            let result = rd_kafka_metadata(client, 1, nil, &metadata, milliseconds)
            guard result == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else { return .failure(KafkaError(result, context: "read cluster metadata")) }
            defer { rd_kafka_metadata_destroy(metadata) }
            for index in 0..<Int(metadata.pointee.topic_cnt) where String(cString: metadata.pointee.topics[index].topic) == topic {
                let entry = metadata.pointee.topics[index]
                guard entry.err == RD_KAFKA_RESP_ERR_NO_ERROR else { return .failure(KafkaError(entry.err, context: "topic \(topic)")) }
                return .success((0..<Int(entry.partition_cnt)).map { entry.partitions[$0].id }.sorted())
            }
            return .failure(KafkaError(RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC, context: "topic \(topic) is not in the cluster"))
        }
        return try result.get()
    }

    /// Sends CreateTopics and waits for the answer; a topic that exists already is not an error.
    func createTopics(_ topics: [(name: String, partitions: Int)], replicationFactor: Int, timeout: Duration) async throws(KafkaError) {
        let milliseconds = Self.milliseconds(timeout)
        let result: Result<Void, KafkaError> = await blocking { client in
            var errorText = [CChar](repeating: 0, count: 512)
            var newTopics: [OpaquePointer?] = []
            defer { newTopics.forEach { rd_kafka_NewTopic_destroy($0) } }
            for topic in topics {
                guard let newTopic = rd_kafka_NewTopic_new(topic.name, Int32(topic.partitions), Int32(replicationFactor), &errorText, errorText.count) else {
                    return .failure(.configuration(RdKafkaCString.string(errorText)))
                }
                newTopics.append(newTopic)
            }
            let queue = rd_kafka_queue_new(client)
            defer { rd_kafka_queue_destroy(queue) }
            let options = rd_kafka_AdminOptions_new(client, RD_KAFKA_ADMIN_OP_CREATETOPICS)
            defer { rd_kafka_AdminOptions_destroy(options) }
            _ = rd_kafka_AdminOptions_set_request_timeout(options, milliseconds, &errorText, errorText.count)
            newTopics.withUnsafeMutableBufferPointer { rd_kafka_CreateTopics(client, $0.baseAddress, $0.count, options, queue) }
            guard let event = rd_kafka_queue_poll(queue, milliseconds + 2_000) else {
                return .failure(KafkaError(RD_KAFKA_RESP_ERR__TIMED_OUT, context: "create topics"))
            }
            defer { rd_kafka_event_destroy(event) }
            if rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR {
                return .failure(KafkaError(rd_kafka_event_error(event), context: "create topics"))
            }
            guard let answer = rd_kafka_event_CreateTopics_result(event) else { return .success(()) }
            var count = 0
            guard let results = rd_kafka_CreateTopics_result_topics(answer, &count) else { return .success(()) }
            for index in 0..<count {
                let code = rd_kafka_topic_result_error(results[index])
                if code != RD_KAFKA_RESP_ERR_NO_ERROR && code != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS {
                    let name = String(cString: rd_kafka_topic_result_name(results[index]))
                    return .failure(KafkaError(code, context: "create topic \(name)"))
                }
            }
            return .success(())
        }
        try result.get()
    }
}
