import Logging
import RecoArchive
import RecoCore
import RecoKafka
import StreamKit
import Synchronization

/// The archiver's batch handler: raw events become S3-sink objects. A partition's offset is
/// stored only below its open object, after every closed object before it is durable and every
/// dead letter acknowledged: a crash replays from the first record of the open object, which
/// closes into the same object under the same key. An open object is also written early, with
/// the records it has, when the service drains (idle exit, SIGTERM) and when it has been open
/// longer than `scheduleInterval` by the wall clock (Kafka Connect's rotate.schedule.interval.ms):
/// its key is the same first offset, so a replay that closes it later with more records overwrites it.
final class ArchiveHandler: BatchHandler {
    struct Totals: Sendable {
        var archivedRecords = 0
        var objects = 0
    }

    /// Open objects per partition, and the offsets already stored.
    private struct State {
        var writers: [KafkaTopicPartition: PartitionWriter] = [:]
        var stored: [KafkaTopicPartition: Int64] = [:]
        /// When each open object got its first record (wall clock), for the scheduled rotation.
        var openedAt: [KafkaTopicPartition: ContinuousClock.Instant] = [:]
    }

    let archive: ArchiveSettings
    let target: any ArchiveTarget
    /// Retries while the target is down (the records stay in Kafka meanwhile): until it is back
    /// or the service stops, every failure (a denied write may be a clock or a policy being fixed).
    let targetRetry: RetryPolicy
    /// An object open this long (wall clock) is written with what it has; nil: only at a drain.
    let scheduleInterval: Duration?
    static let defaultTargetRetry = RetryPolicy.untilStopped(baseDelay: .milliseconds(500), maxDelay: .seconds(30))
    private let state = Mutex(State())
    private let counters = Mutex(Totals())

    init(archive: ArchiveSettings, target: any ArchiveTarget, targetRetry: RetryPolicy = defaultTargetRetry, scheduleInterval: Duration? = nil) {
        self.archive = archive
        self.target = target
        self.targetRetry = targetRetry
        self.scheduleInterval = scheduleInterval
    }

    var totals: Totals { counters.withLock { $0 } }

    /// Open objects of partitions this member lost are another member's now.
    func assignmentChanged(to partitions: Set<KafkaTopicPartition>) {
        state.withLock { state in
            for partition in state.writers.keys where !partitions.contains(partition) {
                state.writers[partition] = nil
                state.stored[partition] = nil
                state.openedAt[partition] = nil
            }
        }
    }

    func prepare(_ batch: [KafkaConsumedMessage], context: BatchContext) async throws -> BatchResult<[ArchiveObject]> {
        state.withLock { state in
            var closed: [ArchiveObject] = []
            // Records that are not JSON cannot be JSON lines: they go to the dead-letter topic.
            var bad: [DeadLetter] = []
            for message in batch {
                let partition = KafkaTopicPartition(topic: message.topic, partition: message.partition)
                var writer = state.writers[partition] ?? PartitionWriter(topic: message.topic, partition: message.partition, settings: archive)
                do {
                    _ = try JSONParser.parse(message.value)
                    closed += writer.append(offset: message.offset, timestamp: message.timestampMilliseconds, json: message.value)
                } catch {
                    writer.skip(offset: message.offset)
                    bad.append(DeadLetter(message: message, reason: "not_json", error: "not JSON: \(error)"))
                }
                state.writers[partition] = writer
                if writer.pendingRecords == 0 {
                    state.openedAt[partition] = nil
                } else if state.openedAt[partition] == nil {
                    state.openedAt[partition] = .now
                }
            }
            var offsets: [KafkaTopicPartition: Int64] = [:]
            for (partition, writer) in state.writers {
                if let next = writer.committableOffset, next > (state.stored[partition] ?? -1) { offsets[partition] = next }
            }
            state.stored.merge(offsets) { $1 }
            return BatchResult(pending: closed, deadLetters: bad, offsets: offsets)
        }
    }

    func write(_ objects: [ArchiveObject], context: BatchContext) async throws -> [DeadLetter] {
        var context = context
        context.retry = targetRetry
        for object in objects {
            // Until the target accepts it; a stop ends the retries and nothing is committed, so the records are read again.
            try await context.untilAvailable("archive target") { try await target.put(key: object.key, body: object.body) }
            context.logger.debug("object written", metadata: ["archive.key": "\(object.key)", "archive.records": "\(object.records)"])
        }
        counters.withLock {
            $0.objects += objects.count
            $0.archivedRecords += objects.reduce(0) { $0 + $1.records }
        }
        return []
    }

    func writeHeld(draining: Bool, context: BatchContext) async throws -> [KafkaTopicPartition: Int64] {
        let now = ContinuousClock.now
        let early: [ArchiveObject] = state.withLock { state in
            var closed: [ArchiveObject] = []
            for (partition, var writer) in state.writers where writer.pendingRecords > 0 {
                let due = draining || scheduleInterval.map { interval in state.openedAt[partition].map { now - $0 >= interval } ?? false } ?? false
                guard due, let object = writer.closeOpen() else { continue }
                state.writers[partition] = writer
                state.openedAt[partition] = nil
                closed.append(object)
            }
            return closed
        }
        guard !early.isEmpty else { return [:] }
        _ = try await write(early, context: context)
        return state.withLock { state in
            var offsets: [KafkaTopicPartition: Int64] = [:]
            for object in early {
                let partition = KafkaTopicPartition(topic: object.topic, partition: object.partition)
                if let next = state.writers[partition]?.committableOffset, next > (state.stored[partition] ?? -1) { offsets[partition] = next }
            }
            state.stored.merge(offsets) { $1 }
            return offsets
        }
    }

    func statistics() -> [(key: String, value: String)] {
        let totals = self.totals
        let open = state.withLock { $0.writers.values.reduce(0) { $0 + $1.pendingRecords } }
        return [("objects", "\(totals.objects)"), ("archived", "\(totals.archivedRecords)"), ("open_records", "\(open)")]
    }
}
