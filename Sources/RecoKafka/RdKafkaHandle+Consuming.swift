import CRdKafka

/// The consumer's C calls.
extension RdKafkaHandle {
    /// Routes the main queue to the consumer queue and subscribes to `topics`.
    func subscribe(_ topics: [String]) throws(KafkaError) {
        rd_kafka_poll_set_consumer(pointer)
        let list = RdKafkaPartitionList(subscribing: topics)
        let result = rd_kafka_subscribe(pointer, list.pointer)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(result, context: "subscribe to \(topics)") }
    }

    /// Up to `maximum` messages, waiting at most `timeout` for the first one; end-of-partition
    /// notices are skipped, other errors thrown (or left for the next poll once messages are in hand).
    func poll(maximum: Int, timeout: Duration) async throws(KafkaError) -> [KafkaConsumedMessage] {
        let firstTimeout = Self.milliseconds(timeout)
        let result: Result<[KafkaConsumedMessage], KafkaError> = await blocking { client in
            var batch: [KafkaConsumedMessage] = []
            while batch.count < maximum {
                // Wait for the first message; then take only what is already there.
                guard let message = rd_kafka_consumer_poll(client, batch.isEmpty ? firstTimeout : 0) else { break }
                defer { rd_kafka_message_destroy(message) }
                let record = message.pointee
                if record.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                    if record.err == RD_KAFKA_RESP_ERR__PARTITION_EOF { continue }
                    let error = KafkaError(record.err, context: "consume")
                    if batch.isEmpty { return .failure(error) }
                    break
                }
                batch.append(Self.copy(message))
            }
            return .success(batch)
        }
        return try result.get()
    }

    private static func copy(_ message: UnsafeMutablePointer<rd_kafka_message_t>) -> KafkaConsumedMessage {
        let record = message.pointee
        let topic = record.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
        let value = record.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: record.len)) } ?? []
        let key = record.key.map { Array(UnsafeRawBufferPointer(start: $0, count: record.key_len)) }
        var headers: [KafkaHeader] = []
        var list: OpaquePointer?
        if rd_kafka_message_headers(message, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list {
            var index = 0
            var name: UnsafePointer<CChar>?
            var bytes: UnsafeRawPointer?
            var size = 0
            while rd_kafka_header_get_all(list, index, &name, &bytes, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
                let value = bytes.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) } ?? []
                headers.append(KafkaHeader(name: name.map { String(cString: $0) } ?? "", value: value))
                index += 1
            }
        }
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(message, &timestampType)
        return KafkaConsumedMessage(topic: topic, partition: record.partition, offset: record.offset, key: key, value: value,
                                    headers: headers, timestampMilliseconds: timestampType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : timestamp)
    }

    /// Stores these next offsets for the next commit. A partition revoked meanwhile cannot be
    /// stored: its messages will be read again.
    func storeOffsets(_ next: [KafkaTopicPartition: Int64]) throws(KafkaError) {
        let list = RdKafkaPartitionList(offsets: next)
        // rd_kafka_offsets_store stores the offsets as given (no +1).
        let result = rd_kafka_offsets_store(pointer, list.pointer)
        if result != RD_KAFKA_RESP_ERR_NO_ERROR && result != RD_KAFKA_RESP_ERR__STATE {
            throw KafkaError(result, context: "store offsets")
        }
    }

    /// Commits stored offsets and waits for the broker; nothing stored is not an error.
    func commitStored() async throws(KafkaError) {
        let result = await blocking { client in rd_kafka_commit(client, nil, 0) }
        if result != RD_KAFKA_RESP_ERR_NO_ERROR && result != RD_KAFKA_RESP_ERR__NO_OFFSET {
            throw KafkaError(result, context: "commit")
        }
    }

    func pause(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        let list = RdKafkaPartitionList(partitions)
        let result = rd_kafka_pause_partitions(pointer, list.pointer)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(result, context: "pause") }
    }

    func resume(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        let list = RdKafkaPartitionList(partitions)
        let result = rd_kafka_resume_partitions(pointer, list.pointer)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(result, context: "resume") }
    }

    /// Messages behind the end of each partition (high watermark − position), from cached values.
    /// Messages between each partition's position and its end. A partition that consumed
    /// nothing yet has no position: then the offset a seek moved it to, if any, else its start.
    func lag(_ partitions: Set<KafkaTopicPartition>, positionsBeforeConsuming sought: [KafkaTopicPartition: Int64] = [:]) -> [KafkaTopicPartition: Int64] {
        guard !partitions.isEmpty else { return [:] }
        let list = RdKafkaPartitionList(partitions)
        guard rd_kafka_position(pointer, list.pointer) == RD_KAFKA_RESP_ERR_NO_ERROR else { return [:] }
        var result: [KafkaTopicPartition: Int64] = [:]
        for (partition, position) in list.entries {
            var low: Int64 = 0
            var high: Int64 = 0
            guard rd_kafka_get_watermark_offsets(pointer, partition.topic, partition.partition, &low, &high) == RD_KAFKA_RESP_ERR_NO_ERROR else { continue }
            result[partition] = max(0, high - (position >= 0 ? position : max(sought[partition] ?? low, low)))
        }
        return result
    }

    /// Each partition's first and next offsets asked of its leader now (up to `timeout` each);
    /// partitions that did not answer are absent.
    func queryLogRanges(_ partitions: Set<KafkaTopicPartition>, timeout: Duration) async -> [KafkaTopicPartition: ClosedRange<Int64>] {
        let milliseconds = Self.milliseconds(timeout)
        return await blocking { client in
            var result: [KafkaTopicPartition: ClosedRange<Int64>] = [:]
            for partition in partitions {
                var low: Int64 = 0
                var high: Int64 = 0
                guard rd_kafka_query_watermark_offsets(client, partition.topic, partition.partition, &low, &high, milliseconds) == RD_KAFKA_RESP_ERR_NO_ERROR,
                      low >= 0, high >= low else { continue }
                result[partition] = low...high
            }
            return result
        }
    }

    /// The group's committed offset of each partition (the next to read), asked of the group
    /// coordinator (up to `timeout`); partitions with none (a new group) or no answer are absent.
    func committedOffsets(_ partitions: Set<KafkaTopicPartition>, timeout: Duration) async -> [KafkaTopicPartition: Int64] {
        guard !partitions.isEmpty else { return [:] }
        let wait = Self.milliseconds(timeout)
        return await blocking { client in
            let list = RdKafkaPartitionList(offsets: Dictionary(uniqueKeysWithValues: partitions.map { ($0, Int64(-1001)) }))
            guard rd_kafka_committed(client, list.pointer, wait) == RD_KAFKA_RESP_ERR_NO_ERROR else { return [:] }
            return list.answeredOffsets
        }
    }

    /// For each partition, the first offset whose message timestamp is at or after `milliseconds`
    /// (ListOffsets by time). Absent: the broker did not answer for it, or has no message that
    /// late (librdkafka says -1 for both "none" and, on its mock cluster, "not supported").
    func offsets(atOrAfter milliseconds: Int64, _ partitions: Set<KafkaTopicPartition>, timeout: Duration) async -> [KafkaTopicPartition: Int64] {
        let wait = Self.milliseconds(timeout)
        return await blocking { client in
            let list = RdKafkaPartitionList(offsets: Dictionary(uniqueKeysWithValues: partitions.map { ($0, milliseconds) }))
            guard rd_kafka_offsets_for_times(client, list.pointer, wait) == RD_KAFKA_RESP_ERR_NO_ERROR else { return [:] }
            return list.answeredOffsets
        }
    }

    /// Moves assigned partitions' fetch positions; the error of the first one that failed.
    func seek(_ offsets: [KafkaTopicPartition: Int64], timeout: Duration) async -> KafkaError? {
        guard !offsets.isEmpty else { return nil }
        let wait = Self.milliseconds(timeout)
        return await blocking { client in
            let list = RdKafkaPartitionList(offsets: offsets)
            if let error = rd_kafka_seek_partitions(client, list.pointer, wait) { return KafkaError(consuming: error) }
            for index in 0..<Int(list.pointer.pointee.cnt) where list.pointer.pointee.elems[index].err != RD_KAFKA_RESP_ERR_NO_ERROR {
                return KafkaError(list.pointer.pointee.elems[index].err)
            }
            return nil
        }
    }

    /// The end of each partition's log (high watermark) as last seen in a fetch; absent when unknown.
    func highWatermarks(_ partitions: Set<KafkaTopicPartition>) -> [KafkaTopicPartition: Int64] {
        var result: [KafkaTopicPartition: Int64] = [:]
        for partition in partitions {
            var low: Int64 = 0
            var high: Int64 = 0
            guard rd_kafka_get_watermark_offsets(pointer, partition.topic, partition.partition, &low, &high) == RD_KAFKA_RESP_ERR_NO_ERROR,
                  high >= 0 else { continue }
            result[partition] = high
        }
        return result
    }

    /// The cluster's id from the metadata librdkafka holds (no request); nil before any metadata.
    var clusterId: String? {
        guard let text = rd_kafka_clusterid(pointer, 0) else { return nil }
        defer { rd_kafka_mem_free(pointer, text) }
        return String(cString: text)
    }

    /// Commits stored offsets and leaves the group.
    func closeConsumer() async -> KafkaError? {
        let result = await blocking { client in rd_kafka_consumer_close(client) }
        return result == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : KafkaError(result)
    }
}
