/// One row of `stream_gaps`: offsets of a partition that a service found the topic no longer
/// held when it got to them (retention, an offset reset), so they were never processed.
public struct StreamGapRow: Sendable, Equatable {
    /// The service that found it (`consumer`).
    public var service: String
    public var topic: String
    public var partition: Int32
    public var firstOffset: Int64
    /// Included.
    public var lastOffset: Int64
    /// What the service did next (`fail`, `continue`).
    public var policy: String

    public init(service: String, topic: String, partition: Int32, firstOffset: Int64, lastOffset: Int64, policy: String) {
        self.service = service
        self.topic = topic
        self.partition = partition
        self.firstOffset = firstOffset
        self.lastOffset = lastOffset
        self.policy = policy
    }
}
