import ArgumentParser
import Foundation
import Logging
import RecoCore
import RecoKafka
import RecoStore
import StreamMetrics
import StreamSupport

@main
struct ConsumerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consumer",
        abstract: "Consume watch events, get each customer's top 10 and write them to PostgreSQL, at-least-once and idempotently.",
        discussion: """
            Offsets are stored only after an event's rows are committed (or its dead letter acknowledged); rows are keyed by (topic, partition, offset, rank), so reading an event again inserts nothing. Undecodable or invalid messages go to <topic>.dlq with headers error, error.reason, source.topic, source.partition, source.offset. API or database outages are retried, never dead-lettered.

            --auto-offset-reset defaults to earliest: with the seed's 'latest', a new consumer group skips every event produced before it first joined and committed, so those events are silently lost.

            Recommendations come from reco-api (--api URL, batch route) or from a model file in process (--model). The database comes from --database-url, else DATABASE_URL, else libpq's PG* variables; the password is never logged.
            """)

    @Option(help: "Kafka client properties file (default: $KAFKA_CONFIG, else config/kafka.local.properties).")
    var config: String?

    @Option(help: "Topic to consume.")
    var topic = "watch_events"

    @Option(help: "Consumer group (the seed's).")
    var group = "netflix_prediction"

    @Option(help: "Where a new group starts: earliest or latest.")
    var autoOffsetReset = "earliest"

    @Option(help: "reco-api base URL for recommendations.")
    var api: String?

    @Option(help: "Model file for in-process recommendations (instead of --api).")
    var model: String?

    @Option(help: "Movie catalogue for titles with --model.")
    var movies = "data/prepared/movies.csv"

    @Option(help: "PostgreSQL connection URL (default: $DATABASE_URL, else PG* variables).")
    var databaseURL: String?

    @Option(help: "Messages per batch (one transaction each).")
    var batchSize = 500

    @Option(help: "Exit after this many seconds without messages (batch runs).")
    var exitWhenIdle: Double?

    @Option(help: "Seconds between statistics lines.")
    var statsInterval = 10.0

    @Option(help: "API timeout in seconds.")
    var apiTimeout = 10.0

    @Option(help: "Serve Prometheus metrics at http://127.0.0.1:PORT/metrics (off unless given).")
    var metricsPort: Int?

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    func validate() throws {
        guard (api == nil) != (model == nil) else { throw ValidationError("give --api URL or --model FILE") }
        guard ["earliest", "latest"].contains(autoOffsetReset) else { throw ValidationError("--auto-offset-reset must be earliest or latest") }
        if let metricsPort, !(1...65535).contains(metricsPort) { throw ValidationError("--metrics-port must be 1-65535") }
        guard batchSize > 0, statsInterval > 0, apiTimeout > 0 else { throw ValidationError("--batch-size, --stats-interval and --api-timeout must be positive") }
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
        let logger = Logger(label: "consumer")
        let environment = ProcessInfo.processInfo.environment
        var (kafka, path) = try KafkaConfiguration.forService(explicitPath: config, environment: environment, logger: logger)
        kafka.set("auto.offset.reset", autoOffsetReset)

        let database = DatabaseURL(databaseURL, environment: environment)
        let store = RecommendationStore(url: database, logger: logger)
        logger.info("starting", metadata: ["db.url": "\(database)", "kafka.config_file": "\(path ?? "-")", "kafka.settings": "\(kafka)",
                                           "kafka.group": "\(group)"])
        try await store.migrate()

        let source = try RecommendationSources.make(model: model, movies: movies, api: api, apiTimeout: .milliseconds(Int64(apiTimeout * 1000)))
        let consumer = try KafkaConsumer(configuration: kafka, groupID: group, topics: [topic], logger: logger)
        let deadLetters = try KafkaProducer(configuration: kafka, logger: logger)
        var settings = ConsumerPipeline.Settings(topic: topic, deadLetterTopic: topic + ".dlq")
        settings.batchSize = batchSize
        settings.exitWhenIdle = exitWhenIdle.map { .milliseconds(Int64($0 * 1000)) }
        settings.statsInterval = .milliseconds(Int64(statsInterval * 1000))
        let metrics = ConsumerMetrics()
        let pipeline = ConsumerPipeline(settings: settings, consumer: consumer, deadLetters: deadLetters, store: store, source: source,
                                        metrics: metrics, logger: logger)
        let metricsEndpoint = MetricsEndpoint.start(registry: metrics.registry, port: metricsPort, logger: logger)
        defer { metricsEndpoint?.cancel() }

        do {
            try await DrainOnSignal.run(logger: logger, requestStop: { pipeline.requestStop() }) { try await pipeline.run() }
        } catch {
            await consumer.close()
            await source.shutdown()
            throw error
        }
        await consumer.close()
        await deadLetters.flush(timeout: .seconds(10))
        await source.shutdown()
        let totals = pipeline.totals
        print("consumed \(totals.consumed), events \(totals.events), rows written \(totals.rowsWritten), dead letters \(totals.deadLetters)")
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
