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

    @Option(help: "Seconds to wait at start for any bootstrap server to answer; then the service exits non-zero naming the servers.")
    public var connectTimeout: Duration = .seconds(30)

    public init() {}

    public func validate() throws {
        guard connectTimeout > .zero else { throw ValidationError("--connect-timeout must be positive") }
    }

    /// The client settings: the file, then `KAFKA_*` variables; dropped keys are logged. No
    /// bootstrap servers at all (the default file not found, say) is an error at once.
    public func configuration(logger: Logger) throws -> (settings: KafkaConfiguration, path: String?) {
        let (settings, path) = try KafkaConfiguration.forService(explicitPath: config, environment: ProcessInfo.processInfo.environment, logger: logger)
        guard !settings.bootstrapServers.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw MissingBootstrapServers(path: path)
        }
        return (settings, path)
    }
}

/// No `bootstrap.servers` anywhere: said at once (librdkafka would wait silently), naming where
/// they were looked for.
public struct MissingBootstrapServers: Error, CustomStringConvertible {
    public var path: String?

    public var description: String {
        let looked = path.map { "\($0) does not set it" } ?? "no properties file found (--config, $KAFKA_CONFIG or config/kafka.local.properties)"
        return "no Kafka bootstrap.servers: \(looked); set bootstrap.servers there or KAFKA_BOOTSTRAP_SERVERS"
    }
}
