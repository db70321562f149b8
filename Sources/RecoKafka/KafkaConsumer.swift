import Logging
import RecoCore
import Synchronization

/// A consumer-group member with manual offset storing: the application stores a message's
/// offset only once it has finished with it; librdkafka commits stored offsets periodically,
/// and synchronously when partitions are revoked and on close. Delivery is therefore
/// at-least-once. Polling blocks, so it runs on the client's own queue, never on the cooperative pool.
public final class KafkaConsumer: Sendable {
    private let handle: RdKafkaHandle
    private let logger: Logger
    private let assignment: Assignment
    private let closed = Atomic<Bool>(false)
    /// Where `seek` last moved each partition: its position until a message is consumed there
    /// (librdkafka reports none until then).
    private let sought = Mutex<[KafkaTopicPartition: Int64]>([:])

    public init(configuration: KafkaConfiguration, groupId: String, topics: [String], logger: Logger) throws(KafkaError) {
        var settings = configuration
            .withDefault("enable.auto.offset.store", "false")
            .withDefault("enable.auto.commit", "true")
            .withDefault("auto.commit.interval.ms", "1000")
            .withDefault("auto.offset.reset", "earliest")
            // A fetch returns after at most 50 ms without data (librdkafka waits 500 ms): low latency at low rates.
            .withDefault("fetch.wait.max.ms", "50")
        settings.set("group.id", groupId)
        let assignment = Assignment()
        let context = RdKafkaClientContext(logger: logger, onDelivery: { _ in }, assignment: assignment)
        handle = try RdKafkaHandle(type: .consumer, configuration: settings, context: context, label: "kafka-consumer")
        self.logger = logger
        self.assignment = assignment
        // No topics: a client that only inspects logs (`reco audit`) and never joins the group.
        if !topics.isEmpty { try handle.subscribe(topics) }
        logger.info("Kafka consumer subscribed", metadata: ["kafka.group": "\(groupId)", "kafka.topics": "\(topics)",
                                                          "kafka.bootstrap": "\(settings.bootstrapServers)"])
    }

    /// Partitions currently assigned to this member.
    public var assignedPartitions: Set<KafkaTopicPartition> { assignment.current }

    public var fatalError: KafkaError? { handle.context.fatalError }

    /// Which incarnation of the log `messages` come from: the cluster's id and the end of each
    /// of their partitions as last fetched (for telling a restarted log from a replay).
    public func logIdentity(of messages: [KafkaConsumedMessage]) -> (clusterId: String, highWatermarks: [KafkaTopicPartition: Int64]) {
        let partitions = Set(messages.map { KafkaTopicPartition(topic: $0.topic, partition: $0.partition) })
        return (handle.clusterId ?? "", handle.highWatermarks(partitions))
    }

    /// The cluster's id from the metadata librdkafka holds (nil before any metadata arrived).
    public var clusterId: String? { handle.clusterId }

    /// Since when every broker has been unreachable, once librdkafka said so and no request
    /// answered since (see `recheckCluster`).
    public var allBrokersDownSince: ContinuousClock.Instant? { handle.context.allBrokersDownSince }

    /// After every broker was reported down: asks for the cluster's brokers once (up to
    /// `timeout`); an answer means the cluster is back. Returns whether it answered.
    public func recheckCluster(timeout: Duration) async -> Bool {
        guard (try? await handle.brokerCount(timeout: timeout)) != nil else { return false }
        handle.context.recordBrokersReachable()
        return true
    }

    /// Waits up to `timeout` for any bootstrap server to answer; the error names the servers.
    /// librdkafka itself retries an unreachable cluster forever, silently.
    public func waitForCluster(servers: String, timeout: Duration) async throws(KafkaError) {
        try await handle.waitForCluster(servers: servers, timeout: timeout)
    }


    /// Up to `maximum` messages, waiting at most `timeout` for the first one. Errors that are
    /// only informational (end of partition) are skipped; others are thrown.
    public func poll(maximum: Int, timeout: Duration) async throws(KafkaError) -> [KafkaConsumedMessage] {
        if let fatal = fatalError { throw fatal }
        return try await handle.poll(maximum: maximum, timeout: timeout)
    }

    /// Marks messages as done: their offsets (+1, the next to read) will be committed.
    public func store(_ messages: [KafkaConsumedMessage]) throws(KafkaError) {
        try store(offsets: KafkaTopicPartition.nextOffsets(after: messages))
    }

    /// Marks partitions done below these offsets (the next offset to read for each).
    public func store(offsets next: [KafkaTopicPartition: Int64]) throws(KafkaError) {
        guard !next.isEmpty else { return }
        try handle.storeOffsets(next)
    }

    /// Commits stored offsets now and waits for the broker.
    public func commit() async throws(KafkaError) {
        try await handle.commitStored()
    }

    /// Stops fetching from these partitions (back-pressure) until `resume`.
    public func pause(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        guard !partitions.isEmpty else { return }
        try handle.pause(partitions)
    }

    public func resume(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        guard !partitions.isEmpty else { return }
        try handle.resume(partitions)
    }

    /// Messages behind the end of each assigned partition (high watermark − position).
    public func lag() -> [KafkaTopicPartition: Int64] {
        handle.lag(assignment.current, positionsBeforeConsuming: sought.withLock { $0 })
    }

    /// Each partition's first and next offset, asked of the brokers now (not the values cached
    /// from fetches, which are unknown before the first one). Partitions that did not answer
    /// within `timeout` are absent.
    public func logRanges(of partitions: Set<KafkaTopicPartition>, timeout: Duration) async -> [KafkaTopicPartition: ClosedRange<Int64>] {
        await handle.queryLogRanges(partitions, timeout: timeout)
    }

    /// The partitions of `topic`, from the cluster's metadata.
    public func partitions(of topic: String, timeout: Duration) async throws(KafkaError) -> [Int32] {
        try await handle.partitions(of: topic, timeout: timeout)
    }

    /// The group's committed offset (the next to read) of each partition; absent where the group
    /// has none or the coordinator did not answer within `timeout`.
    public func committed(_ partitions: Set<KafkaTopicPartition>, timeout: Duration) async -> [KafkaTopicPartition: Int64] {
        await handle.committedOffsets(partitions, timeout: timeout)
    }

    /// For each partition, the first offset of a message at or after `milliseconds` since the
    /// epoch; absent where the broker has none or cannot say (then read from where you are).
    public func offsets(atOrAfter milliseconds: Int64, in partitions: Set<KafkaTopicPartition>, timeout: Duration) async -> [KafkaTopicPartition: Int64] {
        await handle.offsets(atOrAfter: milliseconds, partitions, timeout: timeout)
    }

    /// Moves the fetch position of assigned partitions.
    public func seek(_ offsets: [KafkaTopicPartition: Int64], timeout: Duration) async throws(KafkaError) {
        if let error = await handle.seek(offsets, timeout: timeout) { throw error }
        sought.withLock { $0.merge(offsets) { $1 } }
    }

    /// Commits stored offsets, leaves the group and releases the client. Idempotent.
    public func close() async {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        if let error = await handle.closeConsumer() {
            logger.warning("Kafka consumer close", metadata: ["kafka.error": "\(error)"])
        }
        logger.info("Kafka consumer closed")
    }
}
