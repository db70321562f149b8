import Prometheus
import StreamKit

/// The consumer's Prometheus metrics (served on `--metrics-port`): the consumer-group figures
/// every stream service has, plus events, rows and how long each stage of a batch takes.
final class ConsumerMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    let group: ConsumerGroupMetrics
    private let events: Counter
    private let rows: Counter
    private let recommendSeconds: DurationHistogram
    private let writeSeconds: DurationHistogram
    private let eventLatency: DurationHistogram

    static let stageBuckets: [Duration] = [.milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                                           .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5)]

    init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        group = ConsumerGroupMetrics(service: "consumer", registry: registry)
        func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "reco", subsystem: "consumer", metricName: metric, unitName: unit, helpText: help)
        }
        events = registry.makeCounter(descriptor: name("events", "total", "Watch events decoded."))
        rows = registry.makeCounter(descriptor: name("rows_written", "total", "Rows inserted into recommendation_lists, one per event (replays insert none)."))
        recommendSeconds = registry.makeDurationHistogram(descriptor: name("batch_recommend", "seconds", "Time to get a batch's recommendations."),
                                                          buckets: Self.stageBuckets)
        writeSeconds = registry.makeDurationHistogram(descriptor: name("batch_write", "seconds", "Time to write a batch's rows in PostgreSQL."),
                                                      buckets: Self.stageBuckets)
        eventLatency = registry.makeDurationHistogram(descriptor: name("event_latency", "seconds", "From an event's Kafka timestamp to its row's commit."),
                                                      buckets: Self.stageBuckets)
    }

    func batchWritten(events: Int, rows: Int, recommend: Duration, write: Duration, latencies: [Duration]) {
        self.events.increment(by: Int64(events))
        self.rows.increment(by: Int64(rows))
        recommendSeconds.record(recommend)
        writeSeconds.record(write)
        for latency in latencies where latency >= .zero { eventLatency.record(latency) }
    }
}
