import Prometheus
import RecoKafka

/// The consumer's Prometheus metrics (served on `--metrics-port`): throughput, dead letters,
/// lag per partition and how long each stage of a batch takes.
final class ConsumerMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    private let consumed: Counter
    private let events: Counter
    private let rows: Counter
    private let deadLetters: Counter
    private let recommendSeconds: DurationHistogram
    private let writeSeconds: DurationHistogram
    private let eventLatency: DurationHistogram

    static let stageBuckets: [Duration] = [.milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                                           .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5)]

    init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "reco", subsystem: "consumer", metricName: metric, unitName: unit, helpText: help)
        }
        consumed = registry.makeCounter(descriptor: name("messages_consumed", "total", "Kafka messages processed (good and bad)."))
        events = registry.makeCounter(descriptor: name("events", "total", "Watch events decoded."))
        rows = registry.makeCounter(descriptor: name("rows_written", "total", "Rows inserted into recommendations (replays insert none)."))
        deadLetters = registry.makeCounter(descriptor: name("dead_letters", "total", "Messages sent to the dead-letter topic."))
        recommendSeconds = registry.makeDurationHistogram(descriptor: name("batch_recommend", "seconds", "Time to get a batch's recommendations."),
                                                          buckets: Self.stageBuckets)
        writeSeconds = registry.makeDurationHistogram(descriptor: name("batch_write", "seconds", "Time to write a batch's rows in PostgreSQL."),
                                                      buckets: Self.stageBuckets)
        eventLatency = registry.makeDurationHistogram(descriptor: name("event_latency", "seconds", "From an event's Kafka timestamp to its rows' commit."),
                                                      buckets: Self.stageBuckets)
    }

    func batchWritten(messages: Int, events: Int, rows: Int, deadLetters: Int, recommend: Duration, write: Duration, latenciesMilliseconds: [Double]) {
        consumed.increment(by: Int64(messages))
        self.events.increment(by: Int64(events))
        self.rows.increment(by: Int64(rows))
        self.deadLetters.increment(by: Int64(deadLetters))
        recommendSeconds.record(recommend)
        writeSeconds.record(write)
        for latency in latenciesMilliseconds where latency >= 0 { eventLatency.record(.milliseconds(Int64(latency))) }
    }

    func lag(_ lag: [KafkaTopicPartition: Int64]) {
        for (partition, messages) in lag {
            registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "reco", subsystem: "consumer", metricName: "lag", unitName: "messages",
                                                                 helpText: "Messages behind the end of each assigned partition."),
                               labels: [("topic", partition.topic), ("partition", String(partition.partition))]).set(to: Double(messages))
        }
    }
}
