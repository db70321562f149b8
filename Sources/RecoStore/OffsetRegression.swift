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
    /// Offsets the previous log held (up to the highest log end this consumer saw there) that
    /// were never stored: acknowledged to the producer, then gone with the old cluster or topic.
    public var lostOnPreviousLog: ClosedRange<Int64>?

    public init(topic: String, partition: Int32, previousClusterId: String, clusterId: String, previousNextOffset: Int64,
                highWatermark: Int64?, incarnation: Int, lostOnPreviousLog: ClosedRange<Int64>? = nil) {
        self.topic = topic
        self.partition = partition
        self.previousClusterId = previousClusterId
        self.clusterId = clusterId
        self.previousNextOffset = previousNextOffset
        self.highWatermark = highWatermark
        self.incarnation = incarnation
        self.lostOnPreviousLog = lostOnPreviousLog
    }

    public var description: String {
        let why = previousClusterId != clusterId ? "cluster \(previousClusterId) → \(clusterId)"
            : "log end \(highWatermark.map(String.init) ?? "?") below the stored position \(previousNextOffset) (topic recreated?)"
        let lost = lostOnPreviousLog.map { "; offsets \($0.lowerBound)…\($0.upperBound) of the previous log (\($0.count) events) were never read and are lost" } ?? ""
        return "\(topic)/\(partition): offsets restarted (\(why)); incarnation \(incarnation) starts at offset 0\(lost)"
    }
}
