import CRdKafka
import Logging
import Synchronization

/// State that librdkafka's C callbacks reach through the client's `opaque` pointer.
/// Callbacks run on librdkafka's threads and on our poll thread, so everything here is
/// either immutable or behind a lock.
package final class RdKafkaClientContext: Sendable {
    let logger: Logger
    let onDelivery: @Sendable (KafkaDeliveryReport) -> Void
    private let fatal = Mutex<KafkaError?>(nil)
    private let brokersDown = Mutex<ContinuousClock.Instant?>(nil)
    /// A consumer's partitions, kept by its rebalance callback (nil: not a group member).
    let assignment: Assignment?

    /// A context that only logs (a client with no deliveries to report and no group).
    package convenience init(logger: Logger) {
        self.init(logger: logger, onDelivery: { _ in })
    }

    init(logger: Logger, onDelivery: @escaping @Sendable (KafkaDeliveryReport) -> Void, assignment: Assignment? = nil) {
        self.logger = logger
        self.onDelivery = onDelivery
        self.assignment = assignment
    }

    var fatalError: KafkaError? { fatal.withLock { $0 } }

    func recordFatal(_ error: KafkaError) {
        fatal.withLock { if $0 == nil { $0 = error } }
    }

    /// Since when librdkafka has reported every broker down (nil: not since the last recovery).
    var allBrokersDownSince: ContinuousClock.Instant? { brokersDown.withLock { $0 } }

    func recordAllBrokersDown() {
        brokersDown.withLock { if $0 == nil { $0 = .now } }
    }

    func recordBrokersReachable() {
        brokersDown.withLock { $0 = nil }
    }

    /// Installs the callbacks on `conf` with this context as their opaque; the caller keeps
    /// the context retained until the client is destroyed. Delivery reports are for producers
    /// only (a consumer warns that it ignores them).
    func install(on conf: OpaquePointer, unmanaged: Unmanaged<RdKafkaClientContext>, deliveryReports: Bool) {
        rd_kafka_conf_set_opaque(conf, unmanaged.toOpaque())
        rd_kafka_conf_set_log_cb(conf, kafkaLogCallback)
        rd_kafka_conf_set_error_cb(conf, kafkaErrorCallback)
        if deliveryReports { rd_kafka_conf_set_dr_msg_cb(conf, kafkaDeliveryCallback) }
        if assignment != nil { rd_kafka_conf_set_rebalance_cb(conf, kafkaRebalanceCallback) }
    }

    static func from(_ opaque: UnsafeMutableRawPointer?) -> RdKafkaClientContext? {
        opaque.map { Unmanaged<RdKafkaClientContext>.fromOpaque($0).takeUnretainedValue() }
    }
}

// C callbacks: plain functions (a closure stored in a global would be actor-isolated).

private func kafkaLogCallback(_ client: OpaquePointer?, _ level: Int32, _ facility: UnsafePointer<CChar>?, _ text: UnsafePointer<CChar>?) {
    guard let client, let context = RdKafkaClientContext.from(rd_kafka_opaque(client)) else { return }
    let message = text.map { String(cString: $0) } ?? ""
    let facilityName = facility.map { String(cString: $0) } ?? ""
    // syslog levels: 0-3 error, 4 warning, 5-6 info/notice, 7 debug.
    let swiftLevel: Logger.Level = level <= 3 ? .error : level == 4 ? .warning : level <= 6 ? .info : .debug
    context.logger.log(level: swiftLevel, "librdkafka: \(message)", metadata: ["kafka.facility": "\(facilityName)"])
}

private func kafkaErrorCallback(_ client: OpaquePointer?, _ code: Int32, _ reason: UnsafePointer<CChar>?, _ opaque: UnsafeMutableRawPointer?) {
    guard let context = RdKafkaClientContext.from(opaque) else { return }
    let text = reason.map { String(cString: $0) } ?? ""
    if code == RD_KAFKA_RESP_ERR__FATAL.rawValue, let client {
        var buffer = [CChar](repeating: 0, count: 512)
        let underlying = rd_kafka_fatal_error(client, &buffer, buffer.count)
        let error = KafkaError(code: underlying.rawValue, message: RdKafkaCString.string(buffer), isFatal: true)
        context.recordFatal(error)
        context.logger.critical("Kafka client hit a fatal error", metadata: ["kafka.error": "\(error)"])
        return
    }
    if code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN.rawValue { context.recordAllBrokersDown() }
    // Most errors reported here are transient (brokers down, connection refused): librdkafka retries.
    context.logger.warning("Kafka client error", metadata: [
        "kafka.error": "\(KafkaError.name(of: code)): \(text)"])
}

private func kafkaDeliveryCallback(_ client: OpaquePointer?, _ message: UnsafePointer<rd_kafka_message_t>?, _ opaque: UnsafeMutableRawPointer?) {
    guard let context = RdKafkaClientContext.from(opaque), let message else { return }
    let record = message.pointee
    let topic = record.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
    let id = UInt64(UInt(bitPattern: record._private))
    let error = record.err == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : KafkaError(record.err, context: "delivery to \(topic)")
    context.onDelivery(KafkaDeliveryReport(messageId: id, topic: topic, partition: record.partition, offset: record.offset, error: error))
}

private func kafkaRebalanceCallback(_ client: OpaquePointer?, _ error: rd_kafka_resp_err_t,
                                    _ partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, _ opaque: UnsafeMutableRawPointer?) {
    guard let client, let context = RdKafkaClientContext.from(opaque), let assignment = context.assignment else { return }
    RdKafkaRebalance.handle(client, error: error, partitions: partitions, assignment: assignment, logger: context.logger)
}
