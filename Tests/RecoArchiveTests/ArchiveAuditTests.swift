import Foundation
@testable import RecoArchive
import Testing

/// `reco audit --archive`: which offsets of a partition the objects hold, from their keys' first
/// offsets and line counts, with the offsets the archiver leaves out (not JSON) skipped.
struct ArchiveAuditTests {
    private func archive(_ objects: [(start: Int64, lines: Int)], topic: String = "watch_events", partition: Int32 = 0) async throws -> ArchiveAudit {
        let root = NSTemporaryDirectory() + "archive-audit-\(UUID().uuidString)"
        let target = DirectoryTarget(root: root)
        let settings = ArchiveSettings(topicsDirectory: "topics")
        for object in objects {
            let body = (0..<object.lines).map { "{\"line\":\($0)}\n" }.joined()
            try await target.put(key: settings.objectKey(topic: topic, partition: partition, startOffset: object.start), body: Array(body.utf8))
        }
        // Another partition's and a stray file under the prefix count for nothing.
        try await target.put(key: settings.objectKey(topic: topic, partition: partition + 1, startOffset: 0), body: Array("{}\n{}\n".utf8))
        try await target.put(key: "topics/\(topic)/partition=\(partition)/notes.txt", body: Array("x\n".utf8))
        return ArchiveAudit(target: target, settings: settings)
    }

    @Test func objectsThatTileThePartitionArchiveEveryOffsetButTheLeftOutOnes() async throws {
        // Offsets 0…9: 3 is not JSON (dead-lettered), so the first object's 4 lines are 0, 1, 2, 4.
        let audit = try await archive([(0, 4), (5, 5)])
        let result = try await audit.audit(topic: "watch_events", partition: 0, range: 0..<10, leftOut: [3], lost: [])
        #expect(result == ArchiveAudit.Result(objects: 2, archived: 9, archivedTwice: 0, notArchived: []))
    }

    @Test func aMissingObjectAnOverlapAndAGapAreToldApart() async throws {
        // 0…4 archived, 5…7 in no object, 8…11 archived and 10…11 again, 12…14 lost from the log.
        let audit = try await archive([(0, 5), (8, 4), (10, 2)])
        let result = try await audit.audit(topic: "watch_events", partition: 0, range: 0..<15, leftOut: [], lost: [12...14])
        #expect(result.objects == 3)
        #expect(result.archived == 9 && result.archivedTwice == 2)
        #expect(result.notArchived == [5...7])
        #expect(result.notArchivedCount == 3)
        // Only the audited range counts: objects below it are read but hold nothing of it.
        let later = try await audit.audit(topic: "watch_events", partition: 0, range: 5..<12, leftOut: [], lost: [])
        #expect(later.archived == 4 && later.notArchived == [5...7])
    }

    @Test func keysNameTheirFirstOffset() {
        #expect(ArchiveAudit.startOffset(key: "topics/t/partition=2/t+2+0000001234.json", topic: "t", partition: 2) == 1_234)
        #expect(ArchiveAudit.startOffset(key: "topics/t/partition=2/t+20+0000001234.json", topic: "t", partition: 2) == nil)
        #expect(ArchiveAudit.startOffset(key: "topics/t/partition=2/t+2+0000001234.json.tmp", topic: "t", partition: 2) == nil)
    }
}
