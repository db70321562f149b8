/// One partition's open object and its rotation rules (Kafka Connect's TopicPartitionWriter).
/// Boundaries depend only on the records from the object's first offset on, never on the
/// wall clock or on how polls split the stream, so a replay from the committed offset closes
/// the same objects under the same keys: overwrites, never duplicates.
public struct PartitionWriter: Sendable {
    public let topic: String
    public let partition: Int32
    public let settings: ArchiveSettings

    private var body: [UInt8] = []
    private var records = 0
    private var startOffset: Int64?
    private var baseTimestamp: Int64?
    /// The last offset seen (written or skipped).
    private var lastOffset: Int64?

    public init(topic: String, partition: Int32, settings: ArchiveSettings) {
        self.topic = topic
        self.partition = partition
        self.settings = settings
    }

    /// Records in the open object.
    public var pendingRecords: Int { records }

    /// The offset below which every record is either in a closed object or dead-lettered: the
    /// offset to commit once those are durable. Nil before the first record.
    public var committableOffset: Int64? {
        if let startOffset { return startOffset }
        return lastOffset.map { $0 + 1 }
    }

    /// Adds a record's JSON line; returns the objects this closed (none, one, or two when a time
    /// rotation and a full object coincide).
    public mutating func append(offset: Int64, timestamp: Int64?, json: [UInt8]) -> [ArchiveObject] {
        var closed: [ArchiveObject] = []
        restartIfRewound(offset)
        if records > 0, let interval = settings.rotateIntervalMilliseconds, let base = baseTimestamp, let timestamp,
           timestamp - base >= interval, let object = close(through: lastOffset ?? offset - 1) {
            closed.append(object)
        }
        if startOffset == nil {
            startOffset = offset
            baseTimestamp = timestamp
        } else if baseTimestamp == nil {
            baseTimestamp = timestamp
        }
        for byte in json { body.append(byte == 0x0A || byte == 0x0D ? 0x20 : byte) }
        body.append(0x0A)
        records += 1
        lastOffset = offset
        if records >= settings.flushSize, let object = close(through: offset) { closed.append(object) }
        return closed
    }

    /// Closes the open object early, with the records it has (a drain, a scheduled rotation); nil
    /// when it holds none. Its key is its first offset's as always, so a replay that closes it
    /// later with more records overwrites it.
    public mutating func closeOpen() -> ArchiveObject? {
        guard let lastOffset else { return nil }
        return close(through: lastOffset)
    }

    /// A record that was dead-lettered: part of the open object's range, without a line.
    public mutating func skip(offset: Int64) {
        restartIfRewound(offset)
        lastOffset = offset
    }

    /// Forgets the open object (partition revoked): its records will be read again from the
    /// committed offset, by this member or another.
    public mutating func reset() {
        body = []
        records = 0
        startOffset = nil
        baseTimestamp = nil
        lastOffset = nil
    }

    private mutating func restartIfRewound(_ offset: Int64) {
        // The consumer went back to the committed offset (partition re-assigned): start over.
        if let lastOffset, offset <= lastOffset { reset() }
    }

    private mutating func close(through endOffset: Int64) -> ArchiveObject? {
        guard let startOffset, records > 0 else { return nil }
        let object = ArchiveObject(key: settings.objectKey(topic: topic, partition: partition, startOffset: startOffset), topic: topic,
                                   partition: partition, startOffset: startOffset, endOffset: endOffset, records: records, body: body)
        body = []
        records = 0
        self.startOffset = nil
        baseTimestamp = nil
        return object
    }
}
