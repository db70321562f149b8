import Foundation
import Logging
import RecoArchive
import RecoCore
import RecoKafka
import Synchronization

/// Reads the topic in its own consumer group and writes its raw events as S3-sink objects.
/// A partition's offset is stored only below its open object, after every closed object before
/// it is durable and every dead letter acknowledged: a crash replays from the first record of
/// the open object, which closes into the same object under the same key.
final class ArchiverLoop: Sendable {
    struct Settings: Sendable {
        var topic: String
        var deadLetterTopic: String
        var archive: ArchiveSettings
        var pollSize = 2000
        var exitWhenIdle: Duration?
        var statsInterval: Duration = .seconds(10)
        /// Delays between attempts while the target is down (the records stay in Kafka meanwhile).
        var targetRetry = RetryPolicy(maxAttempts: .max, baseDelay: .milliseconds(500), maxDelay: .seconds(30))
    }

    struct Totals: Sendable {
        var consumed = 0
        var archivedRecords = 0
        var objects = 0
        var deadLetters = 0
    }

    let settings: Settings
    let consumer: KafkaConsumer
    let deadLetters: KafkaProducer
    let target: any ArchiveTarget
    let logger: Logger
    private let stopRequested = Atomic<Bool>(false)
    private let counters = Mutex(Totals())

    init(settings: Settings, consumer: KafkaConsumer, deadLetters: KafkaProducer, target: any ArchiveTarget, logger: Logger) {
        self.settings = settings
        self.consumer = consumer
        self.deadLetters = deadLetters
        self.target = target
        self.logger = logger
    }

    var totals: Totals { counters.withLock { $0 } }

    func requestStop() { stopRequested.store(true, ordering: .releasing) }

    func run() async throws {
        var writers: [KafkaTopicPartition: PartitionWriter] = [:]
        var stored: [KafkaTopicPartition: Int64] = [:]
        var lastMessage = ContinuousClock.now
        var lastStats = ContinuousClock.now
        while !stopRequested.load(ordering: .acquiring) {
            let batch = try await consumer.poll(maximum: settings.pollSize, timeout: .milliseconds(250))
            // Open objects of partitions this member lost are another member's now.
            let assigned = consumer.assignedPartitions
            for partition in writers.keys where !assigned.contains(partition) {
                writers[partition] = nil
                stored[partition] = nil
            }
            if ContinuousClock.now - lastStats >= settings.statsInterval {
                logStats(writers)
                lastStats = .now
            }
            // Idle time counts from the moment partitions are assigned (joining a group takes seconds).
            if consumer.assignedPartitions.isEmpty { lastMessage = .now }
            if batch.isEmpty {
                if let idle = settings.exitWhenIdle, ContinuousClock.now - lastMessage >= idle {
                    logger.info("idle, exiting", metadata: ["archiver.idle_s": "\(idle.components.seconds)"])
                    break
                }
                continue
            }
            lastMessage = .now

            var closed: [ArchiveObject] = []
            // Records that are not JSON cannot be JSON lines: they go to the dead-letter topic.
            var bad: [DeadLetter] = []
            for message in batch {
                let partition = KafkaTopicPartition(topic: message.topic, partition: message.partition)
                var writer = writers[partition] ?? PartitionWriter(topic: message.topic, partition: message.partition, settings: settings.archive)
                do {
                    _ = try JSONParser.parse(message.value)
                    closed += writer.append(offset: message.offset, timestamp: message.timestampMilliseconds, json: message.value)
                } catch {
                    writer.skip(offset: message.offset)
                    bad.append(DeadLetter(message: message, reason: "not_json", error: "not JSON: \(error)"))
                }
                writers[partition] = writer
            }
            if !bad.isEmpty { try await deadLetters.sendDeadLetters(bad, to: settings.deadLetterTopic, logger: logger) }
            for object in closed { try await putDurably(object) }

            var offsets: [KafkaTopicPartition: Int64] = [:]
            for (partition, writer) in writers {
                if let next = writer.committableOffset, next > (stored[partition] ?? -1) { offsets[partition] = next }
            }
            counters.withLock {
                $0.consumed += batch.count
                $0.objects += closed.count
                $0.archivedRecords += closed.reduce(0) { $0 + $1.records }
                $0.deadLetters += bad.count
            }
            if !offsets.isEmpty {
                try consumer.store(offsets: offsets)
                stored.merge(offsets) { $1 }
                do {
                    try await consumer.commit()
                } catch {
                    // A rebalance in progress refuses the commit; the stored offsets go with the next
                    // automatic commit (or the revoke), and a replay only rewrites the same objects.
                    logger.warning("offset commit deferred", metadata: ["kafka.error": "\(error)"])
                }
            }
        }
        logStats(writers)
    }

    /// Writes until the target accepts the object; gives up only when asked to stop (nothing is
    /// committed then, so the records are read again).
    private func putDurably(_ object: ArchiveObject) async throws {
        var failures = 0
        while true {
            do {
                try await target.put(key: object.key, body: object.body)
                logger.debug("object written", metadata: ["archive.key": "\(object.key)", "archive.records": "\(object.records)"])
                return
            } catch {
                failures += 1
                if stopRequested.load(ordering: .acquiring) { throw error }
                logger.warning("archive target unavailable, retrying", metadata: [
                    "archive.key": "\(object.key)", "archive.error": "\(error)", "archive.attempt": "\(failures)"])
                try await Task.sleep(for: settings.targetRetry.delay(afterFailures: failures))
            }
        }
    }

    private func logStats(_ writers: [KafkaTopicPartition: PartitionWriter]) {
        let totals = self.totals
        logger.info("stats", metadata: [
            "archiver.consumed": "\(totals.consumed)", "archiver.objects": "\(totals.objects)",
            "archiver.archived": "\(totals.archivedRecords)", "archiver.dlq": "\(totals.deadLetters)",
            "archiver.open_records": "\(writers.values.reduce(0) { $0 + $1.pendingRecords })",
            "archiver.lag": "\(consumer.lag().values.reduce(0, +))",
        ])
    }
}
