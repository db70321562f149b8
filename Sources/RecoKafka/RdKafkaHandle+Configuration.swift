import CRdKafka
import RecoCore

/// The C configuration object a client is created from.
extension KafkaConfiguration {
    /// A librdkafka configuration object for a client of `kind`, with only the properties that
    /// apply to it; unknown keys or bad values fail with librdkafka's own message (secret values
    /// are not repeated in it).
    func makeConf(for kind: RdKafkaHandle.Kind) throws(KafkaError) -> OpaquePointer {
        guard let conf = rd_kafka_conf_new() else { throw .configuration("cannot allocate a configuration") }
        var errorText = [CChar](repeating: 0, count: 512)
        for key in properties.keys.sorted() where ClientTypeProperties.applies(key, to: kind) {
            let value = properties[key] ?? ""
            let result = rd_kafka_conf_set(conf, key, value, &errorText, errorText.count)
            if result != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                let detail = RdKafkaCString.string(errorText)
                throw .configuration(Secrets.isSecret(key) ? "invalid value for \(key)" : "\(detail)")
            }
        }
        return conf
    }
}
