import Prometheus

/// The producer's Prometheus metrics (served on `--metrics-port`).
public final class ProducerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let produced: Counter
    private let delivered: Counter
    private let failed: Counter
    private let outstanding: Gauge
    private let consumerLag: Gauge

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "reco", subsystem: "producer", metricName: metric, unitName: unit, helpText: help)
        }
        produced = registry.makeCounter(descriptor: name("events_produced", "total", "Events handed to librdkafka."))
        delivered = registry.makeCounter(descriptor: name("events_delivered", "total", "Events acknowledged by Kafka."))
        failed = registry.makeCounter(descriptor: name("delivery_failures", "total", "Events whose delivery failed."))
        outstanding = registry.makeGauge(descriptor: name("outstanding", "messages", "Messages produced but not yet acknowledged or failed."))
        consumerLag = registry.makeGauge(descriptor: name("consumer_lag", "messages",
                                                          "The consumer group's largest lag on a partition (--lag-group), as last looked at."))
    }

    public func produced(_ count: Int = 1) { produced.increment(by: Int64(count)) }

    public func delivery(succeeded: Bool) { succeeded ? delivered.increment() : failed.increment() }

    public func outstanding(_ count: Int) { outstanding.set(to: Double(count)) }

    public func consumerLag(_ messages: Int64) { consumerLag.set(to: Double(messages)) }
}
