/// What became of every offset of a topic, as the consumer's records tell it (`reco audit`): per
/// partition, from the first offset the consumer recorded (or the log's start, if earlier; what
/// retention deleted after the consumer stored it is still accounted for) to the log's end, the offsets stored as lists, dead-lettered,
/// recorded inside a gap (`stream_gaps`), and those with no record at all, as ranges: missing
/// below the consumer's progress, pending (not read yet) from it on. Duplicates are events stored
/// more than once (one event id at two offsets: a producer's retry). Only each partition's current
/// log incarnation counts; what earlier incarnations lost when their log restarted is reported
/// beside it. Dead letters are those of the `dead_letters` table and, when given, of the
/// dead-letter topic. Read-only, values bound.
public struct StreamAuditReadModel: Sendable {
    let store: RecommendationStore

    public init(store: RecommendationStore) {
        self.store = store
    }

    public struct Partition: Sendable, Codable, Equatable {
        public var partition: Int32
        /// The log's first offset and the one after its last (the high watermark).
        public var logStart: Int64
        public var logEnd: Int64
        /// Where the audit starts: the log's start or the first offset recorded, whichever is lower.
        public var auditedFrom: Int64
        public var incarnation: Int
        /// Offsets with at least one stored list.
        public var stored: Int64
        public var deadLettered: Int64
        /// Offsets inside gaps the consumer recorded.
        public var inGaps: Int64
        /// No record, below the consumer's progress: lost in silence.
        public var missing: Int64
        public var missingRanges: [ClosedRange<Int64>]
        /// No record yet, at or after the consumer's progress (it has not read them).
        public var pending: Int64
        public var duplicates: Int64
        /// Offsets of the range found in the dead-letter topic (nil: not read), a subset of
        /// `deadLettered` when the consumer recorded every dead letter it sent.
        public var inDeadLetterTopic: Int64?
        /// Offsets earlier incarnations of the log took with them when it restarted (recorded
        /// as gaps of policy restart): lost, but not in silence.
        public var lostWithEarlierLogs: Int64
        /// With `--archive`: offsets of the range the archive holds, holds twice, and is missing.
        public var archived: Int64?
        public var archivedTwice: Int64?
        public var notArchived: Int64?
        public var notArchivedRanges: [ClosedRange<Int64>]?

        public var offsets: Int64 { logEnd - auditedFrom }
    }

    /// What the audit needs to account for a partition's offsets elsewhere (the archive): dead
    /// letters with their reasons and the recorded gaps, within the audited range.
    public struct Records: Sendable {
        public var deadLetterReasons: [Int64: String] = [:]
        public var gaps: [ClosedRange<Int64>] = []
    }

    /// A dead-letter topic's entries by source partition: offset → reason.
    public typealias DeadLetterTopicEntries = [Int32: [Int64: String]]

    /// `logs`: each partition's offsets as the brokers hold them now (start..<end).
    /// `deadLetterTopic`: the dead-letter topic's entries (nil: not read). Each partition comes
    /// with its records for further checks.
    public func audit(topic: String, logs: [Int32: Range<Int64>],
                      deadLetterTopic: DeadLetterTopicEntries? = nil) async throws(DatabaseError) -> [(partition: Partition, records: Records)] {
        var result: [(Partition, Records)] = []
        for (partition, log) in logs.sorted(by: { $0.key < $1.key }) {
            result.append(try await audit(topic: topic, partition: partition, log: log, deadLetterTopic: deadLetterTopic.map { $0[partition] ?? [:] }))
        }
        return result
    }

    private func audit(topic: String, partition: Int32, log: Range<Int64>,
                       deadLetterTopic: [Int64: String]?) async throws(DatabaseError) -> (Partition, Records) {
        let progress = try await store.rows("SELECT next_offset, incarnation FROM recommendations_progress WHERE topic = $1 AND kafka_partition = $2",
                                            [topic, String(partition)], columns: ["next_offset", "incarnation"]).first
        let next = (progress?["next_offset"] ?? nil).flatMap(Int64.init) ?? log.lowerBound
        let incarnation = (progress?["incarnation"] ?? nil).flatMap(Int.init) ?? 0
        let recorded = try await store.rows(Self.firstRecorded, [topic, String(partition), String(incarnation)], columns: ["first"]).first
        let from = min(log.lowerBound, (recorded?["first"] ?? nil).flatMap(Int64.init) ?? log.lowerBound)
        let parameters: [String?] = [topic, String(partition), String(incarnation), String(from), String(log.upperBound)]
        let counts = try await store.rows(Self.counts, parameters, columns: ["stored", "gaps", "duplicates", "earlier"]).first
        func number(_ key: String) -> Int64 { ((counts?[key] ?? nil).flatMap(Int64.init)) ?? 0 }
        var records = Records()
        for row in try await store.rows(Self.deadLetters, parameters, columns: ["kafka_offset", "reason"]) {
            if let offset = (row["kafka_offset"] ?? nil).flatMap(Int64.init) { records.deadLetterReasons[offset] = (row["reason"] ?? nil) ?? "" }
        }
        let audited = from..<log.upperBound
        let inTopic = (deadLetterTopic ?? [:]).filter { audited.contains($0.key) }
        records.deadLetterReasons.merge(inTopic) { table, _ in table }
        for row in try await store.rows(Self.gaps, parameters, columns: ["first", "last"]) {
            if let first = (row["first"] ?? nil).flatMap(Int64.init), let last = (row["last"] ?? nil).flatMap(Int64.init), first <= last {
                records.gaps.append(first...last)
            }
        }
        let holes = try await store.rows(Self.uncovered, parameters, columns: ["first", "last"])
        var missing: [ClosedRange<Int64>] = []
        var pending: Int64 = 0
        for hole in holes {
            guard let first = (hole["first"] ?? nil).flatMap(Int64.init), let last = (hole["last"] ?? nil).flatMap(Int64.init), first <= last else { continue }
            // Dead letters found only in the topic cover their offsets too.
            for part in Self.subtracting(inTopic.keys, from: first...last) {
                // Below the consumer's progress: missing; from it on: not read yet.
                if part.lowerBound < next { missing.append(part.lowerBound...min(part.upperBound, next - 1)) }
                if part.upperBound >= next { pending += part.upperBound - max(part.lowerBound, next) + 1 }
            }
        }
        let result = Partition(partition: partition, logStart: log.lowerBound, logEnd: log.upperBound, auditedFrom: from, incarnation: incarnation,
                               stored: number("stored"), deadLettered: Int64(records.deadLetterReasons.count), inGaps: number("gaps"),
                               missing: missing.reduce(0) { $0 + $1.upperBound - $1.lowerBound + 1 }, missingRanges: missing, pending: pending,
                               duplicates: number("duplicates"), inDeadLetterTopic: deadLetterTopic.map { _ in Int64(inTopic.count) },
                               lostWithEarlierLogs: number("earlier"))
        return (result, records)
    }

    /// `range` without the given offsets, as ranges.
    static func subtracting(_ offsets: some Collection<Int64>, from range: ClosedRange<Int64>) -> [ClosedRange<Int64>] {
        var parts: [ClosedRange<Int64>] = []
        var start = range.lowerBound
        for offset in offsets.filter({ range.contains($0) }).sorted() {
            if offset > start { parts.append(start...(offset - 1)) }
            start = offset + 1
        }
        if start <= range.upperBound { parts.append(start...range.upperBound) }
        return parts
    }

    /// The lowest offset of the incarnation any record names. $1 topic, $2 partition, $3 incarnation.
    static let firstRecorded = """
        SELECT least(
          (SELECT min(kafka_offset) FROM recommendation_lists WHERE topic = $1 AND kafka_partition = $2::integer AND incarnation = $3::integer),
          (SELECT min(kafka_offset) FROM dead_letters WHERE topic = $1 AND kafka_partition = $2::integer AND incarnation = $3::integer),
          (SELECT min(first_offset) FROM stream_gaps WHERE service = 'consumer' AND topic = $1 AND kafka_partition = $2::integer AND incarnation = $3::integer)
        ) AS first
        """

    /// $1 topic, $2 partition, $3 incarnation, $4 where the audit starts, $5 log end.
    static let counts = """
        SELECT
          (SELECT count(DISTINCT kafka_offset) FROM recommendation_lists
            WHERE topic = $1 AND kafka_partition = $2::integer AND incarnation = $3::integer AND kafka_offset >= $4::bigint AND kafka_offset < $5::bigint) AS stored,
          (SELECT coalesce(sum(least(last_offset, $5::bigint - 1) - greatest(first_offset, $4::bigint) + 1), 0) FROM stream_gaps
            WHERE service = 'consumer' AND topic = $1 AND kafka_partition = $2::integer AND incarnation = $3::integer
              AND last_offset >= $4::bigint AND first_offset < $5::bigint) AS gaps,
          (SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM recommendation_lists
            WHERE topic = $1 AND kafka_partition = $2::integer AND incarnation = $3::integer AND kafka_offset >= $4::bigint AND kafka_offset < $5::bigint
            GROUP BY event_id HAVING count(*) > 1) repeated) AS duplicates,
          (SELECT coalesce(sum(events), 0) FROM stream_gaps
            WHERE service = 'consumer' AND topic = $1 AND kafka_partition = $2::integer AND incarnation < $3::integer AND policy = 'restart') AS earlier
        """

    /// The incarnation's dead letters in [$4, $5), with their reasons.
    static let deadLetters = """
        SELECT kafka_offset, reason FROM dead_letters
        WHERE topic = $1 AND kafka_partition = $2::integer AND incarnation = $3::integer AND kafka_offset >= $4::bigint AND kafka_offset < $5::bigint
        """

    /// The incarnation's recorded gaps that reach into [$4, $5).
    static let gaps = """
        SELECT first_offset AS first, last_offset AS last FROM stream_gaps
        WHERE service = 'consumer' AND topic = $1 AND kafka_partition = $2::integer AND incarnation = $3::integer
          AND last_offset >= $4::bigint AND first_offset < $5::bigint
        """

    /// The offsets of [$4, $5) that no list, dead letter or recorded gap covers, as ranges.
    static let uncovered = """
        WITH covered AS (
          SELECT kafka_offset AS o FROM recommendation_lists
            WHERE topic = $1 AND kafka_partition = $2::integer AND incarnation = $3::integer AND kafka_offset >= $4::bigint AND kafka_offset < $5::bigint
          UNION
          SELECT kafka_offset FROM dead_letters
            WHERE topic = $1 AND kafka_partition = $2::integer AND incarnation = $3::integer AND kafka_offset >= $4::bigint AND kafka_offset < $5::bigint
          UNION
          SELECT generate_series(greatest(first_offset, $4::bigint), least(last_offset, $5::bigint - 1)) FROM stream_gaps
            WHERE service = 'consumer' AND topic = $1 AND kafka_partition = $2::integer AND incarnation = $3::integer
              AND last_offset >= $4::bigint AND first_offset < $5::bigint
        ),
        bounds AS (SELECT $4::bigint - 1 AS o UNION ALL SELECT o FROM covered UNION ALL SELECT $5::bigint)
        SELECT o + 1 AS first, following - 1 AS last
        FROM (SELECT o, lead(o) OVER (ORDER BY o) AS following FROM bounds) steps
        WHERE following > o + 1
        ORDER BY first
        """
}
