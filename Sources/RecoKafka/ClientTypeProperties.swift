/// Which librdkafka properties apply to one client type only (CONFIGURATION.md's `C` and `P`
/// columns). One properties file serves producers and consumers alike; each client gets only
/// what applies to it, so librdkafka does not warn on every start that, say, a producer
/// ignores `auto.offset.reset`. Keys not listed go to every client, so a key this table misses
/// costs a warning, never a setting.
enum ClientTypeProperties {
    static let consumerOnly: Set<String> = [
        "group.id", "group.instance.id", "partition.assignment.strategy", "session.timeout.ms", "heartbeat.interval.ms",
        "group.protocol.type", "group.protocol", "group.remote.assignor", "coordinator.query.interval.ms", "max.poll.interval.ms",
        "enable.auto.commit", "auto.commit.enable", "auto.commit.interval.ms", "enable.auto.offset.store", "queued.min.messages",
        "queued.max.messages.kbytes", "fetch.wait.max.ms", "fetch.queue.backoff.ms", "fetch.message.max.bytes", "max.partition.fetch.bytes",
        "fetch.max.bytes", "fetch.min.bytes", "fetch.error.backoff.ms", "offset.store.method", "isolation.level", "enable.partition.eof",
        "check.crcs", "auto.offset.reset", "consume.callback.max.messages",
    ]

    static let producerOnly: Set<String> = [
        "transactional.id", "transaction.timeout.ms", "enable.idempotence", "enable.gapless.guarantee", "queue.buffering.max.messages",
        "queue.buffering.max.kbytes", "queue.buffering.max.ms", "linger.ms", "message.send.max.retries", "retries",
        "queue.buffering.backpressure.threshold", "compression.codec", "compression.type", "compression.level", "batch.num.messages",
        "batch.size", "delivery.report.only.error", "sticky.partitioning.linger.ms", "request.required.acks", "acks",
        "request.timeout.ms", "message.timeout.ms", "delivery.timeout.ms", "queuing.strategy", "partitioner",
    ]

    /// Whether `key` applies to a client of `kind`.
    static func applies(_ key: String, to kind: RdKafkaHandle.Kind) -> Bool {
        switch kind {
        case .producer: !consumerOnly.contains(key)
        case .consumer: !producerOnly.contains(key)
        }
    }
}
