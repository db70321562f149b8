import RecoKafka

/// Where each assigned partition's next message should be, to notice offsets that were skipped.
///
/// A partition starts at the group's committed offset when it is assigned; each message moves it
/// on. A message beyond the expected offset is only a suspect: compaction and transaction
/// markers skip offsets too. It is a gap when the log no longer starts at or before the expected
/// offset (`gaps(in:logStarts:)`): those offsets are gone. A message before the expected offset
/// (a rebalance or a restart reading again from the committed offset) is a replay, not a gap.
public struct GapTracker: Sendable {
    public struct Suspect: Sendable, Equatable {
        public var partition: KafkaTopicPartition
        public var expected: Int64
        public var found: Int64

        public init(partition: KafkaTopicPartition, expected: Int64, found: Int64) {
            self.partition = partition
            self.expected = expected
            self.found = found
        }
    }

    private var expected: [KafkaTopicPartition: Int64] = [:]

    public init() {}

    /// Partitions newly assigned, with the group's committed offsets (those without one, a new
    /// group's, are not checked until their first message).
    public mutating func assigned(committed: [KafkaTopicPartition: Int64]) {
        expected.merge(committed) { $1 }
    }

    /// Forgets partitions this member no longer owns.
    public mutating func retain(_ partitions: Set<KafkaTopicPartition>) {
        expected = expected.filter { partitions.contains($0.key) }
    }

    /// Every skip forward in `batch` (Kafka order per partition) against what was expected.
    public func suspects(in batch: [KafkaConsumedMessage]) -> [Suspect] {
        var next = expected
        var found: [Suspect] = []
        for message in batch {
            let partition = KafkaTopicPartition(topic: message.topic, partition: message.partition)
            if let want = next[partition], message.offset > want {
                found.append(Suspect(partition: partition, expected: want, found: message.offset))
            }
            next[partition] = message.offset + 1
        }
        return found
    }

    /// The suspects whose skipped offsets the log no longer holds: the lost range runs from the
    /// expected offset to just before the log's start (or the message found, if earlier). A
    /// partition whose log start is unknown (the broker did not answer) counts as lost: being
    /// loud about a loss that was not is better than being silent about one that was.
    public static func gaps(in suspects: [Suspect], logStarts: [KafkaTopicPartition: Int64]) -> [StreamGap] {
        suspects.compactMap { suspect in
            let start = logStarts[suspect.partition] ?? suspect.found
            guard start > suspect.expected else { return nil }
            return StreamGap(partition: suspect.partition, firstLost: suspect.expected, lastLost: min(start, suspect.found) - 1)
        }
    }

    /// The batch was read: each partition's next message follows its last one.
    public mutating func consumed(_ batch: [KafkaConsumedMessage]) {
        for message in batch {
            expected[KafkaTopicPartition(topic: message.topic, partition: message.partition)] = message.offset + 1
        }
    }
}
