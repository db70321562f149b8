import Logging
import RecoCore
import RecoKafka
import ServiceLifecycle
import Synchronization

/// The one consumer-group loop of the stream services: poll a batch, let the handler prepare
/// it, send its dead letters, let the handler write it, wait until Kafka acknowledged the dead
/// letters, store the offsets. At-least-once: an offset is stored only after everything its
/// message became is durable.
///
/// It runs until a graceful shutdown (SIGINT/SIGTERM through `StreamServiceGroup`), an idle
/// exit or an error. Then, on every path: the batch being written finishes, unacknowledged dead
/// letters are reported (their offsets were never stored), stored offsets are committed, and the
/// consumer leaves its group.
public final class ConsumerGroupService<Handler: BatchHandler>: Service, Sendable {
    public struct Settings: Sendable {
        /// Prefix of log keys and metric names (`consumer`, `notifier`, `archiver`).
        public var name: String
        public var topic: String
        public var group: String
        public var deadLetterTopic: String
        public var autoOffsetReset = AutoOffsetReset.earliest
        public var batchSize = 500
        public var pollTimeout: Duration = .milliseconds(200)
        public var exitWhenIdle: Duration?
        public var statsInterval: Duration = .seconds(10)
        /// Prepare batch N+1 while batch N is written.
        public var pipelined = false
        /// Commit after each batch's offsets are stored (not only every auto-commit interval).
        public var commitEachBatch = false
        public var deadLetterTimeout: Duration = .seconds(30)
        /// How long the service waits at start for any bootstrap server to answer.
        public var connectTimeout: Duration = .seconds(30)
        /// `group.instance.id` (static membership); nil or empty: dynamic membership.
        public var instanceId: String?
        /// What to do after a gap in the topic was logged, counted and recorded.
        public var onGap = GapPolicy.fail

        public init(name: String, topic: String, group: String, deadLetterTopic: String) {
            self.name = name
            self.topic = topic
            self.group = group
            self.deadLetterTopic = deadLetterTopic
        }

        /// The shared options' values.
        public init<Defaults>(name: String, kafka: KafkaOptions, group: ConsumerGroupOptions<Defaults>, monitoring: MonitoringOptions,
                              deadLetterTopic: String) {
            self.init(name: name, topic: kafka.topic, group: group.group, deadLetterTopic: deadLetterTopic)
            autoOffsetReset = group.autoOffsetReset
            batchSize = group.batchSize
            exitWhenIdle = group.exitWhenIdle
            statsInterval = monitoring.statsInterval
            connectTimeout = kafka.connectTimeout
            instanceId = group.instanceId
            onGap = group.onGap
        }
    }

    public struct Totals: Sendable, Equatable {
        public var consumed = 0
        public var deadLetters = 0
        /// Offsets found missing from the topic (`StreamGap`).
        public var lost: Int64 = 0

        public init(consumed: Int = 0, deadLetters: Int = 0, lost: Int64 = 0) {
            self.consumed = consumed
            self.deadLetters = deadLetters
            self.lost = lost
        }
    }

    public let settings: Settings
    public let handler: Handler
    public let metrics: ConsumerGroupMetrics?
    private let consumer: KafkaConsumer
    private let deadLetterProducer: KafkaProducer
    private let logger: Logger
    private let servers: String
    private let counters = Mutex(Totals())
    private let lastStats = Mutex<(time: ContinuousClock.Instant, consumed: Int)>((.now, 0))

    public init(settings: Settings, kafka: KafkaConfiguration, handler: Handler, metrics: ConsumerGroupMetrics? = nil, logger: Logger) throws {
        let kafka = Self.clientConfiguration(kafka, settings: settings)
        self.settings = settings
        self.handler = handler
        self.metrics = metrics
        self.logger = logger
        servers = kafka.bootstrapServers
        consumer = try KafkaConsumer(configuration: kafka, groupId: settings.group, topics: [settings.topic], logger: logger)
        deadLetterProducer = try KafkaProducer(configuration: kafka, logger: logger)
    }

    public var totals: Totals { counters.withLock { $0 } }

    /// The user's client settings with the service's own: where a new group starts and, for
    /// static membership, the member's instance id.
    public static func clientConfiguration(_ kafka: KafkaConfiguration, settings: Settings) -> KafkaConfiguration {
        var kafka = kafka
        kafka.set("auto.offset.reset", settings.autoOffsetReset.rawValue)
        if let instanceId = settings.instanceId, !instanceId.isEmpty { kafka.set("group.instance.id", instanceId) }
        return kafka
    }

    public func run() async throws {
        var failure: (any Error)?
        do {
            // An unreachable cluster would otherwise look like an idle topic forever.
            try await consumer.waitForCluster(servers: servers, timeout: settings.connectTimeout)
            try await consume()
        } catch {
            failure = error
        }
        let unacknowledged = await deadLetterProducer.flush(timeout: .seconds(10))
        if unacknowledged > 0 {
            logger.error("dead letters not acknowledged by Kafka; their messages will be read again",
                         metadata: ["\(settings.name).unacknowledged": "\(unacknowledged)"])
        }
        do {
            try await consumer.commit()
        } catch {
            logger.warning("final offset commit failed; the last messages will be read again", metadata: ["kafka.error": "\(error)"])
        }
        await consumer.close()
        await handler.finish()
        logStatistics()
        if let failure { throw failure }
    }

    private func consume() async throws {
        let context = BatchContext(consumer: consumer, logger: logger)
        // The batch being written is a child task, so batch N+1 is prepared meanwhile (pipelined);
        // at most one write is in flight, and an error in it ends the loop.
        try await withThrowingTaskGroup(of: Void.self) { writes in
            var writing = false
            var assigned: Set<KafkaTopicPartition> = []
            var gaps = GapTracker()
            var lastMessage = ContinuousClock.now
            var lastStatistics = ContinuousClock.now
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                let batch = try await consumer.poll(maximum: settings.batchSize, timeout: settings.pollTimeout)
                let now = ContinuousClock.now
                let current = consumer.assignedPartitions
                if current != assigned {
                    let added = current.subtracting(assigned)
                    assigned = current
                    handler.assignmentChanged(to: current)
                    gaps.retain(current)
                    // Where the group left each new partition: a first message beyond it may be a gap.
                    gaps.assigned(committed: await consumer.committed(added, timeout: .seconds(10)))
                }
                // Idle time counts only once partitions are assigned (joining a group takes seconds).
                if current.isEmpty { lastMessage = now }
                if batch.isEmpty {
                    // The batch in flight first: what is held is written after it, in order.
                    if writing {
                        try await writes.next()
                        writing = false
                    }
                    try await storeHeld(draining: false, context: context)
                    try await checkClusterStillReachable()
                    if let idle = settings.exitWhenIdle, now - lastMessage >= idle {
                        logger.info("idle, exiting", metadata: ["\(settings.name).idle_s": "\(idle.seconds)"])
                        break
                    }
                } else {
                    lastMessage = now
                    try await checkForGaps(batch, tracker: &gaps, context: context)
                    let result = try await handler.prepare(batch, context: context)
                    try await send(result.deadLetters)
                    if writing { try await writes.next() }
                    if settings.pipelined {
                        writes.addTask { try await self.complete(batch, result, context: context) }
                        writing = true
                    } else {
                        try await complete(batch, result, context: context)
                        writing = false
                    }
                }
                if now - lastStatistics >= settings.statsInterval {
                    logStatistics()
                    lastStatistics = now
                }
            }
            // The batch in hand is finished before the consumer closes (an error in it is thrown here),
            // then what the handler holds is written (a stop or an idle exit leaves nothing behind).
            try await writes.waitForAll()
            try await storeHeld(draining: true, context: context)
        }
    }

    /// Finds the offsets the log lost before this batch (see `GapTracker`): each gap is logged at
    /// error level, counted (`reco_stream_lost_events_total`) and recorded by the handler; then,
    /// with `GapPolicy.fail`, the service stops before it reads past it (nothing of the batch is
    /// processed or stored, so a run with `continue` starts from the same place).
    private func checkForGaps(_ batch: [KafkaConsumedMessage], tracker: inout GapTracker, context: BatchContext) async throws {
        let suspects = tracker.suspects(in: batch)
        tracker.consumed(batch)
        guard !suspects.isEmpty else { return }
        let ranges = await consumer.logRanges(of: Set(suspects.map(\.partition)), timeout: .seconds(10))
        let gaps = GapTracker.gaps(in: suspects, logStarts: ranges.mapValues(\.lowerBound))
        guard !gaps.isEmpty else { return }
        for gap in gaps {
            logger.error("events lost: the topic no longer holds offsets this service had not read", metadata: [
                "kafka.topic": "\(gap.partition.topic)", "kafka.partition": "\(gap.partition.partition)",
                "\(settings.name).lost_first_offset": "\(gap.firstLost)", "\(settings.name).lost_last_offset": "\(gap.lastLost)",
                "\(settings.name).lost_events": "\(gap.events)", "\(settings.name).on_gap": "\(settings.onGap.rawValue)",
            ])
            metrics?.lost(gap)
        }
        counters.withLock { $0.lost += gaps.reduce(0) { $0 + $1.events } }
        try await handler.recordGaps(gaps, context: context)
        if settings.onGap == .fail { throw StreamGapError(service: settings.name, gaps: gaps) }
    }

    /// Lets the handler write what it holds and stores the offsets that became durable.
    private func storeHeld(draining: Bool, context: BatchContext) async throws {
        let offsets = try await handler.writeHeld(draining: draining, context: context)
        guard !offsets.isEmpty else { return }
        try consumer.store(offsets: offsets)
        await commitStoredOffsets()
    }

    /// Writes a prepared batch, then stores its offsets once its dead letters are acknowledged.
    private func complete(_ batch: [KafkaConsumedMessage], _ result: BatchResult<Handler.Pending>, context: BatchContext) async throws {
        let more = try await handler.write(result.pending, context: context)
        try await send(more)
        if !result.deadLetters.isEmpty || !more.isEmpty {
            try await deadLetterProducer.flushAcknowledged(timeout: settings.deadLetterTimeout)
        }
        try consumer.store(offsets: result.offsets)
        let deadLetters = result.deadLetters.count + more.count
        counters.withLock {
            $0.consumed += batch.count
            $0.deadLetters += deadLetters
        }
        metrics?.batchDone(messages: batch.count, deadLetters: deadLetters)
        if !result.offsets.isEmpty { await commitStoredOffsets() }
    }

    /// Commits what was just stored when told to commit after each batch.
    private func commitStoredOffsets() async {
        guard settings.commitEachBatch else { return }
        do {
            try await consumer.commit()
        } catch {
            // A rebalance in progress refuses the commit; the stored offsets go with the next
            // automatic commit (or the revoke), and a replay only redoes idempotent work.
            logger.warning("offset commit deferred", metadata: ["kafka.error": "\(error)"])
        }
    }

    /// librdkafka (2.0) keeps dialling brokers that are gone for good (a restarted cluster on new
    /// ports, say) and the loop would look idle forever with lag 0. Once every broker has been
    /// down for longer than the connect timeout, the service ends with an error, so that its
    /// supervisor (the DAG's restart, systemd) starts it again against the cluster as it is now.
    private func checkClusterStillReachable() async throws {
        guard let since = consumer.allBrokersDownSince else { return }
        if await consumer.recheckCluster(timeout: .milliseconds(500)) {
            logger.notice("Kafka brokers reachable again")
            return
        }
        if ContinuousClock.now - since > settings.connectTimeout {
            throw KafkaError(code: KafkaError.Code.allBrokersDown,
                             message: "every Kafka broker at \(servers) has been unreachable for more than \(Decimals.format(settings.connectTimeout.seconds, places: 1)) s; exiting so that a restart reconnects")
        }
    }

    /// Queues dead letters with the reason and origin headers; `complete` waits for their acknowledgement.
    private func send(_ letters: [DeadLetter]) async throws {
        guard !letters.isEmpty else { return }
        try await deadLetterProducer.send(letters, to: settings.deadLetterTopic, logger: logger)
    }

    private func logStatistics() {
        let totals = self.totals
        let now = ContinuousClock.now
        let rate = lastStats.withLock { last -> Double in
            defer { last = (now, totals.consumed) }
            let seconds = (now - last.time).seconds
            return seconds > 0 ? Double(totals.consumed - last.consumed) / seconds : 0
        }
        let lag = consumer.lag()
        metrics?.lag(lag)
        var metadata: Logger.Metadata = [
            "\(settings.name).consumed": "\(totals.consumed)", "\(settings.name).dlq": "\(totals.deadLetters)",
            "\(settings.name).lag": "\(lag.values.reduce(0, +))", "\(settings.name).lost": "\(totals.lost)", "\(settings.name).messages_per_s": "\(Int(rate))",
        ]
        for (key, value) in handler.statistics() { metadata["\(settings.name).\(key)"] = "\(value)" }
        logger.info("stats", metadata: metadata)
    }
}
