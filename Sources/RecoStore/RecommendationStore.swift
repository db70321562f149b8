import Logging
import RecoCore
import Synchronization

/// The recommendations in PostgreSQL: schema migrations, idempotent batched writes of each
/// event's list, dead letters, counts.
public final class RecommendationStore: RecommendationSink {
    private let worker: DatabaseWorker

    public init(url: DatabaseURL, logger: Logger) {
        worker = DatabaseWorker(url: url, logger: logger)
    }

    /// Written movies and how they read, so a movie goes into `movies` once (and again only if
    /// its title or year changed).
    private let knownMovies = Mutex<[UInt32: MovieRow]>([:])

    /// How `migrate` waits for a server that is starting: 100 ms doubling to 5 s, for a minute.
    public static let startupRetry = RetryPolicy(maxAttempts: .max, baseDelay: .milliseconds(100), maxDelay: .seconds(5), deadline: .seconds(60))

    /// Brings the schema to the latest version (see `StoreSchema`), retrying transient failures
    /// (an unreachable server) by `retry`. Returns the versions applied now.
    @discardableResult
    public func migrate(retry: RetryPolicy = startupRetry) async throws(DatabaseError) -> [Int] {
        try await worker.retrying(retry) { (connection) throws(DatabaseError) in try StoreSchema.migrate(connection) }
    }

    static let columns = "topic, kafka_partition, incarnation, kafka_offset, event_index, event_id, customer_id, watched_movie_id, watched_at, movie_ids, scores, model_version, cold_start, source"

    /// Idempotence without `ON CONFLICT` on every row (which doubles the insert cost): a
    /// partition's progress row holds the offset below which every event's list is stored. The
    /// transaction locks the batch's progress rows first, so concurrent writers of one partition
    /// (a member that lost it in a rebalance) take turns, copies only lists at or above them, and
    /// advances them. The primary key still refuses a duplicate; `ON CONFLICT` then takes over.
    static let ensureProgress = """
        INSERT INTO recommendations_progress (topic, kafka_partition, next_offset)
        SELECT topic, kafka_partition, 0 FROM unnest($1::text[], $2::integer[]) AS batch(topic, kafka_partition)
        ON CONFLICT DO NOTHING
        """
    static let lockProgress = """
        SELECT p.topic, p.kafka_partition, p.next_offset, p.cluster_id, p.incarnation, p.high_watermark FROM recommendations_progress p
        JOIN unnest($1::text[], $2::integer[]) AS batch(topic, kafka_partition)
          ON p.topic = batch.topic AND p.kafka_partition = batch.kafka_partition
        ORDER BY p.topic, p.kafka_partition FOR UPDATE OF p
        """
    static let advanceProgress = """
        UPDATE recommendations_progress p
        SET next_offset = greatest(p.next_offset, batch.next_offset), high_watermark = greatest(p.high_watermark, batch.high_watermark), updated_at = now()
        FROM unnest($1::text[], $2::integer[], $3::bigint[], $4::bigint[]) AS batch(topic, kafka_partition, next_offset, high_watermark)
        WHERE p.topic = batch.topic AND p.kafka_partition = batch.kafka_partition
          AND (batch.next_offset > p.next_offset OR batch.high_watermark > p.high_watermark)
        """
    /// A restarted log: progress from 0 under the next incarnation.
    static let restartProgress = """
        UPDATE recommendations_progress SET next_offset = 0, high_watermark = 0, cluster_id = $3, incarnation = $4, updated_at = now()
        WHERE topic = $1 AND kafka_partition = $2
        """
    /// What a restarted log took with it: the old incarnation's offsets from its progress to the
    /// last log end seen there, recorded as a gap the consumer found (policy `restart`).
    static let recordRestartLoss = """
        INSERT INTO stream_gaps (service, topic, kafka_partition, incarnation, first_offset, last_offset, events, policy)
        VALUES ('consumer', $1, $2, $3, $4, $5, $5::bigint - $4::bigint + 1, 'restart')
        ON CONFLICT DO NOTHING
        """
    /// Progress written before cluster ids were kept takes the first one it sees.
    static let adoptCluster = "UPDATE recommendations_progress SET cluster_id = $3 WHERE topic = $1 AND kafka_partition = $2"
    static let upsertMovies = """
        INSERT INTO movies (movie_id, title, year)
        SELECT * FROM unnest($1::bigint[], $2::text[], $3::integer[])
        ON CONFLICT (movie_id) DO UPDATE SET title = excluded.title, year = excluded.year, updated_at = now()
        WHERE (movies.title, movies.year) IS DISTINCT FROM (excluded.title, excluded.year)
        """
    /// The slow path's per-session staging table.
    static let staging = [
        "CREATE TEMPORARY TABLE IF NOT EXISTS recommendation_lists_staging (LIKE recommendation_lists INCLUDING DEFAULTS) ON COMMIT DELETE ROWS",
    ]

    private struct PartitionKey: Hashable {
        var topic: String
        var partition: Int32
    }

    @discardableResult
    public func write(_ lists: [RecommendationList], movies: [MovieRow], log: LogIdentity?) async throws(DatabaseError) -> SinkWriteResult {
        guard !lists.isEmpty || !movies.isEmpty else { return SinkWriteResult(inserted: 0) }
        let newMovies = knownMovies.withLock { known in Array(Set(movies.filter { known[$0.movieId] != $0 })) }
        let written = try await worker.run { (connection) throws(DatabaseError) in
            do throws(DatabaseError) {
                return try Self.write(lists, movies: newMovies, log: log, connection: connection, skippingConflicts: false)
            } catch {
                // Lists stored without progress (a manual load): skip them row by row instead.
                guard error.sqlState == "23505" else { throw error }
                return try Self.write(lists, movies: newMovies, log: log, connection: connection, skippingConflicts: true)
            }
        }
        knownMovies.withLock { known in for movie in newMovies { known[movie.movieId] = movie } }
        return written
    }

    private static func write(_ lists: [RecommendationList], movies: [MovieRow], log: LogIdentity?, connection: PostgresConnection,
                              skippingConflicts: Bool) throws(DatabaseError) -> SinkWriteResult {
        var nextOffsets: [PartitionKey: Int64] = [:]
        for list in lists {
            let key = PartitionKey(topic: list.topic, partition: list.partition)
            nextOffsets[key] = max(nextOffsets[key] ?? 0, list.offset + 1)
        }
        let keys = Array(nextOffsets.keys)
        let topics = PostgresArray.text(keys.map(\.topic))
        let partitions = PostgresArray.numbers(keys.map { Int64($0.partition) })
        if skippingConflicts { try connection.setUpSession("staging", staging) }
        try connection.execute("BEGIN")
        do throws(DatabaseError) {
            if !movies.isEmpty {
                let sorted = movies.sorted { $0.movieId < $1.movieId }
                try connection.execute(upsertMovies, [PostgresArray.numbers(sorted.map { Int64($0.movieId) }), PostgresArray.text(sorted.map(\.title)),
                                                      PostgresArray.numbers(sorted.map(\.year))])
            }
            var inserted = 0
            var regressions: [OffsetRegression] = []
            if !keys.isEmpty {
                try connection.execute(ensureProgress, [topics, partitions])
                let locked = try connection.execute(lockProgress, [topics, partitions])
                var stored: [PartitionKey: Progress] = [:]
                for index in 0..<locked.rowCount {
                    guard let topic = locked.value(row: index, column: "topic"),
                          let partition = locked.value(row: index, column: "kafka_partition").flatMap({ Int32($0) }),
                          let next = locked.value(row: index, column: "next_offset").flatMap({ Int64($0) }),
                          let incarnation = locked.value(row: index, column: "incarnation").flatMap({ Int($0) }) else { continue }
                    stored[PartitionKey(topic: topic, partition: partition)] = Progress(
                        nextOffset: next, clusterId: locked.value(row: index, column: "cluster_id") ?? "", incarnation: incarnation,
                        highWatermark: locked.value(row: index, column: "high_watermark").flatMap({ Int64($0) }) ?? 0)
                }
                if let log {
                    for key in keys {
                        guard let progress = stored[key] else { continue }
                        let (updated, regression) = try restartIfTheLogRestarted(key, progress, log: log, connection: connection)
                        stored[key] = updated
                        if let regression { regressions.append(regression) }
                    }
                }
                let fresh = lists.compactMap { list -> (RecommendationList, Int)? in
                    let progress = stored[PartitionKey(topic: list.topic, partition: list.partition)] ?? Progress()
                    return list.offset >= progress.nextOffset ? (list, progress.incarnation) : nil
                }
                if !fresh.isEmpty {
                    let (data, format) = copyData(fresh)
                    if skippingConflicts {
                        try connection.copy("COPY recommendation_lists_staging (\(columns)) FROM STDIN\(format)", data: data)
                        inserted = try connection.execute(
                            "INSERT INTO recommendation_lists (\(columns)) SELECT \(columns) FROM recommendation_lists_staging ON CONFLICT DO NOTHING").affectedRows
                    } else {
                        inserted = try connection.copy("COPY recommendation_lists (\(columns)) FROM STDIN\(format)", data: data)
                    }
                }
                let ends = keys.map { log?.highWatermarks[LogIdentity.Partition(topic: $0.topic, partition: $0.partition)] ?? 0 }
                try connection.execute(advanceProgress, [topics, partitions, PostgresArray.numbers(keys.map { nextOffsets[$0] ?? 0 }),
                                                         PostgresArray.numbers(ends)])
            }
            try connection.execute("COMMIT")
            return SinkWriteResult(inserted: inserted, regressions: regressions)
        } catch {
            _ = try? connection.execute("ROLLBACK")
            throw error
        }
    }

    /// A partition's stored progress.
    private struct Progress {
        var nextOffset: Int64 = 0
        var clusterId = ""
        var incarnation = 0
        /// The highest log end seen in this incarnation.
        var highWatermark: Int64 = 0
    }

    /// A new cluster id, or a log that ends below the stored position, means the offsets started
    /// again (a restarted cluster, a recreated topic): a replay can do neither. The partition's
    /// progress then restarts at 0 under the next incarnation, in this transaction, and what the
    /// old log held beyond the progress (up to its last end seen) is recorded as lost.
    private static func restartIfTheLogRestarted(_ key: PartitionKey, _ progress: Progress, log: LogIdentity,
                                                 connection: PostgresConnection) throws(DatabaseError) -> (Progress, OffsetRegression?) {
        let end = log.highWatermarks[LogIdentity.Partition(topic: key.topic, partition: key.partition)].flatMap { $0 > 0 ? $0 : nil }
        let newCluster = !progress.clusterId.isEmpty && !log.clusterId.isEmpty && progress.clusterId != log.clusterId
        let shrank = end.map { $0 < progress.nextOffset } ?? false
        guard newCluster || shrank else {
            if progress.clusterId.isEmpty && !log.clusterId.isEmpty {
                try connection.execute(adoptCluster, [key.topic, String(key.partition), log.clusterId])
            }
            return (progress, nil)
        }
        let restarted = Progress(nextOffset: 0, clusterId: log.clusterId.isEmpty ? progress.clusterId : log.clusterId, incarnation: progress.incarnation + 1)
        try connection.execute(restartProgress, [key.topic, String(key.partition), restarted.clusterId, String(restarted.incarnation)])
        var lost: ClosedRange<Int64>?
        if progress.highWatermark > progress.nextOffset {
            lost = progress.nextOffset...(progress.highWatermark - 1)
            try connection.execute(recordRestartLoss, [key.topic, String(key.partition), String(progress.incarnation),
                                                       String(progress.nextOffset), String(progress.highWatermark - 1)])
        }
        return (restarted, OffsetRegression(topic: key.topic, partition: key.partition, previousClusterId: progress.clusterId,
                                            clusterId: restarted.clusterId, previousNextOffset: progress.nextOffset, highWatermark: end,
                                            incarnation: restarted.incarnation, lostOnPreviousLog: lost))
    }

    /// The rows for COPY and the statement's format option. Binary (a third less CPU in
    /// PostgreSQL and none spent here formatting doubles), unless a `watched_at` is not RFC
    /// 3339, which the decoder never lets through; text then lets PostgreSQL judge it.
    private static func copyData(_ lists: [(list: RecommendationList, incarnation: Int)]) -> (data: [UInt8], format: String) {
        var binary = CopyBinaryBuffer(reservingCapacity: lists.count * 400)
        for (list, incarnation) in lists {
            guard let watchedAt = RFC3339.microsecondsSinceEpoch(list.watchedAt) else { return (copyText(lists), "") }
            binary.row(fields: 14)
            binary.text(list.topic)
            binary.int4(list.partition)
            binary.int4(Int32(clamping: incarnation))
            binary.int8(list.offset)
            binary.int4(Int32(clamping: list.eventIndex))
            binary.text(list.eventId)
            binary.int8(Int64(list.customerId))
            binary.int8(Int64(list.watchedMovieId))
            binary.timestamp(microsecondsSinceEpoch: watchedAt)
            binary.int8Array(list.movieIds)
            binary.float8Array(list.scores)
            binary.text(list.modelVersion)
            binary.boolean(list.coldStart)
            binary.text(list.source)
        }
        return (binary.finished(), " (FORMAT binary)")
    }

    private static func copyText(_ lists: [(list: RecommendationList, incarnation: Int)]) -> [UInt8] {
        var buffer = CopyTextBuffer(reservingCapacity: lists.count * 256)
        for (list, incarnation) in lists {
            buffer.text(list.topic)
            buffer.integer(Int64(list.partition))
            buffer.integer(Int64(incarnation))
            buffer.integer(list.offset)
            buffer.integer(Int64(list.eventIndex))
            buffer.text(list.eventId)
            buffer.integer(Int64(list.customerId))
            buffer.integer(Int64(list.watchedMovieId))
            buffer.text(list.watchedAt)
            buffer.integerArray(list.movieIds)
            buffer.doubleArray(list.scores)
            buffer.text(list.modelVersion)
            buffer.boolean(list.coldStart)
            buffer.text(list.source)
            buffer.endRow()
        }
        return buffer.bytes
    }

    /// Under the partition's current incarnation (written after the batch's lists, which may
    /// have started a new one).
    static let insertDeadLetters = """
        INSERT INTO dead_letters (topic, kafka_partition, incarnation, kafka_offset, dead_letter_topic, reason, error)
        SELECT d.topic, d.kafka_partition, coalesce(p.incarnation, 0), d.kafka_offset, d.dead_letter_topic, d.reason, d.error
        FROM unnest($1::text[], $2::integer[], $3::bigint[], $4::text[], $5::text[], $6::text[])
             AS d(topic, kafka_partition, kafka_offset, dead_letter_topic, reason, error)
        LEFT JOIN recommendations_progress p ON p.topic = d.topic AND p.kafka_partition = d.kafka_partition
        ON CONFLICT DO NOTHING
        """

    /// Records dead letters (a replay records nothing twice); one attempt.
    public func recordDeadLetters(_ rows: [DeadLetterRow]) async throws(DatabaseError) {
        guard !rows.isEmpty else { return }
        let parameters = [
            PostgresArray.text(rows.map(\.topic)), PostgresArray.numbers(rows.map { Int64($0.partition) }),
            PostgresArray.numbers(rows.map(\.offset)), PostgresArray.text(rows.map(\.deadLetterTopic)),
            PostgresArray.text(rows.map(\.reason)), PostgresArray.text(rows.map(\.error)),
        ]
        try await worker.run { (connection) throws(DatabaseError) in
            _ = try connection.execute(Self.insertDeadLetters, parameters)
        }
    }

    /// Under the partition's current incarnation, like dead letters; the same gap found again
    /// (a service stopped by it and started again) is recorded once.
    static let insertGaps = """
        INSERT INTO stream_gaps (service, topic, kafka_partition, incarnation, first_offset, last_offset, events, policy)
        SELECT g.service, g.topic, g.kafka_partition, coalesce(p.incarnation, 0), g.first_offset, g.last_offset,
               g.last_offset - g.first_offset + 1, g.policy
        FROM unnest($1::text[], $2::text[], $3::integer[], $4::bigint[], $5::bigint[], $6::text[])
             AS g(service, topic, kafka_partition, first_offset, last_offset, policy)
        LEFT JOIN recommendations_progress p ON p.topic = g.topic AND p.kafka_partition = g.kafka_partition
        ON CONFLICT DO NOTHING
        """

    /// Records gaps in a topic (`stream_gaps`); one attempt.
    public func recordGaps(_ rows: [StreamGapRow]) async throws(DatabaseError) {
        guard !rows.isEmpty else { return }
        let parameters = [
            PostgresArray.text(rows.map(\.service)), PostgresArray.text(rows.map(\.topic)), PostgresArray.numbers(rows.map { Int64($0.partition) }),
            PostgresArray.numbers(rows.map(\.firstOffset)), PostgresArray.numbers(rows.map(\.lastOffset)), PostgresArray.text(rows.map(\.policy)),
        ]
        try await worker.run { (connection) throws(DatabaseError) in
            _ = try connection.execute(Self.insertGaps, parameters)
        }
    }

    /// Bulk-loads rows into any table with COPY (tools, benchmarks and tests).
    @discardableResult
    public func copy(into table: String, columns: [String], rows: [[String?]]) async throws(DatabaseError) -> Int {
        try await worker.run { (connection) throws(DatabaseError) in try connection.copy(into: table, columns: columns, rows: rows) }
    }

    /// Runs a statement that returns no rows (tools and tests); values are bound parameters.
    public func execute(_ sql: String, _ parameters: [String?] = []) async throws(DatabaseError) {
        try await worker.run { (connection) throws(DatabaseError) in _ = try connection.execute(sql, parameters) }
    }

    /// Events with a stored list (for summaries and tests).
    public func count() async throws(DatabaseError) -> Int {
        try await worker.run { (connection) throws(DatabaseError) in
            Int(try connection.execute("SELECT count(*) AS n FROM recommendation_lists").value(row: 0, column: "n") ?? "0") ?? 0
        }
    }

    /// Runs a read-only query with bound parameters and returns rows as column → text (tests and tools).
    public func rows(_ sql: String, _ parameters: [String?] = [], columns: [String]) async throws(DatabaseError) -> [[String: String?]] {
        try await worker.run { (connection) throws(DatabaseError) in
            let result = try connection.execute(sql, parameters)
            return (0..<result.rowCount).map { row in
                Dictionary(uniqueKeysWithValues: columns.map { ($0, result.value(row: row, column: $0)) })
            }
        }
    }
}
