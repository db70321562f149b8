import ArgumentParser
import CommandOptions
import Foundation
import RecoArchive
import RecoCore
import RecoKafka
import RecoStore

/// Proof that no event was lost in silence: every offset of the topic, from the log's start to its
/// end, against what the consumer recorded in PostgreSQL.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Account for every offset of the watch topic: stored as a list, dead-lettered, inside a recorded gap, or missing with no record.",
        discussion: """
            For each partition, from the first offset the consumer recorded (or the log's start, if earlier) to the log's end as the brokers hold it now: offsets with a stored list (recommendation_lists), dead-lettered (the dead_letters table and the dead-letter topic, read from its start to its end), inside a gap the consumer recorded (stream_gaps), missing with no record (below the consumer's progress: lost in silence; listed as ranges) and pending (at or after its progress: not read yet); duplicates are events stored twice (one event id at two offsets). Only each partition's current log incarnation counts; what earlier incarnations took with them when the log restarted (a new cluster, a recreated topic) is shown beside it as lost with earlier logs. Exit 1 when anything is missing or duplicated, 0 otherwise. Offsets that carry no message (transaction markers, compaction) would show as missing: the pipeline's producers write neither.

            With --archive (the archiver's --directory, or s3://BUCKET with the S3 options and AWS_* credentials from the environment), the archive's objects of each partition are read too: offsets archived, archived twice (overlapping objects), and not archived (neither in an object, nor dead-lettered as not JSON, nor lost from the log; listed as ranges). Run it once the archiver drained (--exit-when-idle or SIGTERM), or its open objects count as not archived; then anything not archived or archived twice also exits 1.
            """)

    @Option(help: "Kafka client properties file (default: $KAFKA_CONFIG, else config/kafka.local.properties).")
    var config: String?

    @Option(help: "Topic of the watch events.")
    var topic = "watch_events"

    @Option(help: "Dead-letter topic to read ('none': the dead_letters table only). Default: <topic>.dlq.")
    var deadLetterTopic: String?

    @Option(help: ArgumentHelp("Also audit the archive: the archiver's directory, or s3://BUCKET.", valueName: "dir|s3://bucket"))
    var archive: String?

    @Option(help: "Key prefix of the archive's objects (the archiver's --topics-dir).")
    var archiveTopicsDir = "topics"

    @Option(help: "S3 endpoint URL for an s3:// archive (default: https://s3.<region>.amazonaws.com).")
    var s3Endpoint: String?

    @Option(help: "S3 region for an s3:// archive (default: $AWS_REGION, else $AWS_DEFAULT_REGION, else us-east-1).")
    var s3Region: String?

    @Flag(help: "Path-style S3 addressing for an s3:// archive.")
    var s3PathStyle = false

    @OptionGroup var database: DatabaseOptions

    @Flag(help: "Print the audit as JSON instead of a table.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let logger = global.makeLogger(label: "reco.audit")
        let environment = ProcessInfo.processInfo.environment
        let (kafka, _) = try KafkaConfiguration.forService(explicitPath: config, environment: environment, logger: logger)
        let inspector = try KafkaConsumer(configuration: kafka, groupId: "reco-audit", topics: [], logger: logger)
        let partitions = try await inspector.partitions(of: topic, timeout: .seconds(10))
        let ranges = await inspector.logRanges(of: Set(partitions.map { KafkaTopicPartition(topic: topic, partition: $0) }), timeout: .seconds(10))
        await inspector.close()
        let unanswered = partitions.filter { partition in !ranges.keys.contains { $0.partition == partition } }
        guard unanswered.isEmpty else {
            throw ValidationError("the brokers did not say where the logs of \(topic) partitions \(unanswered) start and end")
        }
        let logs = Dictionary(uniqueKeysWithValues: ranges.map { ($0.key.partition, $0.value.lowerBound..<$0.value.upperBound) })
        let deadLetters = deadLetterTopic ?? topic + ".dlq"
        var inTopic: StreamAuditReadModel.DeadLetterTopicEntries?
        if deadLetters != "none" {
            inTopic = try await DeadLetterTopicReader(configuration: kafka, logger: logger).read(topic: deadLetters, source: topic, timeout: .seconds(120))
            if inTopic == nil { logger.warning("no dead-letter topic; the dead_letters table alone counts", metadata: ["audit.dead_letter_topic": "\(deadLetters)"]) }
        }
        let store = RecommendationStore(url: DatabaseURL(database.databaseURL, environment: environment), logger: logger)
        var audit: [StreamAuditReadModel.Partition] = []
        let archiveAudit = try makeArchiveAudit(environment: environment)
        for (partition, records) in try await StreamAuditReadModel(store: store).audit(topic: topic, logs: logs, deadLetterTopic: inTopic) {
            var partition = partition
            if let archiveAudit {
                let result = try await archiveAudit.audit(topic: topic, partition: partition.partition, range: partition.auditedFrom..<partition.logEnd,
                                                          leftOut: Set(records.deadLetterReasons.filter { $0.value == "not_json" }.keys), lost: records.gaps)
                partition.archived = result.archived
                partition.archivedTwice = result.archivedTwice
                partition.notArchived = result.notArchivedCount
                partition.notArchivedRanges = result.notArchived
            }
            audit.append(partition)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(audit), as: UTF8.self))
        } else {
            print(Self.table(audit, topic: topic))
        }
        let missing = audit.reduce(0) { $0 + $1.missing }
        let duplicates = audit.reduce(0) { $0 + $1.duplicates }
        let archiveFaults = audit.reduce(0) { $0 + ($1.notArchived ?? 0) + ($1.archivedTwice ?? 0) }
        logger.info("audit done", metadata: ["audit.topic": "\(topic)", "audit.missing": "\(missing)", "audit.duplicates": "\(duplicates)",
                                             "audit.in_gaps": "\(audit.reduce(0) { $0 + $1.inGaps })", "audit.archive_faults": "\(archiveFaults)"])
        if missing > 0 || duplicates > 0 || archiveFaults > 0 { throw ExitCode.failure }
    }

    /// The archive to audit, from --archive; nil without it.
    private func makeArchiveAudit(environment: [String: String]) throws -> ArchiveAudit? {
        guard let archive else { return nil }
        let settings = ArchiveSettings(topicsDirectory: archiveTopicsDir)
        guard archive.hasPrefix("s3://") else {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: archive, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--archive: no directory \(archive)")
            }
            return ArchiveAudit(target: DirectoryTarget(root: archive), settings: settings)
        }
        let bucket = String(archive.dropFirst("s3://".count))
        guard !bucket.isEmpty, !bucket.contains("/") else {
            throw ValidationError("--archive: give s3://BUCKET (the key prefix goes in --archive-topics-dir), not \(archive)")
        }
        let client = try S3Client.configured(bucket: bucket, endpoint: s3Endpoint, region: s3Region, pathStyle: s3PathStyle, environment: environment)
        return ArchiveAudit(target: S3Target(client: client), settings: settings)
    }

    static func table(_ audit: [StreamAuditReadModel.Partition], topic: String) -> String {
        let format = { (value: Int64) in Decimals.grouped(Int(value)) }
        let withArchive = audit.contains { $0.archived != nil }
        let withTopic = audit.contains { $0.inDeadLetterTopic != nil }
        var header = ["partition", "audited from", "log start", "log end", "offsets", "stored", "dead-lettered"]
        if withTopic { header.append("of them in .dlq topic") }
        header += ["in recorded gaps", "missing", "pending", "duplicates"]
        if withArchive { header += ["archived", "not archived", "archived twice"] }
        var rows = [header]
        for partition in audit {
            var cells = [String(partition.partition), String(partition.auditedFrom), String(partition.logStart), String(partition.logEnd), format(partition.offsets),
                         format(partition.stored), format(partition.deadLettered)]
            if withTopic { cells.append(partition.inDeadLetterTopic.map(format) ?? "") }
            cells += [format(partition.inGaps), format(partition.missing), format(partition.pending), format(partition.duplicates)]
            if withArchive { cells += [partition.archived, partition.notArchived, partition.archivedTwice].map { $0.map(format) ?? "" } }
            rows.append(cells)
        }
        let total = { (value: (StreamAuditReadModel.Partition) -> Int64?) in format(audit.reduce(0) { $0 + (value($1) ?? 0) }) }
        var totals = ["all", "", "", "", total(\.offsets), total(\.stored), total(\.deadLettered)]
        if withTopic { totals.append(total(\.inDeadLetterTopic)) }
        totals += [total(\.inGaps), total(\.missing), total(\.pending), total(\.duplicates)]
        if withArchive { totals += [total(\.archived), total(\.notArchived), total(\.archivedTwice)] }
        rows.append(totals)
        var text = "audit of \(topic):\n" + TextTable.render(rows).trimmingCharacters(in: .newlines)
        func ranges(_ list: [ClosedRange<Int64>]) -> String {
            let shown = list.prefix(20).map { $0.lowerBound == $0.upperBound ? "\($0.lowerBound)" : "\($0.lowerBound)…\($0.upperBound)" }
            return shown.joined(separator: ", ") + (list.count > 20 ? " and \(list.count - 20) more ranges" : "")
        }
        for partition in audit where !partition.missingRanges.isEmpty {
            text += "\nmissing in partition \(partition.partition): \(ranges(partition.missingRanges))"
        }
        for partition in audit {
            if let notArchived = partition.notArchivedRanges, !notArchived.isEmpty {
                text += "\nnot archived in partition \(partition.partition): \(ranges(notArchived))"
            }
        }
        let earlier = audit.reduce(0) { $0 + $1.lostWithEarlierLogs }
        if earlier > 0 {
            text += "\nlost with earlier logs (acknowledged, never read, gone when the log restarted; recorded in stream_gaps): \(format(earlier)) events"
        }
        let missing = audit.reduce(0) { $0 + $1.missing }
        let duplicates = audit.reduce(0) { $0 + $1.duplicates }
        var verdict = missing == 0 && duplicates == 0 ? "\nnothing missing, nothing duplicated" : "\nFAILED: \(format(missing)) missing, \(format(duplicates)) duplicated"
        if withArchive {
            let notArchived = audit.reduce(0) { $0 + ($1.notArchived ?? 0) }
            let twice = audit.reduce(0) { $0 + ($1.archivedTwice ?? 0) }
            let archived = audit.reduce(0) { $0 + ($1.archived ?? 0) }
            let offsets = audit.reduce(0) { $0 + $1.offsets }
            let rest = offsets > archived ? ", the other \(format(offsets - archived)) dead-lettered as not JSON or lost from the log" : ""
            verdict += notArchived == 0 && twice == 0 ? "; archive: \(format(archived)) of \(format(offsets)) offsets archived\(rest)"
                : "; archive FAILED: \(format(notArchived)) not archived, \(format(twice)) archived twice"
        }
        return text + verdict
    }
}
