import RecoArchive
import RecoCore
import Testing

struct PartitionWriterTests {
    private func line(_ n: Int) -> [UInt8] { Array("{\"n\":\(n)}".utf8) }

    @Test func keysFollowTheS3SinkLayout() {
        let settings = ArchiveSettings()
        #expect(settings.objectKey(topic: "watch_events", partition: 3, startOffset: 42)
                == "topics/watch_events/partition=3/watch_events+3+0000000042.json")
        #expect(ArchiveSettings(topicsDirectory: "").objectKey(topic: "t", partition: 0, startOffset: 12_345_678_901)
                == "t/partition=0/t+0+12345678901.json")
    }

    @Test func closesAfterFlushSizeRecords() {
        var writer = PartitionWriter(topic: "t", partition: 1, settings: ArchiveSettings(flushSize: 3, rotateIntervalMilliseconds: nil))
        var objects: [ArchiveObject] = []
        for offset in 10..<18 { objects += writer.append(offset: Int64(offset), timestamp: nil, json: line(offset)) }
        #expect(objects.map(\.key) == ["topics/t/partition=1/t+1+0000000010.json", "topics/t/partition=1/t+1+0000000013.json"])
        #expect(objects.map(\.records) == [3, 3])
        #expect(String(decoding: objects[0].body, as: UTF8.self) == "{\"n\":10}\n{\"n\":11}\n{\"n\":12}\n")
        #expect(objects[1].nextOffset == 16)
        // Records 16 and 17 are open: the committable offset stays at their start.
        #expect(writer.committableOffset == 16)
        #expect(writer.pendingRecords == 2)
    }

    @Test func anOpenObjectClosedEarlyKeepsItsKeyAndAReplayOverwritesIt() {
        let settings = ArchiveSettings(flushSize: 3, rotateIntervalMilliseconds: nil)
        var writer = PartitionWriter(topic: "t", partition: 1, settings: settings)
        #expect(writer.closeOpen() == nil)
        for offset in 10..<12 { #expect(writer.append(offset: Int64(offset), timestamp: nil, json: line(offset)).isEmpty) }
        let early = writer.closeOpen()
        #expect(early?.key == "topics/t/partition=1/t+1+0000000010.json" && early?.records == 2 && early?.nextOffset == 12)
        #expect(writer.committableOffset == 12 && writer.pendingRecords == 0)
        // The next object starts after it.
        #expect(writer.append(offset: 12, timestamp: nil, json: line(12)).isEmpty)
        #expect(writer.committableOffset == 12)
        // A crash before its offsets were committed: the replay closes a full object under the same key.
        var replay = PartitionWriter(topic: "t", partition: 1, settings: settings)
        let again = (10..<13).flatMap { replay.append(offset: Int64($0), timestamp: nil, json: line($0)) }
        #expect(again.map(\.key) == [early?.key] && again.first?.records == 3)
    }

    @Test func closesBeforeARecordOutsideTheInterval() {
        var writer = PartitionWriter(topic: "t", partition: 0, settings: ArchiveSettings(flushSize: 100, rotateIntervalMilliseconds: 1000))
        var objects: [ArchiveObject] = []
        let times: [Int64] = [5_000, 5_400, 5_999, 6_000, 6_100, 9_000]
        for (offset, time) in times.enumerated() { objects += writer.append(offset: Int64(offset), timestamp: time, json: line(offset)) }
        // 6000 - 5000 >= 1000 closes [0, 2]; 9000 - 6000 closes [3, 4]; 9000 stays open.
        #expect(objects.map(\.startOffset) == [0, 3])
        #expect(objects.map(\.endOffset) == [2, 4])
        #expect(writer.committableOffset == 5)
    }

    @Test func newlinesInsideAValueDoNotSplitALine() {
        var writer = PartitionWriter(topic: "t", partition: 0, settings: ArchiveSettings(flushSize: 1))
        let objects = writer.append(offset: 0, timestamp: nil, json: Array("{\n\"a\":\r\n1}".utf8))
        #expect(objects.first?.body == Array("{ \"a\":  1}\n".utf8))
    }

    @Test func skippedRecordsAreInsideTheRangeAndCommittableWhenNothingIsOpen() {
        var writer = PartitionWriter(topic: "t", partition: 0, settings: ArchiveSettings(flushSize: 2, rotateIntervalMilliseconds: nil))
        writer.skip(offset: 0)
        #expect(writer.committableOffset == 1)
        var objects = writer.append(offset: 1, timestamp: nil, json: line(1))
        writer.skip(offset: 2)
        objects += writer.append(offset: 3, timestamp: nil, json: line(3))
        #expect(objects.count == 1)
        #expect(objects[0].startOffset == 1)
        #expect(objects[0].endOffset == 3)
        #expect(objects[0].records == 2)
        #expect(writer.committableOffset == 4)
    }

    /// The replay after a crash starts at the committed offset and must close the same objects,
    /// however polls split the records.
    @Test func aReplayFromTheCommittedOffsetClosesTheSameObjects() {
        let settings = ArchiveSettings(flushSize: 7, rotateIntervalMilliseconds: 2_000)
        var random = SplitMix64(seed: 11)
        let records: [(offset: Int64, time: Int64)] = (0..<200).map { (Int64($0), Int64($0) * 97 + Int64(random.next() % 50)) }

        var first = PartitionWriter(topic: "t", partition: 2, settings: settings)
        var firstObjects: [ArchiveObject] = []
        var committedAtCrash: Int64 = 0
        for record in records {
            firstObjects += first.append(offset: record.offset, timestamp: record.time, json: line(Int(record.offset)))
            if record.offset == 120 { committedAtCrash = first.committableOffset ?? 0 }
        }
        // A new member starts from the offset committed at the crash.
        var second = PartitionWriter(topic: "t", partition: 2, settings: settings)
        var secondObjects: [ArchiveObject] = []
        for record in records where record.offset >= committedAtCrash {
            secondObjects += second.append(offset: record.offset, timestamp: record.time, json: line(Int(record.offset)))
        }
        let expected = firstObjects.filter { $0.startOffset >= committedAtCrash }
        #expect(!expected.isEmpty)
        #expect(secondObjects == expected)
    }

    @Test func aRewindStartsTheOpenObjectOver() {
        var writer = PartitionWriter(topic: "t", partition: 0, settings: ArchiveSettings(flushSize: 3, rotateIntervalMilliseconds: nil))
        _ = writer.append(offset: 5, timestamp: nil, json: line(5))
        _ = writer.append(offset: 6, timestamp: nil, json: line(6))
        // The partition was re-assigned and fetching restarted at the committed offset 5.
        var objects = writer.append(offset: 5, timestamp: nil, json: line(5))
        objects += writer.append(offset: 6, timestamp: nil, json: line(6))
        objects += writer.append(offset: 7, timestamp: nil, json: line(7))
        #expect(objects.count == 1)
        #expect(objects[0].records == 3)
        #expect(objects[0].startOffset == 5)
    }
}
