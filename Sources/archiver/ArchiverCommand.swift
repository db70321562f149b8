import ArgumentParser
import Foundation
import Logging
import RecoArchive
import RecoKafka
import StreamSupport

@main
struct ArchiverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archiver",
        abstract: "Archive the raw watch events as JSON-lines objects, in Kafka Connect S3 sink's layout, to a directory or an S3 bucket.",
        discussion: """
            Objects are named topics/<topic>/partition=<p>/<topic>+<p>+<first offset, 10 digits>.json and hold one event per line. An object closes after --flush-size records, or before a record whose Kafka timestamp is --rotate-interval-ms or more after the object's first record (flush.size and rotate.interval.ms with the record-time extractor). Boundaries depend only on the records, so after a crash the replay from the committed offset rewrites the same keys: no duplicates. Offsets are committed only once an object is durable; records of an open object are not yet archived and are read again after a restart. Records that are not JSON go to --dead-letter-topic.

            Targets: --directory DIR (default 'archive'), or --s3-bucket with --s3-endpoint (default AWS for the region), --s3-path-style for MinIO, moto and other local stores. Credentials come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, the region from --s3-region, AWS_REGION or AWS_DEFAULT_REGION; they are never logged.
            """)

    @Option(help: "Kafka client properties file (default: $KAFKA_CONFIG, else config/kafka.local.properties).")
    var config: String?

    @Option(help: "Topic to archive.")
    var topic = "watch_events"

    @Option(help: "Consumer group (its own, so the archive does not share offsets with the consumer).")
    var group = "reco-archiver"

    @Option(help: "Topic for records that are not JSON (default: <topic>.archive-dlq).")
    var deadLetterTopic: String?

    @Option(help: "Records per object at most (flush.size).")
    var flushSize = 1000

    @Option(help: "Close an object before a record this many ms (Kafka record time) after its first; 0 turns it off (rotate.interval.ms).")
    var rotateIntervalMs: Int64 = 600_000

    @Option(help: "Key prefix (topics.dir).")
    var topicsDir = "topics"

    @Option(help: "Directory target (used unless --s3-bucket is given).")
    var directory = "archive"

    @Option(help: "S3 bucket target.")
    var s3Bucket: String?

    @Option(help: "S3 endpoint URL (default: https://s3.<region>.amazonaws.com).")
    var s3Endpoint: String?

    @Option(help: "S3 region (default: $AWS_REGION, else $AWS_DEFAULT_REGION, else us-east-1).")
    var s3Region: String?

    @Flag(help: "Path-style S3 addressing (endpoint/bucket/key) instead of virtual-hosted (bucket.endpoint/key).")
    var s3PathStyle = false

    @Flag(help: "Create the bucket at start if it does not exist.")
    var s3CreateBucket = false

    @Option(help: "Where a new group starts: earliest or latest.")
    var autoOffsetReset = "earliest"

    @Option(help: "Exit after this many seconds without messages once partitions are assigned (batch runs).")
    var exitWhenIdle: Double?

    @Option(help: "Seconds between statistics lines.")
    var statsInterval = 10.0

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    func validate() throws {
        guard flushSize > 0 else { throw ValidationError("--flush-size must be positive") }
        guard rotateIntervalMs >= 0 else { throw ValidationError("--rotate-interval-ms must be 0 or more") }
        guard ["earliest", "latest"].contains(autoOffsetReset) else { throw ValidationError("--auto-offset-reset must be earliest or latest") }
        guard statsInterval > 0 else { throw ValidationError("--stats-interval must be positive") }
        if s3Bucket == nil && (s3Endpoint != nil || s3PathStyle || s3CreateBucket) {
            throw ValidationError("--s3-endpoint, --s3-path-style and --s3-create-bucket need --s3-bucket")
        }
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
        let logger = Logger(label: "archiver")
        let environment = ProcessInfo.processInfo.environment
        var (kafka, path) = try KafkaConfiguration.forService(explicitPath: config, environment: environment, logger: logger)
        kafka.set("auto.offset.reset", autoOffsetReset)

        let target = try await makeTarget(environment: environment, logger: logger)
        let archive = ArchiveSettings(flushSize: flushSize, rotateIntervalMilliseconds: rotateIntervalMs > 0 ? rotateIntervalMs : nil,
                                      topicsDirectory: topicsDir)
        logger.info("starting", metadata: ["archive.target": "\(target.description)", "archive.flush_size": "\(flushSize)",
                                           "archive.rotate_interval_ms": "\(rotateIntervalMs)", "kafka.config_file": "\(path ?? "-")",
                                           "kafka.settings": "\(kafka)", "kafka.group": "\(group)"])
        let consumer = try KafkaConsumer(configuration: kafka, groupID: group, topics: [topic], logger: logger)
        let deadLetters = try KafkaProducer(configuration: kafka, logger: logger)
        var settings = ArchiverLoop.Settings(topic: topic, deadLetterTopic: deadLetterTopic ?? topic + ".archive-dlq", archive: archive)
        settings.exitWhenIdle = exitWhenIdle.map { .milliseconds(Int64($0 * 1000)) }
        settings.statsInterval = .milliseconds(Int64(statsInterval * 1000))
        let loop = ArchiverLoop(settings: settings, consumer: consumer, deadLetters: deadLetters, target: target, logger: logger)

        do {
            try await DrainOnSignal.run(logger: logger, requestStop: { loop.requestStop() }) { try await loop.run() }
        } catch {
            await consumer.close()
            throw error
        }
        await consumer.close()
        await deadLetters.flush(timeout: .seconds(10))
        let totals = loop.totals
        print("consumed \(totals.consumed), objects \(totals.objects), records archived \(totals.archivedRecords), dead letters \(totals.deadLetters)")
    }

    private func makeTarget(environment: [String: String], logger: Logger) async throws -> any ArchiveTarget {
        guard let s3Bucket else {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            return DirectoryTarget(root: directory)
        }
        let region = s3Region ?? AWSCredentials.region(environment)
        let location = S3Client.Location(endpoint: s3Endpoint ?? "https://s3.\(region).amazonaws.com", bucket: s3Bucket,
                                         region: region, pathStyle: s3PathStyle)
        let credentials = try AWSCredentials.fromEnvironment(environment)
        logger.info("S3 credentials from the environment", metadata: ["aws.credentials": "\(credentials)"])
        let client = S3Client(location: location, credentials: credentials)
        if s3CreateBucket { try await client.createBucket() }
        return S3Target(client: client)
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
