/// Kafka Connect S3 sink settings that decide object boundaries (`flush.size`,
/// `rotate.interval.ms` with the record-time extractor, `topics.dir`).
public struct ArchiveSettings: Sendable, Equatable {
    /// Records per object at most.
    public var flushSize: Int
    /// An object is closed before a record whose Kafka timestamp is this many milliseconds or
    /// more after the object's first record; nil turns time rotation off.
    public var rotateIntervalMilliseconds: Int64?
    /// The key prefix under which `<topic>/partition=<p>/…` objects go.
    public var topicsDirectory: String

    public init(flushSize: Int = 1000, rotateIntervalMilliseconds: Int64? = 600_000, topicsDirectory: String = "topics") {
        self.flushSize = max(1, flushSize)
        self.rotateIntervalMilliseconds = rotateIntervalMilliseconds
        self.topicsDirectory = topicsDirectory
    }

    /// `topics/<topic>/partition=<p>/<topic>+<p>+<startOffset, 10 digits>.json`, as the S3 sink's
    /// default partitioner and JSON format name them.
    public func objectKey(topic: String, partition: Int32, startOffset: Int64) -> String {
        let digits = String(startOffset)
        let padded = String(repeating: "0", count: max(0, 10 - digits.count)) + digits
        let prefix = topicsDirectory.isEmpty ? "" : topicsDirectory + "/"
        return "\(prefix)\(topic)/partition=\(partition)/\(topic)+\(partition)+\(padded).json"
    }
}
