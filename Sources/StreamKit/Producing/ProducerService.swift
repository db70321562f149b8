import Logging
import RecoCore
import RecoKafka
import ServiceLifecycle
import Synchronization

/// Moves events from a source to Kafka until the source ends, the count is reached or the
/// service group shuts down; then flushes and records what was delivered.
public final class ProducerService: Service, Sendable {
    public struct Outcome: Sendable {
        public var produced: Int
        public var delivered: Int
        public var failed: Int
        public var undelivered: Int
        public var seconds: Double
        /// Time spent paused for a consumer group that was too far behind (`ConsumerLagGuard`).
        public var pausedSeconds: Double = 0

        public var summary: String {
            let rate = seconds > 0 ? Double(delivered) / seconds : 0
            let paused = pausedSeconds > 0 ? ", paused \(Decimals.format(pausedSeconds, places: 1)) s for the consumers" : ""
            return "produced \(produced), delivered \(delivered), failed \(failed), undelivered \(undelivered) in \(Decimals.format(seconds, places: 2)) s (\(Decimals.format(rate, places: 0)) events/s)\(paused)"
        }

        /// Every event reached Kafka.
        public var succeeded: Bool { failed == 0 && undelivered == 0 }
    }

    public let topic: String
    public let kafka: KafkaConfiguration
    public let source: any EventSource
    public let limit: Int?
    /// Partitions of the topic when it has to be created; nil leaves topics alone.
    public let createPartitions: Int?
    public let statsInterval: Duration
    public let flushTimeout: Duration
    public let connectTimeout: Duration
    public let metrics: ProducerMetrics?
    public let logger: Logger
    /// Pauses sending while a consumer group is too far behind; nil: never.
    public let lagGuard: ConsumerLagGuard?
    /// A consumer group whose lag is only reported (stats line, `reco_producer_consumer_lag`),
    /// never waited for: the HTTP feed is polled on its own clock.
    public let lagReport: ConsumerLagGuard?
    /// Events sent between two looks at the consumers' lag.
    public static let lagCheckEvery = 1_000
    private let result = Mutex<Outcome?>(nil)
    private let paused = Mutex<Duration>(.zero)
    /// The first delivery that failed for good, which stops the run.
    private let firstFailure = Mutex<(topic: String, error: KafkaError)?>(nil)

    public init(topic: String, kafka: KafkaConfiguration, source: any EventSource, limit: Int?, createPartitions: Int? = nil, statsInterval: Duration,
         flushTimeout: Duration = .seconds(30), connectTimeout: Duration = .seconds(30), metrics: ProducerMetrics? = nil, lagGuard: ConsumerLagGuard? = nil,
         lagReport: ConsumerLagGuard? = nil, logger: Logger) {
        self.topic = topic
        self.kafka = kafka
        self.source = source
        self.limit = limit
        self.createPartitions = createPartitions
        self.statsInterval = statsInterval
        self.flushTimeout = flushTimeout
        self.connectTimeout = connectTimeout
        self.metrics = metrics
        self.logger = logger
        self.lagGuard = lagGuard
        self.lagReport = lagReport
    }

    /// What the run delivered, once it ended.
    public var outcome: Outcome? { result.withLock { $0 } }

    public func run() async throws {
        let logger = self.logger
        let metrics = self.metrics
        // The producer lives in this call; its callback may hold `self` without a cycle.
        let producer = try KafkaProducer(configuration: kafka, logger: logger) { [self] report in
            metrics?.delivery(succeeded: report.error == nil)
            if let error = report.error {
                logger.error("delivery failed", metadata: ["kafka.topic": "\(report.topic)", "kafka.error": "\(error)"])
                self.firstFailure.withLock { $0 = $0 ?? (report.topic, error) }
            }
        }
        // librdkafka would queue events for an unreachable cluster until message.timeout.ms.
        try await producer.waitForCluster(servers: kafka.bootstrapServers, timeout: connectTimeout)
        if let createPartitions {
            do {
                try await KafkaAdmin.createTopics([(topic, createPartitions)], configuration: kafka, logger: logger)
            } catch {
                // Some clusters (and the mock) refuse the admin request; producing creates the topic where allowed.
                logger.notice("could not create the topic; producing anyway", metadata: ["kafka.topic": "\(topic)", "kafka.error": "\(error)"])
            }
        }
        // Know the topic's leaders before the first event, so early events do not wait on
        // librdkafka's topic scan; a cluster that cannot be reached is only logged here, since
        // send() keeps retrying until message.timeout.ms.
        do {
            let partitions = try await producer.prepare(topic: topic, timeout: .seconds(10))
            logger.info("topic ready", metadata: ["kafka.topic": "\(topic)", "kafka.partitions": "\(partitions)"])
        } catch {
            logger.warning("topic metadata not available yet", metadata: ["kafka.topic": "\(topic)", "kafka.error": "\(error)"])
        }
        let started = ContinuousClock.now
        var produced = 0
        do {
            try await produce(with: producer, counting: &produced)
        } catch {
            // Whatever was sent still gets its chance to be delivered and counted.
            let pausedSeconds = paused.withLock { $0 }.seconds
            result.withLock { $0 = Outcome(produced: produced, delivered: producer.statistics.delivered, failed: producer.statistics.failed,
                                           undelivered: producer.outstanding, seconds: (ContinuousClock.now - started).seconds, pausedSeconds: pausedSeconds) }
            _ = await producer.flush(timeout: flushTimeout)
            await source.shutdown()
            await lagGuard?.close()
            await lagReport?.close()
            throw error
        }
        let undelivered = await producer.flush(timeout: flushTimeout)
        await source.shutdown()
        await lagGuard?.close()
        await lagReport?.close()
        let statistics = producer.statistics
        if undelivered > 0 {
            logger.error("messages not delivered before the flush timeout", metadata: ["producer.undelivered": "\(undelivered)"])
        }
        let pausedSeconds = paused.withLock { $0 }.seconds
        result.withLock { $0 = Outcome(produced: produced, delivered: statistics.delivered, failed: statistics.failed, undelivered: undelivered,
                                       seconds: (ContinuousClock.now - started).seconds, pausedSeconds: pausedSeconds) }
    }

    /// Sends until the source ends, the limit is reached or a shutdown starts, counting what was sent.
    private func produce(with producer: KafkaProducer, counting produced: inout Int) async throws {
        var lastStats = ContinuousClock.now
        var lastDelivered = 0
        var lastLagCheck = 0
        loop: while !Task.isShuttingDownGracefully {
            if let limit, produced >= limit { break }
            if let lagGuard, produced - lastLagCheck >= Self.lagCheckEvery {
                lastLagCheck = produced
                // The lag is measured against the log end: the events still queued here are not in
                // it yet, and under load the check would see too little lag and let the producer on.
                _ = await producer.flush(timeout: flushTimeout)
                let waited = try await lagGuard.waitWhileBehind(logger: logger) { Task.isShuttingDownGracefully }
                paused.withLock { $0 += waited }
            }
            let batch: [WatchEvent]?
            do {
                // A source may wait (the feed's interval, the simulator's rate): a shutdown cuts the wait short.
                batch = try await cancelWhenGracefulShutdown { try await self.source.nextBatch() }
            } catch where Task.isShuttingDownGracefully {
                break
            }
            guard let batch else { break }
            for event in batch {
                if let limit, produced >= limit { break loop }
                if Task.isShuttingDownGracefully { break loop }
                do {
                    try await producer.send(KafkaOutgoingMessage(topic: topic, key: event.keyBytes, value: event.jsonBytes()))
                } catch {
                    // librdkafka refuses to queue for a topic the cluster refused (authorisation),
                    // or after a fatal error: the same end as a failed delivery.
                    let statistics = producer.statistics
                    throw DeliveryFailedError(topic: topic, error: error, delivered: statistics.delivered, failed: statistics.failed)
                }
                produced += 1
                metrics?.produced()
                if let failure = firstFailure.withLock({ $0 }) {
                    let statistics = producer.statistics
                    throw DeliveryFailedError(topic: failure.topic, error: failure.error, delivered: statistics.delivered, failed: statistics.failed)
                }
            }
            let now = ContinuousClock.now
            if now - lastStats >= statsInterval {
                let statistics = producer.statistics
                metrics?.outstanding(producer.outstanding)
                let rate = Double(statistics.delivered - lastDelivered) / (now - lastStats).seconds
                var metadata: Logger.Metadata = ["producer.produced": "\(produced)", "producer.delivered": "\(statistics.delivered)",
                                                 "producer.failed": "\(statistics.failed)", "producer.rate_per_s": "\(Int(rate))"]
                if let lagReport, let lag = await lagReport.largestLag(timeout: .seconds(2)) {
                    metadata["producer.consumer_lag"] = "\(lag)"
                    metadata["producer.lag_group"] = "\(lagReport.group)"
                    metrics?.consumerLag(lag)
                }
                logger.info("stats", metadata: metadata)
                lastStats = now
                lastDelivered = statistics.delivered
            }
        }
    }
}
