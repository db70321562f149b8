import ArgumentParser
import CommandOptions
import Foundation
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
            For each partition, from the first offset the consumer recorded (or the log's start, if earlier) to the log's end as the brokers hold it now: offsets with a stored list (recommendation_lists), dead-lettered (dead_letters), inside a gap the consumer recorded (stream_gaps), missing with no record (below the consumer's progress: lost in silence; listed as ranges) and pending (at or after its progress: not read yet); duplicates are events stored twice (one event id at two offsets). Only each partition's current log incarnation counts. Exit 1 when anything is missing or duplicated, 0 otherwise. Offsets that carry no message (transaction markers, compaction) would show as missing: the pipeline's producers write neither.
            """)

    @Option(help: "Kafka client properties file (default: $KAFKA_CONFIG, else config/kafka.local.properties).")
    var config: String?

    @Option(help: "Topic of the watch events.")
    var topic = "watch_events"

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
        let store = RecommendationStore(url: DatabaseURL(database.databaseURL, environment: environment), logger: logger)
        let audit = try await StreamAuditReadModel(store: store).audit(topic: topic, logs: logs)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(audit), as: UTF8.self))
        } else {
            print(Self.table(audit, topic: topic))
        }
        let missing = audit.reduce(0) { $0 + $1.missing }
        let duplicates = audit.reduce(0) { $0 + $1.duplicates }
        logger.info("audit done", metadata: ["audit.topic": "\(topic)", "audit.missing": "\(missing)", "audit.duplicates": "\(duplicates)",
                                             "audit.in_gaps": "\(audit.reduce(0) { $0 + $1.inGaps })"])
        if missing > 0 || duplicates > 0 { throw ExitCode.failure }
    }

    static func table(_ audit: [StreamAuditReadModel.Partition], topic: String) -> String {
        let format = { (value: Int64) in Decimals.grouped(Int(value)) }
        var rows = [["partition", "audited from", "log start", "log end", "offsets", "stored", "dead-lettered", "in recorded gaps", "missing", "pending", "duplicates"]]
        for partition in audit {
            rows.append([String(partition.partition), String(partition.auditedFrom), String(partition.logStart), String(partition.logEnd), format(partition.offsets),
                         format(partition.stored), format(partition.deadLettered), format(partition.inGaps), format(partition.missing),
                         format(partition.pending), format(partition.duplicates)])
        }
        let total = { (value: (StreamAuditReadModel.Partition) -> Int64) in format(audit.reduce(0) { $0 + value($1) }) }
        rows.append(["all", "", "", "", total(\.offsets), total(\.stored), total(\.deadLettered), total(\.inGaps), total(\.missing), total(\.pending), total(\.duplicates)])
        var text = "audit of \(topic):\n" + TextTable.render(rows)
        for partition in audit where !partition.missingRanges.isEmpty {
            let shown = partition.missingRanges.prefix(20).map { $0.lowerBound == $0.upperBound ? "\($0.lowerBound)" : "\($0.lowerBound)…\($0.upperBound)" }
            let more = partition.missingRanges.count > 20 ? " and \(partition.missingRanges.count - 20) more ranges" : ""
            text += "\nmissing in partition \(partition.partition): \(shown.joined(separator: ", "))\(more)"
        }
        let missing = audit.reduce(0) { $0 + $1.missing }
        let duplicates = audit.reduce(0) { $0 + $1.duplicates }
        text += missing == 0 && duplicates == 0 ? "\nnothing missing, nothing duplicated" : "\nFAILED: \(format(missing)) missing, \(format(duplicates)) duplicated"
        return text
    }
}
