@testable import consumer
import Foundation
import RecoCore
import RecoKafka
import RecoStore
import StreamKit
import Synchronization
import Testing
import TestSupport

/// The consumer's batch handler on its own: messages in, lists and dead letters out, against an
/// in-memory sink (no Kafka, no PostgreSQL).
struct RecommendationWriterTests {
    static let topic = "watch_events"

    private func message(_ offset: Int64, _ value: String, partition: Int32 = 0) -> KafkaConsumedMessage {
        KafkaConsumedMessage(topic: Self.topic, partition: partition, offset: offset, key: nil, value: Array(value.utf8), headers: [],
                             timestampMilliseconds: 1_764_000_000_000)
    }

    private func event(_ id: String, customer: UInt32, movie: UInt32 = 7_003) -> String {
        String(decoding: WatchEvent(eventId: id, customerId: customer, movieId: movie, title: nil, year: nil, watchedAt: "2026-11-25T18:00:00.000Z",
                                    source: "test").jsonBytes(), as: UTF8.self)
    }

    private var context: BatchContext {
        var context = BatchContext(logger: quietLogger("writer-test"))
        context.retry = .untilStopped(baseDelay: .milliseconds(1), maxDelay: .milliseconds(5))
        return context
    }

    @Test func eachEventBecomesOneListWithTheModelsTopTenAndItsMovies() async throws {
        let model = try await SmallModel.make()
        let sink = InMemoryRecommendationSink()
        let writer = RecommendationWriter(sink: sink, source: ModelFileSource(recommender: model.recommender, catalog: model.catalog),
                                          deadLetterTopic: Self.topic + ".dlq")
        let legacy = #"{"Movie_Id":{"0":3,"1":4},"YearRelease":{"0":2004,"1":null},"Name":{"0":"A","1":"B"},"current_time":{"0":1700000000000,"1":1700000001000},"customerID":{"0":1005,"1":1006}}"#
        let batch = [message(0, event("a", customer: 1_007)), message(1, "{not json"), message(2, legacy), message(3, event("cold", customer: 999_999))]
        let result = try await writer.prepare(batch, context: context)
        #expect(result.deadLetters.map(\.message.offset) == [1])
        #expect(result.deadLetters.first?.reason == "not_json")
        #expect(result.offsets == [KafkaTopicPartition(topic: Self.topic, partition: 0): 4])
        #expect(try await writer.write(result.pending, context: context).isEmpty)

        let contents = sink.contents
        #expect(contents.lists.map { "\($0.offset)/\($0.eventIndex)" } == ["0/0", "2/0", "2/1", "3/0"])
        let first = try #require(contents.lists.first)
        let expected = model.recommender.recommend(customerId: 1_007, limit: 10)
        #expect(first.movieIds == expected.items.map(\.movieId))
        #expect(first.scores == expected.items.map { RecommendedMovie.rounded($0.score) })
        #expect(first.customerId == 1_007 && first.watchedMovieId == 7_003 && first.eventId == "a" && !first.coldStart)
        #expect(first.modelVersion == model.recommender.model.metadata.version)
        #expect(contents.lists.last?.coldStart == true)
        // The seed's two-event message: one list per event, each with its own customer.
        #expect(contents.lists[1].customerId == 1_005 && contents.lists[2].customerId == 1_006)
        // Every movie a list names is in the movies it wrote, with the catalogue's title.
        for id in contents.lists.flatMap(\.movieIds) {
            #expect(contents.movies[id]?.title == model.catalog[id]?.title)
        }
        #expect(contents.deadLetters.map(\.offset) == [1])
        #expect(contents.deadLetters.first?.deadLetterTopic == Self.topic + ".dlq")
        #expect(writer.totals.events == 4 && writer.totals.listsWritten == 4)

        // The same batch again (a replay after a crash) inserts nothing.
        _ = try await writer.write(try await writer.prepare(batch, context: context).pending, context: context)
        #expect(sink.contents.lists.count == 4)
        #expect(sink.contents.deadLetters.count == 1)
    }

    /// Issue 26, item 1: a restarted cluster takes with it what the consumer had not read. The
    /// offsets between the stored progress and the old log's last end seen are recorded as lost
    /// (policy restart), and `--on-gap fail` (the default) stops the consumer once the batch of
    /// the new log is written; `continue` reads on.
    @Test(arguments: [GapPolicy.fail, .continue])
    func eventsTheOldClusterHeldAndNoOneReadAreCountedAsLostWhenTheClusterRestarts(policy: GapPolicy) async throws {
        let model = try await SmallModel.make()
        let sink = InMemoryRecommendationSink()
        let writer = RecommendationWriter(sink: sink, source: ModelFileSource(recommender: model.recommender, catalog: model.catalog),
                                          deadLetterTopic: Self.topic + ".dlq", onGap: policy)
        func log(_ cluster: String, end: Int64) -> LogIdentity {
            LogIdentity(clusterId: cluster, highWatermarks: [LogIdentity.Partition(topic: Self.topic, partition: 0): end])
        }
        // The old cluster held 10 events; the consumer stored the first 4.
        var old = try await writer.prepare((0..<4).map { message($0, event("old-\($0)", customer: 1_007)) }, context: context)
        old.pending.log = log("cluster-a", end: 10)
        #expect(try await writer.write(old.pending, context: context).isEmpty)
        // The broker restarts: a new cluster whose log starts at 0 again.
        var new = try await writer.prepare((0..<2).map { message($0, event("new-\($0)", customer: 1_007)) }, context: context)
        new.pending.log = log("cluster-b", end: 2)
        do {
            _ = try await writer.write(new.pending, context: context)
            #expect(policy == .continue, "the default policy stops the consumer")
        } catch let error as StreamGapError {
            #expect(policy == .fail)
            #expect(error.previousLog)
            #expect(error.gaps == [StreamGap(partition: KafkaTopicPartition(topic: Self.topic, partition: 0), firstLost: 4, lastLost: 9)])
            #expect(error.description.contains("offsets 4…9 (6 events)"))
        }
        let contents = sink.contents
        #expect(contents.regressions.first?.lostOnPreviousLog == 4...9)
        #expect(contents.gaps.map { "\($0.firstOffset)…\($0.lastOffset) \($0.policy)" } == ["4…9 restart"])
        // The new log's events are stored either way (the failure comes after the write).
        #expect(contents.lists.filter { $0.eventId.hasPrefix("new-") }.count == 2)
    }

    /// Issue 16: the list stored for an event is computed after that event is folded in, so the
    /// movie being watched is never recommended with it.
    @Test func theStoredListIsComputedWithItsEventFoldedIn() async throws {
        let model = try await SmallModel.make()
        let sink = InMemoryRecommendationSink()
        let writer = RecommendationWriter(sink: sink, source: ModelFileSource(recommender: model.recommender, catalog: model.catalog),
                                          deadLetterTopic: Self.topic + ".dlq")
        let before = model.recommender.recommend(customerId: 1_007, limit: 10).items.map(\.movieId)
        let watching = try #require(before.first)
        let result = try await writer.prepare([message(0, event("w", customer: 1_007, movie: watching))], context: context)
        #expect(try await writer.write(result.pending, context: context).isEmpty)
        let stored = try #require(sink.contents.lists.first)
        #expect(!stored.movieIds.contains(watching))
        let folded = model.recommender.foldIn(customerId: 1_007, watched: [watching])
        #expect(stored.movieIds == model.recommender.recommend(customerId: 1_007, limit: 10, folded: folded).items.map(\.movieId))
    }

    @Test func aDatabaseOutageIsWaitedOutNotDeadLettered() async throws {
        let model = try await SmallModel.make()
        let sink = InMemoryRecommendationSink()
        let writer = RecommendationWriter(sink: sink, source: ModelFileSource(recommender: model.recommender, catalog: model.catalog),
                                          deadLetterTopic: Self.topic + ".dlq")
        sink.failNext(3)
        let result = try await writer.prepare([message(5, event("x", customer: 1_001)), message(6, "[]")], context: context)
        #expect(try await writer.write(result.pending, context: context).isEmpty)
        #expect(sink.contents.lists.map(\.offset) == [5])
        #expect(sink.contents.deadLetters.map(\.offset) == [6])
    }

    @Test func anUnavailableSourceIsRetriedUntilItAnswers() async throws {
        let model = try await SmallModel.make()
        let source = FlakySource(inner: ModelFileSource(recommender: model.recommender, catalog: model.catalog), failures: 2)
        let writer = RecommendationWriter(sink: InMemoryRecommendationSink(), source: source, deadLetterTopic: Self.topic + ".dlq")
        let result = try await writer.prepare([message(0, event("y", customer: 1_002))], context: context)
        #expect(result.pending.lists.count == 1)
        #expect(result.deadLetters.isEmpty)
        #expect(source.calls == 3)
    }
}

/// A source that is down for its first calls.
final class FlakySource: RecommendationSource {
    let inner: ModelFileSource
    private let state: Mutex<(failures: Int, calls: Int)>

    init(inner: ModelFileSource, failures: Int) {
        self.inner = inner
        state = Mutex((failures, 0))
    }

    var calls: Int { state.withLock { $0.calls } }

    func recommend(_ customerIds: [UInt32], watching: [RecommendationBatchRequest.Watching], limit: Int) async throws -> RecommendationBatch {
        let fail = state.withLock { state -> Bool in
            state.calls += 1
            guard state.failures > 0 else { return false }
            state.failures -= 1
            return true
        }
        if fail { throw APISource.APIUnavailable(message: "down") }
        return try await inner.recommend(customerIds, watching: watching, limit: limit)
    }

    func shutdown() async {}
}
