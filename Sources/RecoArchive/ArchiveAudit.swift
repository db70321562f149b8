/// What the archive holds of one partition, offset by offset (`reco audit --archive`). An
/// object's key names its first offset and its body has one line per record from there on; the
/// archiver leaves out only records that are not JSON (it dead-letters them), so an object holds
/// its first offset and the following ones that were not left out, as many as it has lines.
public struct ArchiveAudit: Sendable {
    public struct Result: Sendable, Equatable {
        /// Objects of the partition that were read.
        public var objects: Int
        /// Offsets of the audited range that some object holds.
        public var archived: Int64
        /// Offsets of the range held by more than one object (objects that overlap).
        public var archivedTwice: Int64
        /// Offsets of the range no object holds, that were neither left out (not JSON) nor lost
        /// from the log: what the archive is missing.
        public var notArchived: [ClosedRange<Int64>]

        public var notArchivedCount: Int64 { notArchived.reduce(0) { $0 + $1.upperBound - $1.lowerBound + 1 } }
    }

    public let target: any ArchiveTarget
    public let settings: ArchiveSettings

    public init(target: any ArchiveTarget, settings: ArchiveSettings) {
        self.target = target
        self.settings = settings
    }

    /// `range`: the offsets to account for; `leftOut`: offsets the archiver dead-letters (not
    /// JSON); `lost`: offsets the log lost before anyone read them.
    public func audit(topic: String, partition: Int32, range: Range<Int64>, leftOut: Set<Int64>, lost: [ClosedRange<Int64>]) async throws -> Result {
        let example = settings.objectKey(topic: topic, partition: partition, startOffset: 0)
        let prefix = String(example[..<(example.lastIndex(of: "/").map { example.index(after: $0) } ?? example.startIndex)])
        let keys = try await target.list(prefix: prefix)
        // How many objects hold each offset of the range: 0, 1 or 2 (two or more).
        var holders = [UInt8](repeating: 0, count: max(0, Int(range.upperBound - range.lowerBound)))
        var objects = 0
        for key in keys {
            guard let start = Self.startOffset(key: key, topic: topic, partition: partition) else { continue }
            let body = try await target.get(key: key)
            objects += 1
            var lines = body.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            var offset = start
            // Bounded: every step either takes a line or passes an offset that was left out.
            let limit = start + Int64(lines) + Int64(leftOut.count)
            while lines > 0 && offset < limit {
                if !leftOut.contains(offset) {
                    if range.contains(offset) {
                        let index = Int(offset - range.lowerBound)
                        if holders[index] < 2 { holders[index] += 1 }
                    }
                    lines -= 1
                }
                offset += 1
            }
        }
        var archived: Int64 = 0
        var twice: Int64 = 0
        var missing: [ClosedRange<Int64>] = []
        for (index, count) in holders.enumerated() {
            let offset = range.lowerBound + Int64(index)
            if count > 0 {
                archived += 1
                if count > 1 { twice += 1 }
                continue
            }
            guard !leftOut.contains(offset), !lost.contains(where: { $0.contains(offset) }) else { continue }
            if let last = missing.last, last.upperBound == offset - 1 {
                missing[missing.count - 1] = last.lowerBound...offset
            } else {
                missing.append(offset...offset)
            }
        }
        return Result(objects: objects, archived: archived, archivedTwice: twice, notArchived: missing)
    }

    /// The first offset an object key names (`…/<topic>+<partition>+<offset>.json`), nil for
    /// anything else under the prefix.
    static func startOffset(key: String, topic: String, partition: Int32) -> Int64? {
        let name = key.split(separator: "/").last.map(String.init) ?? key
        let head = "\(topic)+\(partition)+"
        guard name.hasPrefix(head), name.hasSuffix(".json") else { return nil }
        return Int64(name.dropFirst(head.count).dropLast(".json".count))
    }
}
