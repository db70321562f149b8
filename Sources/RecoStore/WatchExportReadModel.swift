import RecoCore

/// The watches a new model learns from: those the consumer stored (the `watch_events` view) after
/// the serving model's cutoff, and where that export stops in the log. Read-only, values bound.
public struct WatchExportReadModel: Sendable {
    let store: RecommendationStore

    public init(store: RecommendationStore) {
        self.store = store
    }

    /// Where the previous model stopped learning.
    public enum Since: Sendable {
        /// Its log positions: exact where they are of this topic's current log (same cluster);
        /// else its cutoff time, `fallback` (µs since the epoch), is used.
        case positions(LogPositions, fallback: Int64)
        /// Watched after this instant (µs since the epoch).
        case time(Int64)
        /// Everything stored.
        case beginning
    }

    public struct Export: Sendable {
        /// In log order per partition, partitions in turn; each with its time.
        public var watches: [WatchHistoryReader.Watch]
        /// Where the export stops: per partition the offset below which every event is stored
        /// (nil when nothing of the topic is stored yet).
        public var positions: LogPositions?
        /// How `since` was applied: "positions" or "time".
        public var selectedBy: String
    }

    public func export(topic: String, since: Since) async throws(DatabaseError) -> Export {
        let progress = try await store.rows(
            "SELECT kafka_partition, next_offset, cluster_id, incarnation FROM recommendations_progress WHERE topic = $1 ORDER BY kafka_partition",
            [topic], columns: ["kafka_partition", "next_offset", "cluster_id", "incarnation"])
        var nextOffsets: [String: Int64] = [:]
        var clusterIds = Set<String>()
        for row in progress {
            guard let partition = row["kafka_partition"] ?? nil, let next = (row["next_offset"] ?? nil).flatMap(Int64.init) else { continue }
            nextOffsets[partition] = next
            clusterIds.insert((row["cluster_id"] ?? nil) ?? "")
        }
        let clusterId = clusterIds.count == 1 ? clusterIds.first ?? "" : ""
        let positions = nextOffsets.isEmpty ? nil : LogPositions(clusterId: clusterId, topic: topic, nextOffsets: nextOffsets)

        // Only the current incarnation of each partition's log, and only below its progress.
        var sql = """
            SELECT w.customer_id, w.movie_id, to_char(w.watched_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS watched_at
            FROM watch_events w
            JOIN recommendations_progress p ON p.topic = w.topic AND p.kafka_partition = w.kafka_partition AND p.incarnation = w.incarnation
            WHERE w.topic = $1 AND w.kafka_offset < p.next_offset
            """
        var parameters: [String?] = [topic]
        let selectedBy: String
        switch since {
        case .positions(let previous, _) where previous.topic == topic && !clusterId.isEmpty && previous.clusterId == clusterId:
            let partitions = previous.nextOffsets.keys.sorted()
            sql += """
                 AND w.kafka_offset >= COALESCE((SELECT s.next_offset FROM unnest($2::integer[], $3::bigint[]) AS s(kafka_partition, next_offset)
                                                WHERE s.kafka_partition = w.kafka_partition), 0)
                """
            parameters += [PostgresArray.text(partitions), PostgresArray.numbers(partitions.map { previous.nextOffsets[$0] ?? 0 })]
            selectedBy = "positions"
        case .positions(_, let fallback), .time(let fallback):
            sql += " AND w.watched_at > to_timestamp($2::double precision / 1000000)"
            parameters.append(String(fallback))
            selectedBy = "time"
        case .beginning:
            selectedBy = "everything"
        }
        sql += " ORDER BY w.kafka_partition, w.kafka_offset, w.event_index"
        let rows = try await store.rows(sql, parameters, columns: ["customer_id", "movie_id", "watched_at"])
        let watches = rows.compactMap { row -> WatchHistoryReader.Watch? in
            guard let customer = (row["customer_id"] ?? nil).flatMap(UInt32.init), let movie = (row["movie_id"] ?? nil).flatMap(UInt32.init) else { return nil }
            return WatchHistoryReader.Watch(customerId: customer, movieId: movie, watchedAt: (row["watched_at"] ?? nil).flatMap(RFC3339.microsecondsSinceEpoch))
        }
        return Export(watches: watches, positions: positions, selectedBy: selectedBy)
    }
}
