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
            Offsets are stored only after an event's list is committed (or its dead letter acknowledged); lists are keyed by (topic, partition, offset, event index), so reading an event again inserts nothing. Undecodable or invalid messages go to <topic>.dlq with headers error, error.reason, source.topic, source.partition, source.offset. API or database outages are waited out, never dead-lettered (\(BatchContext.dependencyRetry.summary), with the partitions paused meanwhile); at start the schema migration waits for the database (\(RecommendationStore.startupRetry.summary)).

            Recommendations come from reco-api (--api URL, batch route) or from a model file in process (--model). The database comes from --database-url, else DATABASE_URL, else libpq's PG* variables; the password is never logged.
            """)

    struct Defaults: StreamServiceDefaults {
        static let group = "netflix_prediction"
        static let batchSize = 500
    }

    @OptionGroup var service: ConsumerServiceOptions<Defaults>
    @OptionGroup var recommendations: RecommendationSourceOptions

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let database = DatabaseURL(self.database.databaseURL, environment: ProcessInfo.processInfo.environment)
        let (logger, kafka) = try service.start(label: "consumer", metadata: ["db.url": "\(database)"])
        let store = RecommendationStore(url: database, logger: logger)
        try await store.migrate()
        let metrics = ConsumerMetrics()
        let deadLetterTopic = service.kafka.topic + ".dlq"
        let writer = RecommendationWriter(sink: store, source: try recommendations.makeSource(logger: logger), deadLetterTopic: deadLetterTopic, metrics: metrics,
                                          onGap: service.consumerGroup.onGap)
        let totals = try await service.run("consumer", handler: writer, kafka: kafka, deadLetterTopic: deadLetterTopic, metrics: metrics.group,
                                           logger: logger) { $0.pipelined = true }
        print("consumed \(totals.consumed), events \(writer.totals.events), rows written \(writer.totals.listsWritten), dead letters \(totals.deadLetters), lost in gaps \(totals.lost)")
    }
}
