import RecoKafka
import StreamKit
import Testing

/// Which skipped offsets are gaps: only those the log no longer holds.
@Suite struct GapTrackerTests {
    private let partition = KafkaTopicPartition(topic: "watch_events", partition: 2)

    private func messages(_ offsets: [Int64], partition: Int32 = 2) -> [KafkaConsumedMessage] {
        offsets.map { KafkaConsumedMessage(topic: "watch_events", partition: partition, offset: $0, key: nil, value: []) }
    }

    @Test func aFirstMessageBeyondTheCommittedOffsetOfADeletedLogIsAGap() {
        var tracker = GapTracker()
        tracker.assigned(committed: [partition: 100])
        let suspects = tracker.suspects(in: messages([2_500, 2_501]))
        #expect(suspects == [.init(partition: partition, expected: 100, found: 2_500)])
        let gaps = GapTracker.gaps(in: suspects, logStarts: [partition: 2_500])
        #expect(gaps == [StreamGap(partition: partition, firstLost: 100, lastLost: 2_499)])
        #expect(gaps.first?.events == 2_400)
        #expect(gaps.first?.description == "watch_events[2] offsets 100…2499 (2,400 events)")
    }

    @Test func skippedOffsetsTheLogStillHoldsAreNotAGap() {
        // Compaction or transaction markers skip offsets in a log that still starts before them.
        var tracker = GapTracker()
        tracker.assigned(committed: [partition: 100])
        let suspects = tracker.suspects(in: messages([100, 101, 105]))
        #expect(suspects == [.init(partition: partition, expected: 102, found: 105)])
        #expect(GapTracker.gaps(in: suspects, logStarts: [partition: 0]).isEmpty)
    }

    @Test func aLogStartNobodyCouldAskForCountsAsLost() {
        let suspects = [GapTracker.Suspect(partition: partition, expected: 10, found: 50)]
        #expect(GapTracker.gaps(in: suspects, logStarts: [:]) == [StreamGap(partition: partition, firstLost: 10, lastLost: 49)])
    }

    @Test func replaysAndNewGroupsAreNotSuspects() {
        var tracker = GapTracker()
        // A new group has no committed offset: its first message is where it starts.
        #expect(tracker.suspects(in: messages([7_000, 7_001])).isEmpty)
        tracker.consumed(messages([7_000, 7_001]))
        // Reading again from an earlier offset (a rebalance, a restart) is a replay.
        #expect(tracker.suspects(in: messages([6_990, 6_991])).isEmpty)
        tracker.consumed(messages([6_990, 6_991]))
        #expect(tracker.suspects(in: messages([6_992])).isEmpty)
        tracker.consumed(messages([6_992]))
        // Each partition is followed on its own.
        tracker.assigned(committed: [KafkaTopicPartition(topic: "watch_events", partition: 3): 5])
        #expect(tracker.suspects(in: messages([6_993]) + messages([5, 6], partition: 3)).isEmpty)
        #expect(tracker.suspects(in: messages([9], partition: 3)).count == 1)
    }

    @Test func aPartitionThisMemberLostIsForgotten() {
        var tracker = GapTracker()
        tracker.assigned(committed: [partition: 100])
        tracker.retain([])
        #expect(tracker.suspects(in: messages([900])).isEmpty)
    }
}
