/// A partition whose offsets went back: a new cluster or a recreated topic. Its progress starts
/// again at 0 under a new incarnation, and the rows of earlier incarnations stay.
public struct OffsetRegression: Sendable, Equatable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32
    public var previousClusterId: String
    public var clusterId: String
    /// Where the previous incarnation's progress stood, and the end of the log now.
    public var previousNextOffset: Int64
    public var highWatermark: Int64?
    public var incarnation: Int

    public init(topic: String, partition: Int32, previousClusterId: String, clusterId: String, previousNextOffset: Int64,
                highWatermark: Int64?, incarnation: Int) {
        self.topic = topic
        self.partition = partition
        self.previousClusterId = previousClusterId
        self.clusterId = clusterId
        self.previousNextOffset = previousNextOffset
        self.highWatermark = highWatermark
        self.incarnation = incarnation
    }

    public var description: String {
        let why = previousClusterId != clusterId ? "cluster \(previousClusterId) → \(clusterId)"
            : "log end \(highWatermark.map(String.init) ?? "?") below the stored position \(previousNextOffset) (topic recreated?)"
        return "\(topic)/\(partition): offsets restarted (\(why)); incarnation \(incarnation) starts at offset 0"
    }
}
