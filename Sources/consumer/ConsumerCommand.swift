import ArgumentParser
import CommandOptions
import Foundation
import RecoStore
import StreamKit

@main
struct ConsumerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consumer",
        abstract: "Consume watch events, get each customer's top 10 and write them to PostgreSQL, at-least-once and idempotently.",
        discussion: """
            Offsets are stored only after an event's list is committed (or its dead letter acknowledged); lists are keyed by (topic, partition, offset, event index), so reading an event again inserts nothing. Undecodable or invalid messages go to <topic>.dlq with headers error, error.reason, source.topic, source.partition, source.offset. API or database outages are retried, never dead-lettered.

            Recommendations come from reco-api (--api URL, batch route) or from a model file in process (--model). The database comes from --database-url, else DATABASE_URL, else libpq's PG* variables; the password is never logged.
            """)

    struct Defaults: StreamServiceDefaults {
        static let group = "netflix_prediction"
        static let batchSize = 500
    }

    @OptionGroup var kafka: KafkaOptions
    @OptionGroup var consumerGroup: ConsumerGroupOptions<Defaults>
    @OptionGroup var recommendations: RecommendationSourceOptions
    @OptionGroup var monitoring: MonitoringOptions
    @OptionGroup var logging: LoggingOptions

    @Option(help: "PostgreSQL connection URL (default: $DATABASE_URL, else PG* variables).")
    var databaseURL: String?

    func run() async throws {
        let logger = logging.bootstrap(label: "consumer")
        let (settings, path) = try kafka.configuration(logger: logger)
        let database = DatabaseURL(databaseURL, environment: ProcessInfo.processInfo.environment)
        let store = RecommendationStore(url: database, logger: logger)
        logger.info("starting", metadata: ["db.url": "\(database)", "kafka.config_file": "\(path ?? "-")", "kafka.settings": "\(settings)",
                                           "kafka.group": "\(consumerGroup.group)"])
        try await store.migrate()

        let metrics = ConsumerMetrics()
        let writer = RecommendationWriter(sink: store, source: try recommendations.makeSource(), deadLetterTopic: kafka.topic + ".dlq",
                                          metrics: metrics)
        var loop = ConsumerGroupService<RecommendationWriter>.Settings(name: "consumer", kafka: kafka, group: consumerGroup,
                                                                       monitoring: monitoring, deadLetterTopic: kafka.topic + ".dlq")
        loop.pipelined = true
        let service = try ConsumerGroupService(settings: loop, kafka: settings, handler: writer, metrics: metrics.group, logger: logger)
        try await StreamServiceGroup.run(service, after: StreamServiceGroup.metrics(monitoring, registry: metrics.registry, logger: logger),
                                         logger: logger)
        let totals = writer.totals
        print("consumed \(service.totals.consumed), events \(totals.events), rows written \(totals.listsWritten), dead letters \(service.totals.deadLetters)")
    }
}
