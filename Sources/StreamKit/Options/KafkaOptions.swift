import ArgumentParser
import Foundation
import Logging
import RecoKafka

/// `--config` and `--topic`: which cluster and which topic, for every stream service.
public struct KafkaOptions: ParsableArguments {
    @Option(help: "Kafka client properties file (default: $KAFKA_CONFIG, else config/kafka.local.properties).")
    public var config: String?

    @Option(help: "Topic of watch events.")
    public var topic = "watch_events"

    public init() {}

    /// The client settings: the file, then `KAFKA_*` variables; dropped keys are logged.
    public func configuration(logger: Logger) throws -> (settings: KafkaConfiguration, path: String?) {
        try KafkaConfiguration.forService(explicitPath: config, environment: ProcessInfo.processInfo.environment, logger: logger)
    }
}
