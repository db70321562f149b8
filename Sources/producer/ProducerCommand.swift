import ArgumentParser
import CommandOptions
import Logging
import RecoKafka
import StreamKit

@main
struct ProducerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "producer",
        abstract: "Produce \"a customer is watching a movie\" events to a Kafka topic.",
        discussion: """
            Sources: an HTTP URL polled every --interval (the seed's real-time feed: a JSON string holding a pandas split-orient object, or the object itself); 'simulate' (customers weighted by activity and movies by popularity from a prepared data set, at --rate per second); 'replay' with --replay-file (JSON lines of watch_event/v1 or the seed's legacy format).

            Events are watch_event/v1 JSON keyed by customer id, so one customer's events stay in order. The producer is idempotent (enable.idempotence=true), counts delivery reports, and on --count, end of input, SIGINT or SIGTERM flushes before exiting. The first event Kafka refuses for good (not retriable, or still failing at message.timeout.ms) stops the producer with exit 1 and a message naming the error; nothing after it is sent. Retries: a feed poll's request (timeouts, 5xx, 429), \(FeedSource.defaultRetry.summary), then the next poll; Kafka deliveries are retried by librdkafka until message.timeout.ms.

            Back-pressure: with --max-lag N the producer pauses while the consumer group --lag-group is more than N events behind on any partition where it has committed (the log's end minus its committed offset), so a simulation or a backfill cannot outrun the broker's retention. It is on by default (\(ConsumerLagGuard.embeddedBrokerMaxLag)) for 'simulate' and 'replay' against the embedded broker (reco broker, which keeps about 5 MiB a partition in memory) and off otherwise; 0 turns it off. The HTTP feed is never paused: it is polled on its own clock, and the group's lag is reported with each stats line (producer.consumer_lag) and in reco_producer_consumer_lag instead.

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

    @Option(help: "Pause while the consumer group --lag-group is more than this many events behind on a partition (0: never; default \(ConsumerLagGuard.embeddedBrokerMaxLag) for simulate and replay against the embedded broker, else never).")
    var maxLag: Int64?

    @Option(help: "The consumer group --max-lag watches, or whose lag the HTTP feed reports (the consumer's default group).")
    var lagGroup = "netflix_prediction"

    func validate() throws {
        guard partitions > 0 else { throw ValidationError("--partitions must be positive") }
        if let count, count < 0 { throw ValidationError("--count must be ≥ 0") }
        if let maxLag, maxLag < 0 { throw ValidationError("--max-lag must be ≥ 0") }
        if let maxLag, maxLag > 0, !["simulate", "replay"].contains(events.source) {
            throw ValidationError("--max-lag paces 'simulate' and 'replay'; the HTTP feed is polled on its own clock and is never paused")
        }
    }

    func run() async throws {
        let logger = logging.bootstrap(label: "producer")
        let (settings, path) = try kafka.configuration(logger: logger)
        logger.info("configuration", metadata: ["kafka.config_file": "\(path ?? "-")", "kafka.settings": "\(settings)"])
        let metrics = ProducerMetrics()
        let lagGuard = try await makeLagGuard(settings, logger: logger)
        // The feed is never paused: the consumers' lag is reported with each stats line instead.
        let lagReport = ["simulate", "replay"].contains(events.source) ? nil
            : try ConsumerLagGuard(kafka: settings, group: lagGroup, topic: kafka.topic, maxLag: .max, logger: logger)
        let service = ProducerService(topic: kafka.topic, kafka: settings, source: try events.makeSource(logger: logger), limit: count,
                                      createPartitions: partitions, statsInterval: monitoring.statsInterval, connectTimeout: kafka.connectTimeout, metrics: metrics,
                                      lagGuard: lagGuard, lagReport: lagReport, logger: logger)
        try await StreamServiceGroup.run(service, after: StreamServiceGroup.metrics(monitoring, registry: metrics.registry, logger: logger), logger: logger)
        guard let outcome = service.outcome else { return }
        print(outcome.summary)
        if !outcome.succeeded { throw ExitCode(1) }
    }

    /// The back-pressure --max-lag asks for, or by default the embedded broker's; nil: none.
    private func makeLagGuard(_ settings: KafkaConfiguration, logger: Logger) async throws -> ConsumerLagGuard? {
        guard ["simulate", "replay"].contains(events.source), maxLag != 0 else { return nil }
        let guarded = try ConsumerLagGuard(kafka: settings, group: lagGroup, topic: kafka.topic, maxLag: maxLag ?? ConsumerLagGuard.embeddedBrokerMaxLag, logger: logger)
        if maxLag == nil {
            guard let cluster = await guarded.clusterId(), cluster.hasPrefix("mockCluster") else {
                await guarded.close()
                return nil
            }
        }
        logger.info("back-pressure on", metadata: ["producer.lag_group": "\(lagGroup)", "producer.max_lag": "\(guarded.maxLag)"])
        return guarded
    }
}
