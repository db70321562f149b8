import RecoCore
import RecoKafka
import StreamKit
import Synchronization

/// The notifier's batch handler: each event with its customer's top 10 becomes one webhook
/// POST; an event refused for good or still failing after every retry becomes a dead letter, so
/// the batch's offsets can be stored and nothing is lost. Receivers drop the duplicates of a
/// replay by the idempotency key.
final class NotificationHandler: BatchHandler {
    /// A notification on its way, with the message it came from.
    struct Pending: Sendable {
        var notifications: [(message: KafkaConsumedMessage, notification: WatchNotification)] = []
    }

    struct Totals: Sendable {
        var delivered = 0
        var attempts = 0
    }

    let source: any RecommendationSource
    let webhook: WebhookClient
    let limit: Int
    /// Webhook requests in flight at once.
    let concurrency: Int
    private let counters = Mutex(Totals())

    func prepare(_ batch: [KafkaConsumedMessage], context: BatchContext) async throws -> BatchResult<Pending> {
        let decoded = WatchEventBatch(batch)
        var deadLetters = decoded.deadLetters
        var pending = Pending()
        let (version, byCustomer) = try await decoded.recommendations(from: source, limit: limit, context: context)
        for (message, events) in decoded.events {
            for (index, event) in events.enumerated() {
                guard let top = byCustomer[event.customerId] else {
                    // The source answers for every customer (cold start included); if it did not, say so.
                    deadLetters.append(DeadLetter(message: message, reason: "no_recommendations",
                                                  error: "no recommendations for customer \(event.customerId)", extraHeaders: [Self.attempts(0)]))
                    continue
                }
                // The seed's legacy messages may carry several events: each gets its own key.
                var key = WatchNotification.key(topic: message.topic, partition: message.partition, offset: message.offset)
                if index > 0 { key += "/\(index)" }
                pending.notifications.append((message, WatchNotification(idempotencyKey: key, event: event, modelVersion: version,
                                                                         recommendations: top)))
            }
        }
        return BatchResult(pending: pending, deadLetters: deadLetters, finishing: batch)
    }

    init(source: any RecommendationSource, webhook: WebhookClient, limit: Int = 10, concurrency: Int = 8) {
        self.source = source
        self.webhook = webhook
        self.limit = limit
        self.concurrency = concurrency
    }

    func write(_ pending: Pending, context: BatchContext) async throws -> [DeadLetter] {
        let outcomes = await deliver(pending.notifications.map(\.notification))
        var failures: [DeadLetter] = []
        var delivered = 0, attempts = 0
        for ((message, notification), outcome) in zip(pending.notifications, outcomes) {
            attempts += outcome.attempts
            switch outcome {
            case .delivered: delivered += 1
            case .rejected(let status, let tries, let text):
                failures.append(DeadLetter(message: message, reason: "webhook_rejected", error: "\(notification.idempotencyKey): \(text) (HTTP \(status))",
                                           extraHeaders: [Self.attempts(tries)]))
            case .exhausted(let tries, let text):
                failures.append(DeadLetter(message: message, reason: "webhook_unavailable", error: "\(notification.idempotencyKey): \(text)",
                                           extraHeaders: [Self.attempts(tries)]))
            }
        }
        counters.withLock {
            $0.delivered += delivered
            $0.attempts += attempts
        }
        return failures
    }

    private static func attempts(_ count: Int) -> KafkaHeader { KafkaHeader(name: "attempts", text: String(count)) }

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
            while next < min(concurrency, notifications.count) { start() }
            for await (index, outcome) in group {
                outcomes[index] = outcome
                if next < notifications.count { start() }
            }
        }
        return outcomes.map { $0 ?? .exhausted(attempts: 0, message: "not sent") }
    }

    var totals: Totals { counters.withLock { $0 } }

    func statistics() -> [(key: String, value: String)] {
        let totals = self.totals
        return [("delivered", "\(totals.delivered)"), ("attempts", "\(totals.attempts)")]
    }

    func finish() async {
        await source.shutdown()
    }
}
