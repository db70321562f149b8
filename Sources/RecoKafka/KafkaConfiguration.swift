#if canImport(Glibc)
import Glibc
#endif
import Logging
import RecoCore

/// Client settings in librdkafka's vocabulary, as a Confluent-style properties file gives them.
///
/// Keys for Confluent's Schema Registry (`schema.registry.*`, `basic.auth.*`) are not client
/// settings: they are dropped and reported. Environment variables `KAFKA_<KEY>` override the
/// file, with the key lower-cased and `_` read as `.` (`KAFKA_BOOTSTRAP_SERVERS` →
/// `bootstrap.servers`). `description` never shows secret values.
public struct KafkaConfiguration: Sendable, CustomStringConvertible {
    public private(set) var properties: [String: String]
    /// Keys removed because they are not for librdkafka.
    public private(set) var droppedKeys: [String] = []

    public init(_ properties: [String: String] = [:]) {
        self.properties = [:]
        for (key, value) in properties { set(key, value) }
    }

    /// Reads `path` (if any), then applies `KAFKA_*` variables from `environment`.
    public static func load(path: String?, environment: [String: String]) throws -> KafkaConfiguration {
        var configuration = KafkaConfiguration()
        if let path {
            for entry in try PropertiesFile.load(path: path).entries { configuration.set(entry.key, entry.value) }
        }
        for (name, value) in environment where name.hasPrefix("KAFKA_") && name != "KAFKA_CONFIG" {
            let key = name.dropFirst("KAFKA_".count).lowercased().replacingOccurrences(of: "_", with: ".")
            configuration.set(key, value)
        }
        return configuration
    }

    /// The services' rule: `--config FILE`, else `$KAFKA_CONFIG`, else `config/kafka.local.properties`
    /// if present; then `KAFKA_*` variables. Dropped keys are reported through `logger`.
    public static func forService(explicitPath: String?, environment: [String: String], logger: Logger) throws -> (KafkaConfiguration, path: String?) {
        let fallback = "config/kafka.local.properties"
        let path = explicitPath ?? environment["KAFKA_CONFIG"] ?? (access(fallback, R_OK) == 0 ? fallback : nil)
        let configuration = try load(path: path, environment: environment)
        for key in configuration.droppedKeys {
            logger.notice("ignoring a setting that is not for the Kafka client", metadata: ["kafka.key": "\(key)"])
        }
        return (configuration, path)
    }

    public mutating func set(_ key: String, _ value: String) {
        if key.hasPrefix("schema.registry.") || key.hasPrefix("basic.auth.") {
            if !droppedKeys.contains(key) { droppedKeys.append(key) }
            return
        }
        properties[key] = value
    }

    /// A copy with `key` set only where the caller's configuration did not set it.
    public func withDefault(_ key: String, _ value: String) -> KafkaConfiguration {
        var copy = self
        if copy.properties[key] == nil { copy.properties[key] = value }
        return copy
    }

    public var bootstrapServers: String { properties["bootstrap.servers"] ?? "" }

    public var description: String { Secrets.redacted(properties) }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
