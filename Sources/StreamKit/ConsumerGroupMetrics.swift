import Prometheus
import RecoKafka

/// What every consumer-group service exposes (`reco_<service>_…`): messages processed, dead
/// letters, and lag per partition. Services add their own metrics to the same registry.
public final class ConsumerGroupMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let service: String
    private let consumed: Counter
    private let deadLetters: Counter

    public init(service: String, registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        self.service = service
        consumed = registry.makeCounter(descriptor: MetricNameDescriptor(namespace: "reco", subsystem: service, metricName: "messages_consumed",
                                                                          unitName: "total", helpText: "Kafka messages processed (good and bad)."))
        deadLetters = registry.makeCounter(descriptor: MetricNameDescriptor(namespace: "reco", subsystem: service, metricName: "dead_letters",
                                                                             unitName: "total", helpText: "Messages sent to the dead-letter topic."))
    }

    func batchDone(messages: Int, deadLetters: Int) {
        consumed.increment(by: Int64(messages))
        self.deadLetters.increment(by: Int64(deadLetters))
    }

    /// `reco_stream_lost_events_total{service,topic,partition}`: offsets the topic lost before this service read them.
    func lost(_ gap: StreamGap) {
        gap.count(in: registry, service: service)
    }

    func lag(_ lag: [KafkaTopicPartition: Int64]) {
        for (partition, messages) in lag {
            registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "reco", subsystem: service, metricName: "lag", unitName: "messages",
                                                                 helpText: "Messages behind the end of each assigned partition."),
                               labels: [("topic", partition.topic), ("partition", String(partition.partition))]).set(to: Double(messages))
        }
    }
}
