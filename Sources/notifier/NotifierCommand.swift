import ArgumentParser
import CommandOptions
import Foundation
import StreamKit

@main
struct NotifierCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notifier",
        abstract: "POST each watch event with the customer's top 10 to a webhook (Zapier 'Catch Hook' or any JSON endpoint).",
        discussion: """
            One JSON POST per event, with the header Idempotency-Key and the field idempotency_key set to <topic>/<partition>/<offset>: delivery is at-least-once, so a receiver drops replays by that key. 429, 5xx, 408, timeouts and network failures are retried with exponential backoff and full jitter (a Retry-After is honoured), up to --max-attempts; an event that is refused for good (other 4xx) or still failing goes to --dead-letter-topic with the reason, so nothing is lost and the stream moves on.

            The URL holds the hook's secret: it comes from the file named by --webhook-config (key webhook.url) or from the environment variable named by --webhook-url-env, and is never logged. Example: export RECO_WEBHOOK_URL=https://hooks.zapier.com/hooks/catch/<account>/<hook>/
            """)

    struct Defaults: StreamServiceDefaults {
        static let group = "reco-notifier"
        static let batchSize = 100
    }

    @OptionGroup var service: ConsumerServiceOptions<Defaults>
    @OptionGroup var webhook: WebhookOptions
    @OptionGroup var recommendations: RecommendationSourceOptions

    @Option(help: "Topic for events that could not be delivered (default: <topic>.notify-dlq).")
    var deadLetterTopic: String?

    func run() async throws {
        let client: WebhookClient
        do {
            client = try webhook.client(environment: ProcessInfo.processInfo.environment)
        } catch let missing as WebhookNotConfigured where webhook.optional {
            service.logging.bootstrap(label: "notifier").notice("no webhook configured, nothing to do", metadata: ["notifier.url_source": "\(missing.origin)"])
            print("notifications off: \(missing.origin) is not set")
            return
        }
        let (logger, kafka) = try service.start(label: "notifier", metadata: ["notifier.webhook": "\(client)", "notifier.max_attempts": "\(webhook.maxAttempts)"])
        let handler = NotificationHandler(source: try recommendations.makeSource(logger: logger), webhook: client, concurrency: webhook.concurrency)
        let totals = try await service.run("notifier", handler: handler, kafka: kafka, deadLetterTopic: deadLetterTopic ?? service.kafka.topic + ".notify-dlq",
                                           metrics: ConsumerGroupMetrics(service: "notifier"), logger: logger)
        print("consumed \(totals.consumed), notifications delivered \(handler.totals.delivered), attempts \(handler.totals.attempts), dead letters \(totals.deadLetters), lost in gaps \(totals.lost)")
    }
}
