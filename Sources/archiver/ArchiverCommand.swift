import ArgumentParser
import CommandOptions
import Foundation
import RecoArchive
import StreamKit

@main
struct ArchiverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archiver",
        abstract: "Archive the raw watch events as JSON-lines objects, in Kafka Connect S3 sink's layout, to a directory or an S3 bucket.",
        discussion: """
            Objects are named topics/<topic>/partition=<p>/<topic>+<p>+<first offset, 10 digits>.json and hold one event per line. An object closes after --flush-size records, or before a record whose Kafka timestamp is --rotate-interval-ms or more after the object's first record (flush.size and rotate.interval.ms with the record-time extractor). Boundaries depend only on the records, so after a crash the replay from the committed offset rewrites the same keys: no duplicates. An open object is also written with the records it has when it has been open --rotate-schedule-interval-ms by the wall clock (rotate.schedule.interval.ms), and when the archiver drains (--exit-when-idle, SIGTERM), so the archive holds the whole day; its key is its first offset, so a replay that closes it later with more records overwrites it. Offsets are committed only once an object is durable; records of an open object are read again after a crash. Records that are not JSON go to --dead-letter-topic. A target that fails is retried, \(ArchiveHandler.defaultTargetRetry.summary), with the partitions paused meanwhile; nothing is committed until it is back.

            Targets: --directory DIR (default 'archive'), or --s3-bucket with --s3-endpoint (default AWS for the region), --s3-path-style for MinIO, moto and other local stores. Credentials come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, the region from --s3-region, AWS_REGION or AWS_DEFAULT_REGION; they are never logged.
            """)

    struct Defaults: StreamServiceDefaults {
        static let group = "reco-archiver"
        static let batchSize = 2000
    }

    @Option(help: "Records per object at most (flush.size).")
    var flushSize = 1000

    @OptionGroup var service: ConsumerServiceOptions<Defaults>
    @OptionGroup var target: ArchiveTargetOptions

    @Option(help: "Topic for records that are not JSON (default: <topic>.archive-dlq).")
    var deadLetterTopic: String?

    @Option(help: "Close an object before a record this many ms (Kafka record time) after its first; 0 turns it off (rotate.interval.ms).")
    var rotateIntervalMs: Int64 = 600_000

    @Option(help: "Write an open object with what it has once it has been open this many ms by the wall clock; 0 turns it off (rotate.schedule.interval.ms).")
    var rotateScheduleIntervalMs: Int64 = 600_000

    @Option(help: "Key prefix (topics.dir).")
    var topicsDir = "topics"

    func validate() throws {
        guard flushSize > 0 else { throw ValidationError("--flush-size must be positive") }
        guard rotateIntervalMs >= 0 else { throw ValidationError("--rotate-interval-ms must be 0 or more") }
        guard rotateScheduleIntervalMs >= 0 else { throw ValidationError("--rotate-schedule-interval-ms must be 0 or more") }
    }

    func run() async throws {
        let bootstrapLogger = service.logging.bootstrap(label: "archiver")
        let archiveTarget = try await target.makeTarget(environment: ProcessInfo.processInfo.environment, logger: bootstrapLogger)
        let (logger, kafka) = try service.start(label: "archiver", metadata: [
            "archive.target": "\(archiveTarget.description)", "archive.flush_size": "\(flushSize)", "archive.rotate_interval_ms": "\(rotateIntervalMs)"])
        let archive = ArchiveSettings(flushSize: flushSize, rotateIntervalMilliseconds: rotateIntervalMs > 0 ? rotateIntervalMs : nil, topicsDirectory: topicsDir)
        let handler = ArchiveHandler(archive: archive, target: archiveTarget,
                                     scheduleInterval: rotateScheduleIntervalMs > 0 ? .milliseconds(rotateScheduleIntervalMs) : nil)
        let totals = try await service.run("archiver", handler: handler, kafka: kafka, deadLetterTopic: deadLetterTopic ?? service.kafka.topic + ".archive-dlq",
                                           metrics: ConsumerGroupMetrics(service: "archiver"), logger: logger) {
            $0.pollTimeout = .milliseconds(250)
            $0.commitEachBatch = true
        }
        print("consumed \(totals.consumed), objects \(handler.totals.objects), records archived \(handler.totals.archivedRecords), dead letters \(totals.deadLetters), lost in gaps \(totals.lost)")
    }
}
