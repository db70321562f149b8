import Foundation
import Logging
import RecoCore
import RecoKafka
import StreamSupport
import Synchronization

/// consume → decode → top-N → one webhook POST per event → store offsets, batch by batch, in
/// its own consumer group (a slow or failing hook never holds up the PostgreSQL sink).
///
/// At-least-once: a batch's offsets are stored only after each of its events was delivered or
/// dead-lettered (refused for good, or still failing after every retry). Receivers drop the
/// duplicates of a replay by the idempotency key.
final class NotifierLoop: Sendable {
    struct Settings: Sendable {
        var topic: String
        var deadLetterTopic: String
        var batchSize = 100
        var limit = 10
        /// Webhook requests in flight at once.
        var concurrency = 8
        var exitWhenIdle: Duration?
        var statsInterval: Duration = .seconds(10)
    }

    struct Totals: Sendable {
        var consumed = 0
        var delivered = 0
        var attempts = 0
        var deadLetters = 0
    }

    let settings: Settings
    let consumer: KafkaConsumer
    let deadLetters: KafkaProducer
    let source: any RecommendationSource
    let webhook: WebhookClient
    let logger: Logger
    private let stopRequested = Atomic<Bool>(false)
    private let counters = Mutex(Totals())

    init(settings: Settings, consumer: KafkaConsumer, deadLetters: KafkaProducer, source: any RecommendationSource,
         webhook: WebhookClient, logger: Logger) {
        self.settings = settings
        self.consumer = consumer
        self.deadLetters = deadLetters
        self.source = source
        self.webhook = webhook
        self.logger = logger
    }

    var totals: Totals { counters.withLock { $0 } }

    func requestStop() { stopRequested.store(true, ordering: .releasing) }

    func run() async throws {
        var lastMessage = ContinuousClock.now
        var lastStats = ContinuousClock.now
        while !stopRequested.load(ordering: .acquiring) {
            let batch = try await consumer.poll(maximum: settings.batchSize, timeout: .milliseconds(250))
            if ContinuousClock.now - lastStats >= settings.statsInterval {
                logStats()
                lastStats = .now
            }
            // Idle time counts from the moment partitions are assigned (joining a group takes seconds).
            if consumer.assignedPartitions.isEmpty { lastMessage = .now }
            if batch.isEmpty {
                if let idle = settings.exitWhenIdle, ContinuousClock.now - lastMessage >= idle {
                    logger.info("idle, exiting")
                    break
                }
                continue
            }
            lastMessage = .now
            try await process(batch)
        }
        logStats()
    }

    /// A failed delivery or a bad message, on its way to the dead-letter topic.
    struct Failure: Sendable {
        var message: KafkaConsumedMessage
        var reason: String
        var error: String
        var attempts: Int
    }

    func process(_ batch: [KafkaConsumedMessage]) async throws {
        var notifications: [(KafkaConsumedMessage, WatchNotification)] = []
        var failures: [Failure] = []
        var decoded: [(KafkaConsumedMessage, [WatchEvent])] = []
        for message in batch {
            do {
                decoded.append((message, try WatchEventDecoder.decode(message.value)))
            } catch {
                failures.append(Failure(message: message, reason: error.reason.rawValue, error: error.description, attempts: 0))
            }
        }
        let customers = Array(Set(decoded.flatMap { $0.1.map(\.customerId) }))
        if !customers.isEmpty {
            let (version, results) = try await recommendWithRetry(customers)
            let byCustomer = Dictionary(results.map { ($0.customerId, $0) }, uniquingKeysWith: { first, _ in first })
            for (message, events) in decoded {
                for (index, event) in events.enumerated() {
                    guard let top = byCustomer[event.customerId] else {
                        // The source answers for every customer (cold start included); if it did not, say so.
                        failures.append(Failure(message: message, reason: "no_recommendations",
                                                error: "no recommendations for customer \(event.customerId)", attempts: 0))
                        continue
                    }
                    // The seed's legacy messages may carry several events: each gets its own key.
                    var key = WatchNotification.key(topic: message.topic, partition: message.partition, offset: message.offset)
                    if index > 0 { key += "/\(index)" }
                    notifications.append((message, WatchNotification(idempotencyKey: key, event: event, modelVersion: version,
                                                                     recommendations: top)))
                }
            }
        }

        let outcomes = await deliver(notifications.map { $0.1 })
        var delivered = 0, attempts = 0
        for ((message, notification), outcome) in zip(notifications, outcomes) {
            attempts += outcome.attempts
            switch outcome {
            case .delivered: delivered += 1
            case .rejected(let status, let tries, let text):
                failures.append(Failure(message: message, reason: "webhook_rejected", error: "\(notification.idempotencyKey): \(text) (HTTP \(status))", attempts: tries))
            case .exhausted(let tries, let text):
                failures.append(Failure(message: message, reason: "webhook_unavailable", error: "\(notification.idempotencyKey): \(text)", attempts: tries))
            }
        }
        if !failures.isEmpty {
            try await deadLetters.sendDeadLetters(failures.map {
                DeadLetter(message: $0.message, reason: $0.reason, error: $0.error, extraHeaders: [KafkaHeader(name: "attempts", text: String($0.attempts))])
            }, to: settings.deadLetterTopic, logger: logger)
        }
        try consumer.store(batch)
        counters.withLock {
            $0.consumed += batch.count
            $0.delivered += delivered
            $0.attempts += attempts
            $0.deadLetters += failures.count
        }
    }

    /// Posts every notification, at most `concurrency` at once; outcomes in input order.
    private func deliver(_ notifications: [WatchNotification]) async -> [WebhookClient.Outcome] {
        let webhook = self.webhook
        var outcomes = [WebhookClient.Outcome?](repeating: nil, count: notifications.count)
        await withTaskGroup(of: (Int, WebhookClient.Outcome).self) { group in
            var next = 0
            func start() {
                let index = next
                let notification = notifications[index]
                group.addTask { (index, await webhook.post(notification.jsonBytes(), idempotencyKey: notification.idempotencyKey)) }
                next += 1
            }
            while next < min(settings.concurrency, notifications.count) { start() }
            for await (index, outcome) in group {
                outcomes[index] = outcome
                if next < notifications.count { start() }
            }
        }
        return outcomes.map { $0 ?? .exhausted(attempts: 0, message: "not sent") }
    }


    private func recommendWithRetry(_ customers: [UInt32]) async throws -> (String, [CustomerRecommendations]) {
        var failures = 0
        let policy = RetryPolicy(maxAttempts: .max, baseDelay: .milliseconds(200), maxDelay: .seconds(5))
        while true {
            do {
                return try await source.recommend(customers, limit: settings.limit)
            } catch {
                if stopRequested.load(ordering: .acquiring) { throw error }
                failures += 1
                logger.warning("recommendations unavailable, retrying", metadata: ["notifier.error": "\(error)"])
                try await Task.sleep(for: policy.delay(afterFailures: failures))
            }
        }
    }

    private func logStats() {
        let totals = self.totals
        logger.info("stats", metadata: [
            "notifier.consumed": "\(totals.consumed)", "notifier.delivered": "\(totals.delivered)",
            "notifier.attempts": "\(totals.attempts)", "notifier.dlq": "\(totals.deadLetters)",
            "notifier.lag": "\(consumer.lag().values.reduce(0, +))",
        ])
    }
}
