import Foundation
import Logging
import RecoCore
import RecoKafka
import RecoStore
import StreamSupport
import Synchronization

/// consume → decode → recommend → write → store offsets, batch by batch.
///
/// At-least-once: a batch's offsets are stored only after its rows are committed in PostgreSQL
/// and its bad messages' dead letters are acknowledged by Kafka. Rows are keyed by
/// (topic, partition, offset, rank), so a batch processed twice inserts nothing the second time.
/// Failures that are not the messages' fault (API or database down) never go to the dead-letter
/// topic: the batch is retried, the partitions paused meanwhile.
final class ConsumerPipeline: Sendable {
    struct Settings: Sendable {
        var topic: String
        var deadLetterTopic: String
        var batchSize = 500
        var limit = 10
        var exitWhenIdle: Duration?
        var statsInterval: Duration = .seconds(10)
    }

    struct Statistics: Sendable {
        var consumed = 0
        var events = 0
        var rowsWritten = 0
        var deadLetters = 0
        /// Event-to-commit latencies (ms) since the last stats line: each line describes its interval.
        var latencies: [Double] = []
        /// Seconds spent per stage, to show where a slow pipeline spends its time.
        var decodeSeconds = 0.0
        var recommendSeconds = 0.0
        var writeSeconds = 0.0
    }

    let settings: Settings
    let consumer: KafkaConsumer
    let deadLetters: KafkaProducer
    let store: RecommendationStore
    let source: any RecommendationSource
    let metrics: ConsumerMetrics?
    let logger: Logger
    private let stopRequested = Atomic<Bool>(false)
    private let statistics = Mutex(Statistics())
    private let pendingDeadLetters = Mutex<[UInt64: Bool]>([:])

    init(settings: Settings, consumer: KafkaConsumer, deadLetters: KafkaProducer, store: RecommendationStore,
         source: any RecommendationSource, metrics: ConsumerMetrics? = nil, logger: Logger) {
        self.settings = settings
        self.consumer = consumer
        self.deadLetters = deadLetters
        self.store = store
        self.source = source
        self.metrics = metrics
        self.logger = logger
    }

    func requestStop() { stopRequested.store(true, ordering: .releasing) }

    var totals: Statistics { statistics.withLock { $0 } }

    /// A batch with its rows, ready to be written.
    struct PreparedBatch: Sendable {
        var messages: [KafkaConsumedMessage]
        var rows: [RecommendationRow]
        var goodMessages: [KafkaConsumedMessage]
        var events: Int
        var deadLetters: Int
        var decodeSeconds: Double
        var recommendSeconds: Double
    }

    /// Batches overlap: while batch N is written, batch N+1 is read, decoded and scored, so the
    /// database and reco-api work at the same time. Offsets are still stored in order, each
    /// batch's only after its rows are committed.
    func run() async throws {
        var lastMessage = ContinuousClock.now
        var lastStats = ContinuousClock.now
        var writing: Task<Void, any Error>?
        do {
            while !stopRequested.load(ordering: .acquiring) {
                let batch = try await consumer.poll(maximum: settings.batchSize, timeout: .milliseconds(200))
                let now = ContinuousClock.now
                if batch.isEmpty {
                    // Idle time counts only once partitions are assigned (joining a group takes seconds).
                    if consumer.assignedPartitions.isEmpty { lastMessage = now }
                    if let idle = settings.exitWhenIdle, now - lastMessage >= idle {
                        logger.info("idle, exiting", metadata: ["consumer.idle_seconds": "\(idle.components.seconds)"])
                        break
                    }
                } else {
                    lastMessage = now
                    let prepared = try await prepare(batch)
                    try await writing?.value
                    writing = Task { try await self.write(prepared) }
                }
                if now - lastStats >= settings.statsInterval {
                    logStats()
                    lastStats = now
                }
            }
            try await writing?.value
        } catch {
            // Let the batch being written finish (or fail) before the caller closes the store.
            _ = try? await writing?.value
            throw error
        }
        try? await consumer.commit()
        logStats()
    }

    /// Processes one batch completely (tests call this directly).
    func process(_ batch: [KafkaConsumedMessage]) async throws {
        try await write(try await prepare(batch))
    }

    /// Decodes, sends dead letters and gets recommendations.
    func prepare(_ batch: [KafkaConsumedMessage]) async throws -> PreparedBatch {
        let decodeStart = ContinuousClock.now
        var good: [(message: KafkaConsumedMessage, events: [WatchEvent])] = []
        var bad: [(message: KafkaConsumedMessage, error: EventError)] = []
        for message in batch {
            do {
                good.append((message, try WatchEventDecoder.decode(message.value)))
            } catch {
                bad.append((message, error))
            }
        }
        if !bad.isEmpty { try await sendDeadLetters(bad) }
        let recommendStart = ContinuousClock.now

        let customers = Array(Set(good.flatMap { $0.events.map(\.customerId) }))
        var rows: [RecommendationRow] = []
        if !customers.isEmpty {
            let (version, results) = try await recommendWithRetry(customers)
            let byCustomer = Dictionary(results.map { ($0.customerId, $0) }, uniquingKeysWith: { first, _ in first })
            rows.reserveCapacity(good.count * settings.limit)
            for (message, events) in good {
                for (eventIndex, event) in events.enumerated() {
                    guard let recommendation = byCustomer[event.customerId] else { continue }
                    for (rank, item) in recommendation.items.enumerated() {
                        rows.append(RecommendationRow(
                            topic: message.topic, partition: message.partition, offset: message.offset, rank: eventIndex * 100 + rank + 1,
                            customerId: event.customerId, movieId: item.movieId, title: item.title, year: item.year, score: item.score,
                            modelVersion: version, eventId: event.eventId, eventTime: event.watchedAt, coldStart: recommendation.coldStart))
                    }
                }
            }
        }
        return PreparedBatch(messages: batch, rows: rows, goodMessages: good.map(\.message), events: good.reduce(0) { $0 + $1.events.count },
                             deadLetters: bad.count, decodeSeconds: (recommendStart - decodeStart).seconds,
                             recommendSeconds: (ContinuousClock.now - recommendStart).seconds)
    }

    /// Writes the rows in one transaction, then stores the batch's offsets.
    func write(_ prepared: PreparedBatch) async throws {
        let writeStart = ContinuousClock.now
        let written = try await writeWithRetry(prepared.rows)
        let writeEnd = ContinuousClock.now
        try consumer.store(prepared.messages)
        let nowMilliseconds = Date().timeIntervalSince1970 * 1000
        let latencies = prepared.goodMessages.compactMap { message -> Double? in
            message.timestampMilliseconds.map { nowMilliseconds - Double($0) }
        }
        statistics.withLock {
            $0.consumed += prepared.messages.count
            $0.events += prepared.events
            $0.rowsWritten += written
            $0.deadLetters += prepared.deadLetters
            $0.latencies.append(contentsOf: latencies)
            $0.decodeSeconds += prepared.decodeSeconds
            $0.recommendSeconds += prepared.recommendSeconds
            $0.writeSeconds += (writeEnd - writeStart).seconds
            if $0.latencies.count > 100_000 { $0.latencies.removeFirst($0.latencies.count - 100_000) }
        }
        metrics?.batchWritten(messages: prepared.messages.count, events: prepared.events, rows: written, deadLetters: prepared.deadLetters,
                              recommend: .milliseconds(Int64(prepared.recommendSeconds * 1000)), write: writeEnd - writeStart,
                              latenciesMilliseconds: latencies)
    }

    /// Sends each bad message to the dead-letter topic with the reason and its origin, and waits
    /// until Kafka acknowledged every one before their offsets may be stored.
    private func sendDeadLetters(_ bad: [(message: KafkaConsumedMessage, error: EventError)]) async throws {
        try await deadLetters.sendDeadLetters(bad.map { DeadLetter(message: $0.message, reason: $0.error.reason.rawValue, error: $0.error.description) },
                                              to: settings.deadLetterTopic, logger: logger)
        // Also in PostgreSQL, for the dashboard's count (before the offsets are stored).
        let rows = bad.map { message, error in
            DeadLetterRow(topic: message.topic, partition: message.partition, offset: message.offset, deadLetterTopic: settings.deadLetterTopic,
                          reason: error.reason.rawValue, error: error.description)
        }
        while true {
            do {
                try await store.recordDeadLetters(rows, retryUntil: .now + .seconds(30))
                return
            } catch {
                if stopRequested.load(ordering: .acquiring) || !error.isTransient { throw error }
                logger.warning("database unavailable, retrying", metadata: ["db.error": "\(error)"])
            }
        }
    }

    private func recommendWithRetry(_ customers: [UInt32]) async throws -> (String, [CustomerRecommendations]) {
        var delay = Duration.milliseconds(200)
        var paused = false
        defer { if paused { try? consumer.resume(Array(consumer.assignedPartitions)) } }
        while true {
            do {
                return try await source.recommend(customers, limit: settings.limit)
            } catch {
                if stopRequested.load(ordering: .acquiring) { throw error }
                if !paused {
                    // Circuit open: stop fetching more while the API is down.
                    try? consumer.pause(Array(consumer.assignedPartitions))
                    paused = true
                }
                logger.warning("recommendations unavailable, retrying", metadata: ["consumer.error": "\(error)"])
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }

    private func writeWithRetry(_ rows: [RecommendationRow]) async throws -> Int {
        while true {
            do {
                return try await store.write(rows, retryUntil: .now + .seconds(30))
            } catch {
                if stopRequested.load(ordering: .acquiring) || !error.isTransient { throw error }
                logger.warning("database unavailable, retrying", metadata: ["db.error": "\(error)"])
            }
        }
    }

    private let lastStats = Mutex<(time: ContinuousClock.Instant, events: Int)>((.now, 0))

    private func logStats() {
        let totals = self.totals
        let now = ContinuousClock.now
        let rate = lastStats.withLock { last -> Double in
            defer { last = (now, totals.events) }
            let seconds = (now - last.time).seconds
            return seconds > 0 ? Double(totals.events - last.events) / seconds : 0
        }
        let lagByPartition = consumer.lag()
        metrics?.lag(lagByPartition)
        let lag = lagByPartition.values.reduce(0, +)
        let sorted = statistics.withLock { statistics in
            defer { statistics.latencies.removeAll(keepingCapacity: true) }
            return statistics.latencies.sorted()
        }
        func percentile(_ q: Double) -> String {
            sorted.isEmpty ? "-" : String(Int(sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]))
        }
        logger.info("stats", metadata: [
            "consumer.consumed": "\(totals.consumed)", "consumer.events": "\(totals.events)", "consumer.rows": "\(totals.rowsWritten)",
            "consumer.dlq": "\(totals.deadLetters)", "consumer.lag": "\(lag)", "consumer.events_per_s": "\(Int(rate))",
            "consumer.latency_p50_ms": "\(percentile(0.5))", "consumer.latency_p99_ms": "\(percentile(0.99))",
            "consumer.decode_s": "\(Decimals.format(totals.decodeSeconds, places: 1))",
            "consumer.recommend_s": "\(Decimals.format(totals.recommendSeconds, places: 1))",
            "consumer.write_s": "\(Decimals.format(totals.writeSeconds, places: 1))",
        ])
    }
}
