import CRdKafka
import Foundation
import Logging
import Synchronization

/// A consumer-group member with manual offset storing: the application stores a message's
/// offset only once it has finished with it; librdkafka commits stored offsets periodically,
/// and synchronously when partitions are revoked and on close. Delivery is therefore
/// at-least-once. Polling blocks, so it runs on a dedicated thread, never on the cooperative pool.
public final class KafkaConsumer: Sendable {
    private let handle: RdKafkaHandle
    private let logger: Logger
    private let assignment: Assignment
    private let closed = Atomic<Bool>(false)
    /// One polling thread at a time: librdkafka's consumer queue is served serially.
    private let pollQueue = DispatchQueue(label: "kafka-consumer-poll")

    public init(configuration: KafkaConfiguration, groupID: String, topics: [String], logger: Logger) throws(KafkaError) {
        var settings = configuration
            .withDefault("enable.auto.offset.store", "false")
            .withDefault("enable.auto.commit", "true")
            .withDefault("auto.commit.interval.ms", "1000")
            .withDefault("auto.offset.reset", "earliest")
            // A fetch returns after at most 50 ms without data (librdkafka waits 500 ms): low latency at low rates.
            .withDefault("fetch.wait.max.ms", "50")
        settings.set("group.id", groupID)
        let assignment = Assignment(logger: logger)
        let context = ClientContext(logger: logger, rebalance: assignment)
        handle = try RdKafkaHandle(type: RD_KAFKA_CONSUMER, configuration: settings, context: context)
        self.logger = logger
        self.assignment = assignment
        rd_kafka_poll_set_consumer(handle.pointer)
        let list = rd_kafka_topic_partition_list_new(Int32(topics.count))
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for topic in topics { rd_kafka_topic_partition_list_add(list, topic, RD_KAFKA_PARTITION_UA) }
        let result = rd_kafka_subscribe(handle.pointer, list)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(result, context: "subscribe to \(topics)") }
        logger.info("Kafka consumer subscribed", metadata: ["kafka.group": "\(groupID)", "kafka.topics": "\(topics)",
                                                          "kafka.bootstrap": "\(settings.bootstrapServers)"])
    }

    /// Partitions currently assigned to this member.
    public var assignedPartitions: Set<KafkaTopicPartition> { assignment.current }

    public var fatalError: KafkaError? { handle.context.fatalError }

    /// Up to `maximum` messages, waiting at most `timeout` for the first one. Errors that are
    /// only informational (end of partition) are skipped; others are thrown.
    public func poll(maximum: Int, timeout: Duration) async throws(KafkaError) -> [KafkaConsumedMessage] {
        if let fatal = fatalError { throw fatal }
        let handle = self.handle
        let milliseconds = Int32(clamping: timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        let result: Result<[KafkaConsumedMessage], KafkaError> = await withCheckedContinuation { continuation in
            pollQueue.async {
                continuation.resume(returning: Self.pollBatch(handle.pointer, maximum: maximum, firstTimeout: milliseconds))
            }
        }
        return try result.get()
    }

    private static func pollBatch(_ client: OpaquePointer, maximum: Int, firstTimeout: Int32) -> Result<[KafkaConsumedMessage], KafkaError> {
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
            batch.append(copy(message))
        }
        return .success(batch)
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

    /// Marks messages as done: their offsets (+1, the next to read) will be committed.
    public func store(_ messages: [KafkaConsumedMessage]) throws(KafkaError) {
        guard !messages.isEmpty else { return }
        // The highest offset per partition is enough.
        var next: [KafkaTopicPartition: Int64] = [:]
        for message in messages {
            let partition = KafkaTopicPartition(topic: message.topic, partition: message.partition)
            next[partition] = max(next[partition] ?? 0, message.offset + 1)
        }
        try store(offsets: next)
    }

    /// Marks partitions done below these offsets (the next offset to read for each).
    public func store(offsets next: [KafkaTopicPartition: Int64]) throws(KafkaError) {
        guard !next.isEmpty else { return }
        let list = rd_kafka_topic_partition_list_new(Int32(next.count))
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for (partition, offset) in next {
            let entry = rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition)
            entry?.pointee.offset = offset
        }
        // rd_kafka_offsets_store stores the offsets as given (no +1).
        let result = rd_kafka_offsets_store(handle.pointer, list)
        // A partition revoked meanwhile cannot be stored: its messages will be read again.
        if result != RD_KAFKA_RESP_ERR_NO_ERROR && result != RD_KAFKA_RESP_ERR__STATE {
            throw KafkaError(result, context: "store offsets")
        }
    }

    /// Commits stored offsets now and waits for the broker.
    public func commit() async throws(KafkaError) {
        let handle = self.handle
        let result = await RdKafkaHandle.blocking { rd_kafka_commit(handle.pointer, nil, 0) }
        if result != RD_KAFKA_RESP_ERR_NO_ERROR && result != RD_KAFKA_RESP_ERR__NO_OFFSET {
            throw KafkaError(result, context: "commit")
        }
    }

    /// Stops fetching from these partitions (back-pressure) until `resume`.
    public func pause(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        try apply(partitions) { rd_kafka_pause_partitions($0, $1) }
    }

    public func resume(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        try apply(partitions) { rd_kafka_resume_partitions($0, $1) }
    }

    private func apply(_ partitions: [KafkaTopicPartition],
                       _ call: (OpaquePointer, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) -> rd_kafka_resp_err_t) throws(KafkaError) {
        guard !partitions.isEmpty else { return }
        let list = rd_kafka_topic_partition_list_new(Int32(partitions.count))
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for partition in partitions { rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition) }
        let result = call(handle.pointer, list)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(result, context: "pause/resume") }
    }

    /// Messages behind the end of each assigned partition (high watermark − position).
    public func lag() -> [KafkaTopicPartition: Int64] {
        var result: [KafkaTopicPartition: Int64] = [:]
        for partition in assignment.current {
            let list = rd_kafka_topic_partition_list_new(1)
            defer { rd_kafka_topic_partition_list_destroy(list) }
            rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition)
            guard rd_kafka_position(handle.pointer, list) == RD_KAFKA_RESP_ERR_NO_ERROR, let entry = list?.pointee.elems else { continue }
            var low: Int64 = 0
            var high: Int64 = 0
            guard rd_kafka_get_watermark_offsets(handle.pointer, partition.topic, partition.partition, &low, &high) == RD_KAFKA_RESP_ERR_NO_ERROR else { continue }
            let position = entry.pointee.offset >= 0 ? entry.pointee.offset : low
            result[partition] = max(0, high - position)
        }
        return result
    }

    /// Commits stored offsets, leaves the group and releases the client. Idempotent.
    public func close() async {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let handle = self.handle
        let logger = self.logger
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            pollQueue.async {
                let result = rd_kafka_consumer_close(handle.pointer)
                if result != RD_KAFKA_RESP_ERR_NO_ERROR {
                    logger.warning("Kafka consumer close", metadata: ["kafka.error": "\(KafkaError(result))"])
                }
                continuation.resume()
            }
        }
        logger.info("Kafka consumer closed")
    }
}

/// Tracks the assignment and commits before partitions are taken away, so the next owner
/// starts after what this member finished.
final class Assignment: RebalanceHandling {
    private let partitions = Mutex<Set<KafkaTopicPartition>>([])
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    var current: Set<KafkaTopicPartition> { partitions.withLock { $0 } }

    func rebalance(_ client: OpaquePointer, error: rd_kafka_resp_err_t, partitions list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) {
        var changed: [KafkaTopicPartition] = []
        if let list {
            for index in 0..<Int(list.pointee.cnt) {
                let entry = list.pointee.elems[index]
                changed.append(KafkaTopicPartition(topic: String(cString: entry.topic), partition: entry.partition))
            }
        }
        let cooperative = String(cString: rd_kafka_rebalance_protocol(client)) == "COOPERATIVE"
        switch error {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            if cooperative {
                if let error = rd_kafka_incremental_assign(client, list) { logger.error("assign failed", metadata: ["kafka.error": "\(KafkaError(consuming: error))"]) }
            } else {
                rd_kafka_assign(client, list)
            }
            partitions.withLock { $0.formUnion(changed) }
            logger.info("partitions assigned", metadata: ["kafka.partitions": "\(changed.map(\.description).sorted())"])
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            // Commit what was finished before losing the partitions.
            let result = rd_kafka_commit(client, nil, 0)
            if result != RD_KAFKA_RESP_ERR_NO_ERROR && result != RD_KAFKA_RESP_ERR__NO_OFFSET {
                logger.warning("commit on revoke failed", metadata: ["kafka.error": "\(KafkaError(result))"])
            }
            if cooperative {
                if let error = rd_kafka_incremental_unassign(client, list) { logger.error("unassign failed", metadata: ["kafka.error": "\(KafkaError(consuming: error))"]) }
            } else {
                rd_kafka_assign(client, nil)
            }
            partitions.withLock { $0.subtract(changed) }
            logger.info("partitions revoked", metadata: ["kafka.partitions": "\(changed.map(\.description).sorted())"])
        default:
            logger.error("rebalance error", metadata: ["kafka.error": "\(KafkaError(error))"])
            rd_kafka_assign(client, nil)
            partitions.withLock { $0.removeAll() }
        }
    }
}
