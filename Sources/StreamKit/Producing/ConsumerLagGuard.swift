import Logging
import RecoKafka

/// Back-pressure for a producer that can outrun its consumers: how far a consumer group is
/// behind on each partition of the topic (the log's end minus the group's committed offset), so
/// the producer can pause before the broker's retention deletes what the group has not read
/// (the embedded broker keeps about 5 MiB a partition). Partitions where the group has committed
/// nothing yet (no consumer has started) do not hold the producer: it paces a consumer, it does
/// not wait for one.
public final class ConsumerLagGuard: Sendable {
    public let group: String
    public let topic: String
    public let maxLag: Int64
    private let inspector: KafkaConsumer

    public init(kafka: KafkaConfiguration, group: String, topic: String, maxLag: Int64, logger: Logger) throws {
        var settings = kafka
        // Reads the group's offsets and never commits any (it joins nothing: no subscription).
        settings.set("enable.auto.commit", "false")
        inspector = try KafkaConsumer(configuration: settings, groupId: group, topics: [], logger: logger)
        self.group = group
        self.topic = topic
        self.maxLag = maxLag
    }

    /// The largest lag of any partition the group has committed on; nil when it has committed on
    /// none (or the brokers did not answer).
    public func largestLag(timeout: Duration = .seconds(5)) async -> Int64? {
        guard let partitions = try? await inspector.partitions(of: topic, timeout: timeout) else { return nil }
        let all = Set(partitions.map { KafkaTopicPartition(topic: topic, partition: $0) })
        let committed = await inspector.committed(all, timeout: timeout)
        guard !committed.isEmpty else { return nil }
        let logs = await inspector.logRanges(of: Set(committed.keys), timeout: timeout)
        return committed.compactMap { partition, offset in logs[partition].map { $0.upperBound - offset } }.max()
    }

    /// Waits while the group is more than `maxLag` behind, checking every `interval`; returns how
    /// long it waited. `stopping` ends the wait (a shutdown).
    public func waitWhileBehind(interval: Duration = .milliseconds(100), logger: Logger, stopping: @Sendable () -> Bool) async throws -> Duration {
        let started = ContinuousClock.now
        var lastLog: ContinuousClock.Instant?
        while !stopping(), let lag = await largestLag(), lag > maxLag {
            let now = ContinuousClock.now
            if lastLog.map({ now - $0 >= .seconds(10) }) ?? true {
                logger.notice("paused: the consumer group is behind", metadata: [
                    "producer.lag_group": "\(group)", "producer.lag": "\(lag)", "producer.max_lag": "\(maxLag)"])
                lastLog = now
            }
            try await Task.sleep(for: interval)
        }
        return ContinuousClock.now - started
    }

    /// The cluster's id (librdkafka's mock cluster, the embedded broker, names itself
    /// `mockCluster…`); nil when the brokers did not answer.
    public func clusterId(timeout: Duration = .seconds(5)) async -> String? {
        _ = try? await inspector.partitions(of: topic, timeout: timeout)
        return inspector.clusterId
    }

    /// The embedded broker's log holds about 5 MiB a partition (librdkafka's mock cluster), some
    /// 20,000 watch events: half of that leaves room for a second of commit delay at full speed.
    public static let embeddedBrokerMaxLag: Int64 = 10_000

    public func close() async {
        await inspector.close()
    }
}
