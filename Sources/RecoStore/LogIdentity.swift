/// Which incarnation of a Kafka log a batch comes from: the cluster's id (librdkafka's) and, per
/// partition, the end of the log (high watermark) as the consumer last saw it. Offsets restart
/// at 0 on a new cluster or a recreated topic; the store uses this to tell such a restart from
/// a replay, instead of skipping the new events as already stored.
public struct LogIdentity: Sendable, Equatable {
    public struct Partition: Hashable, Sendable {
        public var topic: String
        public var partition: Int32

        public init(topic: String, partition: Int32) {
            self.topic = topic
            self.partition = partition
        }
    }

    public var clusterId: String
    public var highWatermarks: [Partition: Int64]

    public init(clusterId: String, highWatermarks: [Partition: Int64] = [:]) {
        self.clusterId = clusterId
        self.highWatermarks = highWatermarks
    }
}
