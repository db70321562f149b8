import CRdKafka

/// Owns an `rd_kafka_topic_partition_list_t`: built from Swift values, read back into them,
/// destroyed with its owner. The one place that allocates, fills and frees such lists.
final class RdKafkaPartitionList {
    let pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

    init(capacity: Int) {
        pointer = rd_kafka_topic_partition_list_new(Int32(clamping: max(capacity, 1)))
    }

    convenience init(_ partitions: some Collection<KafkaTopicPartition>) {
        self.init(capacity: partitions.count)
        for partition in partitions { add(partition, offset: nil) }
    }

    convenience init(offsets: [KafkaTopicPartition: Int64]) {
        self.init(capacity: offsets.count)
        for (partition, offset) in offsets { add(partition, offset: offset) }
    }

    /// Every topic of `topics`, partition unassigned (a subscription).
    convenience init(subscribing topics: [String]) {
        self.init(capacity: topics.count)
        for topic in topics { rd_kafka_topic_partition_list_add(pointer, topic, RD_KAFKA_PARTITION_UA) }
    }

    deinit {
        rd_kafka_topic_partition_list_destroy(pointer)
    }

    func add(_ partition: KafkaTopicPartition, offset: Int64?) {
        let entry = rd_kafka_topic_partition_list_add(pointer, partition.topic, partition.partition)
        if let offset { entry?.pointee.offset = offset }
    }

    /// The entries as (partition, offset); offset is librdkafka's (negative: a logical offset).
    var entries: [(partition: KafkaTopicPartition, offset: Int64)] {
        Self.entries(of: pointer)
    }

    /// The entries librdkafka answered without an error and with a real (non-negative) offset,
    /// as a request like `rd_kafka_committed` or `rd_kafka_offsets_for_times` fills them in.
    var answeredOffsets: [KafkaTopicPartition: Int64] {
        var result: [KafkaTopicPartition: Int64] = [:]
        for index in 0..<Int(pointer.pointee.cnt) {
            let entry = pointer.pointee.elems[index]
            guard entry.err == RD_KAFKA_RESP_ERR_NO_ERROR, entry.offset >= 0 else { continue }
            result[KafkaTopicPartition(topic: String(cString: entry.topic), partition: entry.partition)] = entry.offset
        }
        return result
    }

    /// Reads a list that librdkafka owns (a rebalance callback's argument).
    static func entries(of list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) -> [(partition: KafkaTopicPartition, offset: Int64)] {
        guard let list else { return [] }
        return (0..<Int(list.pointee.cnt)).map { index in
            let entry = list.pointee.elems[index]
            return (KafkaTopicPartition(topic: String(cString: entry.topic), partition: entry.partition), entry.offset)
        }
    }
}
