/// Where in the watch log a model's learning stopped: for each partition of `topic` on the
/// cluster `clusterId`, the next offset after the events it learned from (everything below was
/// stored when its watches were exported). A replica on the same cluster and topic starts each
/// partition exactly there; elsewhere it falls back to the model's cutoff time.
public struct LogPositions: Sendable, Codable, Equatable {
    public var clusterId: String
    public var topic: String
    /// Partition number (as text, for JSON) → next offset.
    public var nextOffsets: [String: Int64]

    public init(clusterId: String, topic: String, nextOffsets: [String: Int64]) {
        self.clusterId = clusterId
        self.topic = topic
        self.nextOffsets = nextOffsets
    }

    /// The next offset of `partition`, nil for a partition the model never saw (read it all).
    public func nextOffset(partition: Int32) -> Int64? { nextOffsets[String(partition)] }

    enum CodingKeys: String, CodingKey {
        case topic
        case clusterId = "cluster_id"
        case nextOffsets = "next_offsets"
    }
}
