import Foundation
import RecoCore
import RecoKafka
import RecoStore
import StreamKit
import Synchronization

/// The consumer's batch handler: decode the events, get each customer's top 10, and write one
/// list per event (with the movies it names) and the dead letters to the sink in one go.
///
/// Failures that are not the messages' fault (reco-api or PostgreSQL down) never go to the
/// dead-letter topic: the batch waits, its partitions paused, until they are back.
final class RecommendationWriter: BatchHandler {
    struct Pending: Sendable {
        var lists: [RecommendationList] = []
        var movies: [MovieRow] = []
        /// The log incarnation the batch came from (nil in unit tests without a consumer).
        var log: LogIdentity?
        var deadLetters: [DeadLetterRow] = []
        var events = 0
        /// Kafka timestamps of the batch's events, for the event-to-commit latency.
        var timestampsMilliseconds: [Int64] = []
        var decode: Duration = .zero
        var recommend: Duration = .zero
    }

    struct Totals: Sendable {
        var events = 0
        var listsWritten = 0
        /// Event-to-commit latencies (ms) since the last statistics line: each line describes its interval.
        var latencies: [Double] = []
        var decode: Duration = .zero
        var recommend: Duration = .zero
        var write: Duration = .zero
    }

    let sink: any RecommendationSink
    let source: any RecommendationSource
    let deadLetterTopic: String
    let limit: Int
    let metrics: ConsumerMetrics?
    /// Recorded with each gap: what the service does after it.
    let onGap: GapPolicy
    private let counters = Mutex(Totals())

    init(sink: any RecommendationSink, source: any RecommendationSource, deadLetterTopic: String, limit: Int = 10, metrics: ConsumerMetrics? = nil,
         onGap: GapPolicy = .fail) {
        self.sink = sink
        self.source = source
        self.deadLetterTopic = deadLetterTopic
        self.limit = limit
        self.metrics = metrics
        self.onGap = onGap
    }

    var totals: Totals { counters.withLock { $0 } }

    func prepare(_ batch: [KafkaConsumedMessage], context: BatchContext) async throws -> BatchResult<Pending> {
        let decodeStart = ContinuousClock.now
        let decoded = WatchEventBatch(batch)
        var pending = Pending()
        pending.deadLetters = decoded.deadLetters.map {
            DeadLetterRow(topic: $0.message.topic, partition: $0.message.partition, offset: $0.message.offset, deadLetterTopic: deadLetterTopic,
                          reason: $0.reason, error: $0.error)
        }
        let recommendStart = ContinuousClock.now
        pending.decode = recommendStart - decodeStart
        let (version, byCustomer) = try await decoded.recommendations(from: source, limit: limit, context: context)
        var movies: [UInt32: MovieRow] = [:]
        for (message, events) in decoded.events {
            for (eventIndex, event) in events.enumerated() {
                guard let top = byCustomer[event.customerId] else { continue }
                pending.lists.append(RecommendationList(
                    topic: message.topic, partition: message.partition, offset: message.offset, eventIndex: eventIndex, eventId: event.eventId,
                    customerId: event.customerId, watchedMovieId: event.movieId, watchedAt: event.watchedAt, movieIds: top.items.map(\.movieId),
                    scores: top.items.map(\.score), modelVersion: version, coldStart: top.coldStart, source: event.source))
                for item in top.items { movies[item.movieId] = MovieRow(movieId: item.movieId, title: item.title, year: item.year) }
            }
            if let timestamp = message.timestampMilliseconds { pending.timestampsMilliseconds.append(timestamp) }
        }
        pending.movies = Array(movies.values)
        if let identity = context.logIdentity(of: batch) {
            pending.log = LogIdentity(clusterId: identity.clusterId, highWatermarks: Dictionary(uniqueKeysWithValues: identity.highWatermarks.map {
                (LogIdentity.Partition(topic: $0.key.topic, partition: $0.key.partition), $0.value)
            }))
        }
        pending.events = decoded.eventCount
        pending.recommend = ContinuousClock.now - recommendStart
        return BatchResult(pending: pending, deadLetters: decoded.deadLetters, finishing: batch)
    }

    func write(_ pending: Pending, context: BatchContext) async throws -> [DeadLetter] {
        let writeStart = ContinuousClock.now
        let transient: (any Error) -> Bool = { ($0 as? DatabaseError)?.isTransient ?? false }
        let result = try await context.untilAvailable("database", shouldRetry: transient) {
            try await sink.write(pending.lists, movies: pending.movies, log: pending.log)
        }
        var lostWithPreviousLog: [StreamGap] = []
        for regression in result.regressions {
            // Loud: events are not skipped, but whoever watches the log should know the log restarted.
            context.logger.error("Kafka offsets went back; storing the new events under a new incarnation", metadata: [
                "kafka.topic": "\(regression.topic)", "kafka.partition": "\(regression.partition)", "store.regression": "\(regression)",
            ])
            // What the old log held beyond the stored progress is gone with it; the store recorded
            // it in stream_gaps (policy restart) in the same transaction.
            guard let lost = regression.lostOnPreviousLog else { continue }
            let gap = StreamGap(partition: KafkaTopicPartition(topic: regression.topic, partition: regression.partition),
                                firstLost: lost.lowerBound, lastLost: lost.upperBound)
            if let metrics { gap.count(in: metrics.registry, service: "consumer") }
            lostWithPreviousLog.append(gap)
        }
        let written = result.inserted
        // Dead letters are in PostgreSQL too, for the dashboard, before their offsets are stored
        // (after the lists, whose write may have started a new incarnation).
        if !pending.deadLetters.isEmpty {
            try await context.untilAvailable("database", shouldRetry: transient) {
                try await sink.recordDeadLetters(pending.deadLetters)
            }
        }
        let writeTime = ContinuousClock.now - writeStart
        let nowMilliseconds = Int64(Date().timeIntervalSince1970 * 1000)
        let latencies = pending.timestampsMilliseconds.map { Duration.milliseconds(nowMilliseconds - $0) }
        counters.withLock {
            $0.events += pending.events
            $0.listsWritten += written
            $0.latencies.append(contentsOf: latencies.map(\.milliseconds))
            if $0.latencies.count > 100_000 { $0.latencies.removeFirst($0.latencies.count - 100_000) }
            $0.decode += pending.decode
            $0.recommend += pending.recommend
            $0.write += writeTime
        }
        metrics?.batchWritten(events: pending.events, rows: written, recommend: pending.recommend, write: writeTime, latencies: latencies)
        if !lostWithPreviousLog.isEmpty && onGap == .fail {
            // The batch is written; its offsets are not stored, so the next run replays it (idempotent).
            throw StreamGapError(service: "consumer", gaps: lostWithPreviousLog, previousLog: true)
        }
        return []
    }

    func recordGaps(_ gaps: [StreamGap], context: BatchContext) async throws {
        let rows = gaps.map {
            StreamGapRow(service: "consumer", topic: $0.partition.topic, partition: $0.partition.partition, firstOffset: $0.firstLost,
                         lastOffset: $0.lastLost, policy: onGap.rawValue)
        }
        try await context.untilAvailable("database", shouldRetry: { ($0 as? DatabaseError)?.isTransient ?? false }) {
            try await sink.recordGaps(rows)
        }
    }

    func statistics() -> [(key: String, value: String)] {
        let (totals, sorted) = counters.withLock { totals in
            defer { totals.latencies.removeAll(keepingCapacity: true) }
            return (totals, totals.latencies.sorted())
        }
        func percentile(_ q: Double) -> String {
            sorted.isEmpty ? "-" : String(Int(sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]))
        }
        return [("events", "\(totals.events)"), ("rows", "\(totals.listsWritten)"), ("latency_p50_ms", percentile(0.5)),
                ("latency_p99_ms", percentile(0.99)), ("decode_s", Decimals.format(totals.decode.seconds, places: 1)),
                ("recommend_s", Decimals.format(totals.recommend.seconds, places: 1)), ("write_s", Decimals.format(totals.write.seconds, places: 1))]
    }

    func finish() async {
        await source.shutdown()
    }
}
