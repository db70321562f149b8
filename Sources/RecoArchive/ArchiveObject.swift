/// A closed object: the JSON lines of one partition's records from `startOffset` through
/// `endOffset` (records that were dead-lettered inside the range have no line).
public struct ArchiveObject: Sendable, Equatable {
    public var key: String
    public var topic: String
    public var partition: Int32
    public var startOffset: Int64
    public var endOffset: Int64
    public var records: Int
    public var body: [UInt8]

    /// The offset to commit once the object is durable.
    public var nextOffset: Int64 { endOffset + 1 }
}
