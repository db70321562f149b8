import CRdKafka
import Foundation
import Logging
import Synchronization

/// Produces messages through librdkafka. Idempotent by default (`enable.idempotence=true`:
/// retries never duplicate or reorder within a partition). Every message gets a delivery
/// report through `onDelivery`, called on the producer's poll thread.
public final class KafkaProducer: Sendable {
    private let handle: RdKafkaHandle
    private let nextID = Atomic<UInt64>(1)
    private let counters: Counters
    private let logger: Logger

    public struct Statistics: Sendable, Equatable {
        public var sent = 0
        public var delivered = 0
        public var failed = 0
    }

    private final class Counters: Sendable {
        let value = Mutex(Statistics())
    }

    public init(configuration: KafkaConfiguration, logger: Logger,
                onDelivery: @escaping @Sendable (KafkaDeliveryReport) -> Void = { _ in }) throws(KafkaError) {
        let counters = Counters()
        let settings = configuration
            .withDefault("enable.idempotence", "true")
            .withDefault("linger.ms", "5")
            .withDefault("message.timeout.ms", "60000")
        let context = ClientContext(logger: logger) { report in
            counters.value.withLock { report.error == nil ? ($0.delivered += 1) : ($0.failed += 1) }
            onDelivery(report)
        }
        handle = try RdKafkaHandle(type: RD_KAFKA_PRODUCER, configuration: settings, context: context)
        self.counters = counters
        self.logger = logger
        handle.startPollThread(name: "kafka-producer-poll")
        logger.debug("Kafka producer created", metadata: ["kafka.config": "\(settings)"])
    }

    public var statistics: Statistics { counters.value.withLock { $0 } }

    /// Messages produced but not yet acknowledged or failed.
    public var outstanding: Int { Int(rd_kafka_outq_len(handle.pointer)) }

    /// Set once librdkafka reports a fatal error (e.g. the idempotent producer lost its
    /// guarantees); the producer cannot be used after that.
    public var fatalError: KafkaError? { handle.context.fatalError }

    /// Queues a message and returns its id (as in its delivery report). When librdkafka's queue
    /// is full this waits for room instead of failing.
    @discardableResult
    public func send(_ message: KafkaOutgoingMessage) async throws(KafkaError) -> UInt64 {
        if let fatal = fatalError { throw fatal }
        let id = nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        var waited = 0
        while true {
            let error = produce(message, id: id)
            guard let error else { break }
            guard error.code == RD_KAFKA_RESP_ERR__QUEUE_FULL.rawValue, waited < 60_000 else { throw error }
            try? await Task.sleep(for: .milliseconds(1))
            waited += 1
        }
        counters.value.withLock { $0.sent += 1 }
        return id
    }

    private func produce(_ message: KafkaOutgoingMessage, id: UInt64) -> KafkaError? {
        let names = message.headers.map { strdup($0.name) }
        defer { names.forEach { free($0) } }
        let key = message.key ?? []
        let hasKey = message.key != nil
        let headerValues = message.headers.map(\.value)
        return message.topic.withCString { topic in
            message.value.withUnsafeBytes { value in
                key.withUnsafeBytes { keyBytes in
                    var fields: [rd_kafka_vu_t] = []
                    var field = rd_kafka_vu_t()
                    field.vtype = RD_KAFKA_VTYPE_TOPIC
                    field.u.cstr = topic
                    fields.append(field)
                    field = rd_kafka_vu_t()
                    field.vtype = RD_KAFKA_VTYPE_VALUE
                    field.u.mem.ptr = UnsafeMutableRawPointer(mutating: value.baseAddress)
                    field.u.mem.size = value.count
                    fields.append(field)
                    if hasKey {
                        field = rd_kafka_vu_t()
                        field.vtype = RD_KAFKA_VTYPE_KEY
                        field.u.mem.ptr = UnsafeMutableRawPointer(mutating: keyBytes.baseAddress)
                        field.u.mem.size = keyBytes.count
                        fields.append(field)
                    }
                    field = rd_kafka_vu_t()
                    field.vtype = RD_KAFKA_VTYPE_MSGFLAGS
                    field.u.i = RD_KAFKA_MSG_F_COPY
                    fields.append(field)
                    field = rd_kafka_vu_t()
                    field.vtype = RD_KAFKA_VTYPE_OPAQUE
                    field.u.ptr = UnsafeMutableRawPointer(bitPattern: UInt(id))
                    fields.append(field)
                    // Header values must stay valid during the call: copy them into one buffer.
                    let total = headerValues.reduce(0) { $0 + $1.count }
                    let storage = UnsafeMutableRawPointer.allocate(byteCount: max(total, 1), alignment: 1)
                    defer { storage.deallocate() }
                    var offset = 0
                    for (index, bytes) in headerValues.enumerated() {
                        bytes.withUnsafeBytes { (storage + offset).copyMemory(from: $0.baseAddress ?? UnsafeRawPointer(storage), byteCount: $0.count) }
                        field = rd_kafka_vu_t()
                        field.vtype = RD_KAFKA_VTYPE_HEADER
                        field.u.header.name = UnsafePointer(names[index])
                        field.u.header.val = UnsafeRawPointer(storage + offset)
                        field.u.header.size = bytes.count
                        fields.append(field)
                        offset += bytes.count
                    }
                    guard let error = rd_kafka_produceva(handle.pointer, &fields, fields.count) else { return nil }
                    return KafkaError(consuming: error)
                }
            }
        }
    }

    /// Fetches `topic`'s partitions and leaders now. librdkafka otherwise learns about a topic
    /// first used by `send` on its once-a-second topic scan, so the first events would wait up to
    /// a second. Returns the partition count.
    @discardableResult
    public func prepare(topic: String, timeout: Duration) async throws(KafkaError) -> Int {
        let handle = self.handle
        let milliseconds = Int32(clamping: timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        let result: Result<Int, KafkaError> = await RdKafkaHandle.blocking {
            guard let topicHandle = rd_kafka_topic_new(handle.pointer, topic, nil) else {
                return .failure(KafkaError(rd_kafka_last_error(), context: "open topic \(topic)"))
            }
            defer { rd_kafka_topic_destroy(topicHandle) }
            var metadata: UnsafePointer<rd_kafka_metadata>?
            let error = rd_kafka_metadata(handle.pointer, 0, topicHandle, &metadata, milliseconds)
            guard error == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else { return .failure(KafkaError(error, context: "read metadata of \(topic)")) }
            defer { rd_kafka_metadata_destroy(metadata) }
            guard metadata.pointee.topic_cnt == 1 else { return .failure(KafkaError(RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC, context: "read metadata of \(topic)")) }
            let entry = metadata.pointee.topics[0]
            guard entry.err == RD_KAFKA_RESP_ERR_NO_ERROR else { return .failure(KafkaError(entry.err, context: "read metadata of \(topic)")) }
            return .success(Int(entry.partition_cnt))
        }
        return try result.get()
    }

    /// Waits up to `timeout` for every queued message to be delivered or fail; returns how many
    /// are still outstanding.
    @discardableResult
    /// Waits until Kafka acknowledged everything sent so far; throws when a message is still
    /// outstanding after `timeout` or failed meanwhile (dead letters: their source offsets may be
    /// stored only after this returns).
    public func flushAcknowledged(timeout: Duration) async throws(KafkaError) {
        let failedBefore = statistics.failed
        let remaining = await flush(timeout: timeout)
        guard remaining == 0, statistics.failed == failedBefore else {
            throw KafkaError(code: -185, message: "\(remaining) messages not acknowledged, \(statistics.failed - failedBefore) failed")
        }
    }

    public func flush(timeout: Duration) async -> Int {
        let handle = self.handle
        let milliseconds = Int32(clamping: timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        return await RdKafkaHandle.blocking {
            _ = rd_kafka_flush(handle.pointer, milliseconds)
            return Int(rd_kafka_outq_len(handle.pointer))
        }
    }
}
