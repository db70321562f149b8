import ArgumentParser
import CommandOptions
import Logging
import RecoKafka

/// Everything a consumer-group service's command line shares: the cluster and topic, the group,
/// statistics and metrics, logging. `run` wires them to a handler and runs the service group.
public struct ConsumerServiceOptions<Defaults: StreamServiceDefaults>: ParsableArguments {
    @OptionGroup public var kafka: KafkaOptions
    @OptionGroup public var consumerGroup: ConsumerGroupOptions<Defaults>
    @OptionGroup public var monitoring: MonitoringOptions
    @OptionGroup public var logging: LoggingOptions

    public init() {}

    /// Bootstraps logging (once) and reads the Kafka settings, logging where they came from.
    public func start(label: String, metadata: Logger.Metadata = [:]) throws -> (logger: Logger, kafka: KafkaConfiguration) {
        let logger = logging.bootstrap(label: label)
        let (settings, path) = try kafka.configuration(logger: logger)
        logger.info("starting", metadata: metadata.merging(["kafka.config_file": "\(path ?? "-")", "kafka.settings": "\(settings)",
                                                            "kafka.group": "\(consumerGroup.group)"]) { own, _ in own })
        return (logger, settings)
    }

    /// Runs `handler` in a consumer-group service (with the metrics endpoint when
    /// `--metrics-port` is given) until it ends, and returns the loop's totals.
    public func run<Handler: BatchHandler>(_ name: String, handler: Handler, kafka settings: KafkaConfiguration, deadLetterTopic: String,
                                           metrics: ConsumerGroupMetrics, logger: Logger,
                                           adjust: (inout ConsumerGroupService<Handler>.Settings) -> Void = { _ in })
        async throws -> ConsumerGroupService<Handler>.Totals {
        var loop = ConsumerGroupService<Handler>.Settings(name: name, kafka: kafka, group: consumerGroup, monitoring: monitoring,
                                                          deadLetterTopic: deadLetterTopic)
        adjust(&loop)
        let service = try ConsumerGroupService(settings: loop, kafka: settings, handler: handler, metrics: metrics, logger: logger)
        try await StreamServiceGroup.run(service, after: StreamServiceGroup.metrics(monitoring, registry: metrics.registry, logger: logger), logger: logger)
        return service.totals
    }
}
