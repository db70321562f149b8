import Logging
import RecoCore
import Synchronization

/// Produces messages through librdkafka. Idempotent by default (`enable.idempotence=true`:
/// retries never duplicate or reorder within a partition). Every message gets a delivery
/// report through `onDelivery`, called on the producer's poll thread.
public final class KafkaProducer: Sendable {
    private let handle: RdKafkaHandle
    private let nextId = Atomic<UInt64>(1)
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
        let context = RdKafkaClientContext(logger: logger) { report in
            counters.value.withLock { report.error == nil ? ($0.delivered += 1) : ($0.failed += 1) }
            onDelivery(report)
        }
        handle = try RdKafkaHandle(type: .producer, configuration: settings, context: context, label: "kafka-producer")
        self.counters = counters
        self.logger = logger
        handle.startPollThread(name: "kafka-producer-poll")
        logger.debug("Kafka producer created", metadata: ["kafka.config": "\(settings)"])
    }

    public var statistics: Statistics { counters.value.withLock { $0 } }

    /// Messages produced but not yet acknowledged or failed.
    public var outstanding: Int { handle.outstandingMessages }

    /// Set once librdkafka reports a fatal error (e.g. the idempotent producer lost its
    /// guarantees); the producer cannot be used after that.
    public var fatalError: KafkaError? { handle.context.fatalError }

    /// Queues a message and returns its id (as in its delivery report). When librdkafka's queue
    /// is full this waits for room (up to a minute) instead of failing.
    @discardableResult
    public func send(_ message: KafkaOutgoingMessage) async throws(KafkaError) -> UInt64 {
        if let fatal = fatalError { throw fatal }
        let id = nextId.wrappingAdd(1, ordering: .relaxed).oldValue
        var waited = 0
        while let error = handle.produce(message, id: id) {
            guard error.code == KafkaError.Code.queueFull, waited < 60_000 else { throw error }
            try? await Task.sleep(for: .milliseconds(1))
            waited += 1
        }
        counters.value.withLock { $0.sent += 1 }
        return id
    }

    /// Waits up to `timeout` for any bootstrap server to answer; the error names the servers.
    /// librdkafka itself retries an unreachable cluster forever, silently.
    public func waitForCluster(servers: String, timeout: Duration) async throws(KafkaError) {
        try await handle.waitForCluster(servers: servers, timeout: timeout)
    }

    /// Fetches `topic`'s partitions and leaders now. librdkafka otherwise learns about a topic
    /// first used by `send` on its once-a-second topic scan, so the first events would wait up to
    /// a second. Returns the partition count.
    @discardableResult
    public func prepare(topic: String, timeout: Duration) async throws(KafkaError) -> Int {
        try await handle.partitionCount(of: topic, timeout: timeout)
    }

    /// Waits up to `timeout` for every queued message to be delivered or fail; returns how many
    /// are still outstanding. Callers decide what an undelivered message means for them.
    public func flush(timeout: Duration) async -> Int {
        await handle.flush(timeout: timeout)
    }

    /// Waits until Kafka acknowledged everything sent so far; throws when a message is still
    /// outstanding after `timeout` or failed meanwhile (dead letters: their source offsets may be
    /// stored only after this returns).
    public func flushAcknowledged(timeout: Duration) async throws(KafkaError) {
        let failedBefore = statistics.failed
        let remaining = await flush(timeout: timeout)
        let failed = statistics.failed - failedBefore
        guard remaining == 0, failed == 0 else {
            throw KafkaError(code: remaining > 0 ? KafkaError.Code.timedOut : KafkaError.Code.messageTimedOut,
                             message: "\(remaining) messages not acknowledged, \(failed) failed", isRetriable: true)
        }
    }
}
