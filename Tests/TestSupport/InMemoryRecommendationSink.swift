import RecoStore
import Synchronization

/// `RecommendationSink` in memory, with the store's idempotence rule (a partition's lists below
/// its progress are skipped), so the consumer's handler is tested without PostgreSQL. It can be
/// told to fail the next writes, as a database that is down would.
public final class InMemoryRecommendationSink: RecommendationSink {
    public struct Contents: Sendable {
        public var lists: [RecommendationList] = []
        public var movies: [UInt32: MovieRow] = [:]
        public var deadLetters: [DeadLetterRow] = []
        public var progress: [String: Int64] = [:]
        /// Per partition: the cluster id and incarnation of its progress.
        public var incarnations: [String: (clusterId: String, incarnation: Int)] = [:]
        public var regressions: [OffsetRegression] = []
        public var gaps: [StreamGapRow] = []
        /// Per partition: the highest log end seen in its incarnation.
        public var highWatermarks: [String: Int64] = [:]
    }

    private let state = Mutex(Contents())
    private let failures = Mutex(0)

    public init() {}

    public var contents: Contents { state.withLock { $0 } }

    /// The next `count` calls fail with a transient connection error.
    public func failNext(_ count: Int) {
        failures.withLock { $0 = count }
    }

    private func failIfAsked() throws(DatabaseError) {
        let fail = failures.withLock { remaining -> Bool in
            guard remaining > 0 else { return false }
            remaining -= 1
            return true
        }
        if fail { throw DatabaseError(kind: .connection, message: "the in-memory database is down") }
    }

    public func write(_ lists: [RecommendationList], movies: [MovieRow], log: LogIdentity?) async throws(DatabaseError) -> SinkWriteResult {
        try failIfAsked()
        return state.withLock { state in
            for movie in movies { state.movies[movie.movieId] = movie }
            // The store's rule: a new cluster id or a log end below the progress restarts the partition.
            var regressions: [OffsetRegression] = []
            if let log {
                for list in lists {
                    let key = "\(list.topic)/\(list.partition)"
                    let known = state.incarnations[key] ?? (log.clusterId, 0)
                    let next = state.progress[key] ?? 0
                    let end = log.highWatermarks[LogIdentity.Partition(topic: list.topic, partition: list.partition)]
                    if known.clusterId != log.clusterId || (end.map { $0 < next } ?? false) {
                        // And the store's record of what the old log held beyond the progress.
                        let seen = state.highWatermarks[key] ?? 0
                        let lost = seen > next ? next...(seen - 1) : nil
                        if let lost {
                            state.gaps.append(StreamGapRow(service: "consumer", topic: list.topic, partition: list.partition, firstOffset: lost.lowerBound,
                                                           lastOffset: lost.upperBound, policy: "restart"))
                        }
                        let regression = OffsetRegression(topic: list.topic, partition: list.partition, previousClusterId: known.clusterId,
                                                          clusterId: log.clusterId, previousNextOffset: next, highWatermark: end,
                                                          incarnation: known.incarnation + 1, lostOnPreviousLog: lost)
                        regressions.append(regression)
                        state.progress[key] = 0
                        state.highWatermarks[key] = 0
                        state.incarnations[key] = (log.clusterId, known.incarnation + 1)
                    } else {
                        state.incarnations[key] = known
                    }
                    if let end { state.highWatermarks[key] = max(state.highWatermarks[key] ?? 0, end) }
                }
            }
            state.regressions += regressions
            var inserted = 0
            var next: [String: Int64] = [:]
            for list in lists {
                let key = "\(list.topic)/\(list.partition)"
                guard list.offset >= state.progress[key] ?? 0 else { continue }
                state.lists.append(list)
                inserted += 1
                next[key] = max(next[key] ?? 0, list.offset + 1)
            }
            state.progress.merge(next) { max($0, $1) }
            return SinkWriteResult(inserted: inserted, regressions: regressions)
        }
    }

    public func recordDeadLetters(_ rows: [DeadLetterRow]) async throws(DatabaseError) {
        try failIfAsked()
        state.withLock { state in
            for row in rows where !state.deadLetters.contains(where: { $0.topic == row.topic && $0.partition == row.partition && $0.offset == row.offset }) {
                state.deadLetters.append(row)
            }
        }
    }

    public func recordGaps(_ rows: [StreamGapRow]) async throws(DatabaseError) {
        try failIfAsked()
        state.withLock { state in
            for row in rows where !state.gaps.contains(where: { ($0.service, $0.topic, $0.partition, $0.firstOffset) == (row.service, row.topic, row.partition, row.firstOffset) }) {
                state.gaps.append(row)
            }
        }
    }
}
