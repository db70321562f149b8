import Logging
import RecoKafka

/// What a stream service does with a batch of messages; `ConsumerGroupService` does the rest
/// (polling, idle exit, statistics, dead letters, offsets, shutdown).
///
/// `prepare` turns messages into work (decode, recommend) and says which messages are dead
/// letters; `write` makes that work durable (rows in PostgreSQL, webhook posts, archive objects)
/// and may find more dead letters. The loop stores the offsets only after `write` returned and
/// Kafka acknowledged every dead letter of the batch. With `pipelined`, batch N+1 is prepared
/// while batch N is written; writes still happen one at a time, in order.
public protocol BatchHandler: Sendable {
    associatedtype Pending: Sendable

    func prepare(_ batch: [KafkaConsumedMessage], context: BatchContext) async throws -> BatchResult<Pending>

    /// Returns the dead letters found while writing (e.g. notifications refused for good).
    func write(_ pending: Pending, context: BatchContext) async throws -> [DeadLetter]

    /// The assignment changed (work held for partitions this member lost is another member's now).
    func assignmentChanged(to partitions: Set<KafkaTopicPartition>)

    /// Figures for the statistics line, keys without the service prefix.
    func statistics() -> [(key: String, value: String)]

    /// Called once after the loop ended, before the consumer closes.
    func finish() async

    /// Work held back between batches (an archive's open objects) may be written now: called when
    /// a poll brought nothing (`draining` false) and once when the loop ends cleanly, idle or
    /// stopped (`draining` true: write everything held). Returns the offsets (the next to read)
    /// that became durable, which the loop stores and commits.
    func writeHeld(draining: Bool, context: BatchContext) async throws -> [KafkaTopicPartition: Int64]

    /// Offsets the service will never read (`StreamGap`), already logged and counted: keep them
    /// where the service keeps its results (the consumer: PostgreSQL's `stream_gaps`).
    func recordGaps(_ gaps: [StreamGap], context: BatchContext) async throws
}

extension BatchHandler {
    public func assignmentChanged(to partitions: Set<KafkaTopicPartition>) {}
    public func statistics() -> [(key: String, value: String)] { [] }
    public func finish() async {}
    public func recordGaps(_ gaps: [StreamGap], context: BatchContext) async throws {}
    public func writeHeld(draining: Bool, context: BatchContext) async throws -> [KafkaTopicPartition: Int64] { [:] }
}

/// A prepared batch: what to write, the dead letters, and the offsets to store once both are durable.
public struct BatchResult<Pending: Sendable>: Sendable {
    public var pending: Pending
    public var deadLetters: [DeadLetter]
    public var offsets: [KafkaTopicPartition: Int64]

    public init(pending: Pending, deadLetters: [DeadLetter], offsets: [KafkaTopicPartition: Int64]) {
        self.pending = pending
        self.deadLetters = deadLetters
        self.offsets = offsets
    }

    /// Every message of `batch` is finished once the batch is written.
    public init(pending: Pending, deadLetters: [DeadLetter], finishing batch: [KafkaConsumedMessage]) {
        self.init(pending: pending, deadLetters: deadLetters, offsets: KafkaTopicPartition.nextOffsets(after: batch))
    }
}
