import ArgumentParser
import CommandOptions
import RecoKafka
import StreamKit

@main
struct ProducerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "producer",
        abstract: "Produce \"a customer is watching a movie\" events to a Kafka topic.",
        discussion: """
            Sources: an HTTP URL polled every --interval (the seed's real-time feed: a JSON string holding a pandas split-orient object, or the object itself); 'simulate' (customers weighted by activity and movies by popularity from a prepared data set, at --rate per second); 'replay' with --replay-file (JSON lines of watch_event/v1 or the seed's legacy format).

            Events are watch_event/v1 JSON keyed by customer id, so one customer's events stay in order. The producer is idempotent (enable.idempotence=true), counts delivery reports, and on --count, end of input, SIGINT or SIGTERM flushes before exiting. The exit code is 1 if any message could not be delivered. Retries: a feed poll's request (timeouts, 5xx, 429), \(FeedSource.defaultRetry.summary), then the next poll; Kafka deliveries are retried by librdkafka until message.timeout.ms.

            Kafka settings come from --config (a librdkafka properties file such as Confluent's python.config; schema-registry keys are dropped) and KAFKA_* environment variables (KAFKA_BOOTSTRAP_SERVERS=…). Secrets are never logged.
            """)

    @OptionGroup var events: EventSourceOptions
    @OptionGroup var kafka: KafkaOptions
    @OptionGroup var monitoring: MonitoringOptions
    @OptionGroup var logging: LoggingOptions

    @Option(help: "Partitions for the topic when it has to be created.")
    var partitions = 4

    @Option(help: "Stop after this many events (then flush and exit).")
    var count: Int?

    func validate() throws {
        guard partitions > 0 else { throw ValidationError("--partitions must be positive") }
        if let count, count < 0 { throw ValidationError("--count must be ≥ 0") }
    }

    func run() async throws {
        let logger = logging.bootstrap(label: "producer")
        let (settings, path) = try kafka.configuration(logger: logger)
        logger.info("configuration", metadata: ["kafka.config_file": "\(path ?? "-")", "kafka.settings": "\(settings)"])
        let metrics = ProducerMetrics()
        let service = ProducerService(topic: kafka.topic, kafka: settings, source: try events.makeSource(logger: logger), limit: count,
                                      createPartitions: partitions, statsInterval: monitoring.statsInterval, connectTimeout: kafka.connectTimeout, metrics: metrics, logger: logger)
        try await StreamServiceGroup.run(service, after: StreamServiceGroup.metrics(monitoring, registry: metrics.registry, logger: logger), logger: logger)
        guard let outcome = service.outcome else { return }
        print(outcome.summary)
        if !outcome.succeeded { throw ExitCode(1) }
    }
}
