import Prometheus
import RecoCore
import RecoKafka

/// Offsets of a partition that a consuming service will never read: the log no longer holds
/// them (retention deleted them before the group got there, or an offset reset jumped past
/// them). `firstLost...lastLost`, both included.
public struct StreamGap: Sendable, Equatable, CustomStringConvertible {
    public var partition: KafkaTopicPartition
    public var firstLost: Int64
    public var lastLost: Int64

    public init(partition: KafkaTopicPartition, firstLost: Int64, lastLost: Int64) {
        self.partition = partition
        self.firstLost = firstLost
        self.lastLost = lastLost
    }

    public var events: Int64 { lastLost - firstLost + 1 }

    public var description: String {
        "\(partition.topic)[\(partition.partition)] offsets \(firstLost)…\(lastLost) (\(Decimals.grouped(Int(events))) events)"
    }
}

extension StreamGap {
    /// Adds the gap to `reco_stream_lost_events_total{service,topic,partition}`, the one counter
    /// every consuming service (the stream services and reco-api's follower) reports lost offsets in.
    public func count(in registry: PrometheusCollectorRegistry, service: String) {
        registry.makeCounter(descriptor: MetricNameDescriptor(namespace: "reco", subsystem: "stream", metricName: "lost_events", unitName: "total",
                                                              helpText: "Offsets the topic no longer held when this service got to them (retention, offset reset)."),
                             labels: [("service", service), ("topic", partition.topic), ("partition", String(partition.partition))])
            .increment(by: events)
    }
}
