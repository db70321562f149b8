import ArgumentParser
import Foundation
import Logging
import RecoCore
import RecoKafka
import StreamSupport

@main
struct NotifierCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notifier",
        abstract: "POST each watch event with the customer's top 10 to a webhook (Zapier 'Catch Hook' or any JSON endpoint).",
        discussion: """
            One JSON POST per event, with the header Idempotency-Key and the field idempotency_key set to <topic>/<partition>/<offset>: delivery is at-least-once, so a receiver drops replays by that key. 429, 5xx, 408, timeouts and network failures are retried with exponential backoff and full jitter (a Retry-After is honoured), up to --max-attempts; an event that is refused for good (other 4xx) or still failing goes to --dead-letter-topic with the reason, so nothing is lost and the stream moves on.

            The URL holds the hook's secret: it comes from the file named by --webhook-config (key webhook.url) or from the environment variable named by --webhook-url-env, and is never logged. Example: export RECO_WEBHOOK_URL=https://hooks.zapier.com/hooks/catch/<account>/<hook>/
            """)

    @Option(help: "Kafka client properties file (default: $KAFKA_CONFIG, else config/kafka.local.properties).")
    var config: String?

    @Option(help: "Topic to consume.")
    var topic = "watch_events"

    @Option(help: "Consumer group (its own, so notifications do not share offsets with the consumer).")
    var group = "reco-notifier"

    @Option(help: "Topic for events that could not be delivered (default: <topic>.notify-dlq).")
    var deadLetterTopic: String?

    @Option(help: "Properties file with webhook.url (instead of the environment).")
    var webhookConfig: String?

    @Option(help: "Environment variable holding the webhook URL.")
    var webhookUrlEnv = "RECO_WEBHOOK_URL"

    @Flag(help: "Without a webhook URL, say so and exit 0 instead of failing (a DAG whose notifications are optional).")
    var optional = false

    @Option(help: "reco-api base URL for recommendations.")
    var api: String?

    @Option(help: "Model file for in-process recommendations (instead of --api).")
    var model: String?

    @Option(help: "Movie catalogue for titles with --model.")
    var movies = "data/prepared/movies.csv"

    @Option(help: "Attempts per notification, the first included.")
    var maxAttempts = 6

    @Option(help: "Delay ceiling of the first retry in milliseconds (doubles each retry).")
    var retryBaseMs = 500

    @Option(help: "Delay ceiling of any retry in milliseconds.")
    var retryMaxMs = 30_000

    @Option(help: "Seconds before a webhook request times out.")
    var timeout = 10.0

    @Option(help: "Webhook requests in flight at once.")
    var concurrency = 8

    @Option(help: "Messages per batch.")
    var batchSize = 100

    @Option(help: "Where a new group starts: earliest or latest.")
    var autoOffsetReset = "earliest"

    @Option(help: "Exit after this many seconds without messages once partitions are assigned (batch runs).")
    var exitWhenIdle: Double?

    @Option(help: "Seconds between statistics lines.")
    var statsInterval = 10.0

    @Option(help: "API timeout in seconds.")
    var apiTimeout = 10.0

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    func validate() throws {
        guard (api == nil) != (model == nil) else { throw ValidationError("give --api URL or --model FILE") }
        guard ["earliest", "latest"].contains(autoOffsetReset) else { throw ValidationError("--auto-offset-reset must be earliest or latest") }
        guard maxAttempts > 0, retryBaseMs >= 0, retryMaxMs >= retryBaseMs, timeout > 0, concurrency > 0, batchSize > 0, statsInterval > 0, apiTimeout > 0 else {
            throw ValidationError("--max-attempts, --timeout, --concurrency, --batch-size must be positive and --retry-max-ms at least --retry-base-ms")
        }
    }

    /// The URL from the config file, else the environment; never logged.
    func webhookURL(environment: [String: String]) throws -> String {
        let url: String?
        let origin: String
        if let webhookConfig {
            url = try PropertiesFile.load(path: webhookConfig).values["webhook.url"]
            origin = "webhook.url in \(webhookConfig)"
        } else {
            url = environment[webhookUrlEnv]
            origin = "$\(webhookUrlEnv)"
        }
        guard let url, !url.isEmpty else { throw WebhookNotConfigured(origin: origin) }
        guard let components = URLComponents(string: url), ["http", "https"].contains(components.scheme ?? ""), components.host != nil else {
            throw ValidationError("\(origin) is not an http(s) URL")
        }
        return url
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
        let logger = Logger(label: "notifier")
        let environment = ProcessInfo.processInfo.environment
        let url: String
        do {
            url = try webhookURL(environment: environment)
        } catch let missing as WebhookNotConfigured where optional {
            logger.notice("no webhook configured, nothing to do", metadata: ["notifier.url_source": "\(missing.origin)"])
            print("notifications off: \(missing.origin) is not set")
            return
        }
        var (kafka, path) = try KafkaConfiguration.forService(explicitPath: config, environment: environment, logger: logger)
        kafka.set("auto.offset.reset", autoOffsetReset)
        let webhook = WebhookClient(url: url, retry: RetryPolicy(maxAttempts: maxAttempts, baseDelay: .milliseconds(retryBaseMs),
                                                                 maxDelay: .milliseconds(retryMaxMs)),
                                    timeout: .milliseconds(Int64(timeout * 1000)))
        logger.info("starting", metadata: ["notifier.webhook": "\(webhook)", "notifier.max_attempts": "\(maxAttempts)",
                                           "kafka.config_file": "\(path ?? "-")", "kafka.settings": "\(kafka)", "kafka.group": "\(group)"])

        let source = try RecommendationSources.make(model: model, movies: movies, api: api, apiTimeout: .milliseconds(Int64(apiTimeout * 1000)))
        let consumer = try KafkaConsumer(configuration: kafka, groupID: group, topics: [topic], logger: logger)
        let deadLetters = try KafkaProducer(configuration: kafka, logger: logger)
        var settings = NotifierLoop.Settings(topic: topic, deadLetterTopic: deadLetterTopic ?? topic + ".notify-dlq")
        settings.batchSize = batchSize
        settings.concurrency = concurrency
        settings.exitWhenIdle = exitWhenIdle.map { .milliseconds(Int64($0 * 1000)) }
        settings.statsInterval = .milliseconds(Int64(statsInterval * 1000))
        let loop = NotifierLoop(settings: settings, consumer: consumer, deadLetters: deadLetters, source: source, webhook: webhook, logger: logger)

        do {
            try await DrainOnSignal.run(logger: logger, requestStop: { loop.requestStop() }) { try await loop.run() }
        } catch {
            await consumer.close()
            await source.shutdown()
            throw error
        }
        await consumer.close()
        await deadLetters.flush(timeout: .seconds(10))
        await source.shutdown()
        let totals = loop.totals
        print("consumed \(totals.consumed), notifications delivered \(totals.delivered), attempts \(totals.attempts), dead letters \(totals.deadLetters)")
    }
}

struct WebhookNotConfigured: Error, CustomStringConvertible {
    var origin: String
    var description: String { "no webhook URL: set \(origin)" }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
