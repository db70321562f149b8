import Foundation
import Logging
import RecoCore
import RecoKafka
import ServiceLifecycle
import StreamKit
import Synchronization

/// Reads the watch-event topic from one serving model's cutoff and folds every event after it
/// into that model's overlay. Where the model records its log positions (a registry version
/// trained from exported watches) and this is the same cluster and topic, each partition starts
/// exactly there; otherwise at the first message at or after the cutoff time where the brokers
/// can say, from the start with earlier events skipped where they cannot. Kafka is the
/// replication log: each replica reads every partition in a consumer group of its own (never
/// committing), so replicas fed the same topic hold the same overlay, and a restarted replica
/// rebuilds it by reading again. A new model version gets a follower of its own, which replays
/// the log after its cutoff before the version is swapped in (`ModelHolder.reload`); the old
/// one is stopped then.
///
/// Readiness: first, every partition read up to the end its leader reported when it was
/// assigned (the lag cached from fetches is unknown, and reads as 0, before the first fetch);
/// from then on, within `readyLag` messages of the end.
final class WatchLogFollower: Sendable {
    struct Settings: Sendable {
        var configuration: KafkaConfiguration
        var topic: String
        var connectTimeout: Duration
        /// Messages behind the log's end still counted as caught up.
        var readyLag: Int64
    }

    struct Status: Sendable, Equatable {
        var following = false
        var caughtUp = false
        /// Messages behind the end of the log, summed over partitions (nil before it is known).
        var lag: Int64?
        /// Watch events folded into the overlay.
        var folded = 0
        /// Messages read, each counted once under what became of it, so every one is accounted for:
        var read = 0
        /// at least one of its watches changed the overlay;
        var foldedMessages = 0
        /// below the model's log position (the model learned it);
        var learned = 0
        /// not a watch event (the consumer dead-letters it);
        var notAnEvent = 0
        /// every event of it from before the model's cutoff;
        var beforeCutoff = 0
        /// every watch of it already in the customer's overlay (a repeat): nothing changed;
        var repeatWatches = 0
        /// at or below the position already applied (read again after a rebalance).
        var replayed = 0
        /// Offsets after the model's start that the log no longer held when this replica got
        /// there (`StreamGap`): their watches are missing from the overlay.
        var lost: Int64 = 0
        var lastGap: String?

        /// Messages read without a watch to fold (learned, not an event, before the cutoff).
        var skipped: Int { learned + notAnEvent + beforeCutoff }
    }

    /// The first offset at or after a time (ms) in each partition, where the brokers can say.
    typealias OffsetsByTime = @Sendable (_ consumer: KafkaConsumer, _ milliseconds: Int64, _ partitions: Set<KafkaTopicPartition>) async
        -> [KafkaTopicPartition: Int64]

    private let settings: Settings
    /// The model whose overlay this follower fills.
    let serving: ServingModel
    private let metrics: APIMetrics
    private let logger: Logger
    private let offsetsByTime: OffsetsByTime
    private let current = Mutex(Status())
    /// Reports to `/metrics` only while its model is the one served.
    private let active = Atomic<Bool>(false)
    private let stopped = Atomic<Bool>(false)
    private let failed = Mutex<String?>(nil)

    /// `offsetsByTime` asks the brokers (ListOffsets by timestamp); tests stand in for a broker
    /// that answers it, which librdkafka's mock cluster does not.
    init(settings: Settings, serving: ServingModel, metrics: APIMetrics, logger: Logger,
         offsetsByTime: @escaping OffsetsByTime = { consumer, milliseconds, partitions in
             await consumer.offsets(atOrAfter: milliseconds, in: partitions, timeout: .seconds(10))
         }) {
        self.settings = settings
        self.serving = serving
        self.metrics = metrics
        self.logger = logger
        self.offsetsByTime = offsetsByTime
    }

    var status: Status { current.withLock { $0 } }

    /// Its model is served now: report to `/metrics`.
    func activate() { active.store(true, ordering: .releasing) }

    var isActive: Bool { active.load(ordering: .acquiring) }

    /// Why its run ended with an error (a replay that could not finish).
    var failure: String? { failed.withLock { $0 } }

    func recordFailure(_ error: any Error) { failed.withLock { $0 = "\(error)" } }

    /// Its model is no longer served (or never will be): stop reading.
    func stop() { stopped.store(true, ordering: .releasing) }

    private var shouldStop: Bool { stopped.load(ordering: .acquiring) || Task.isShuttingDownGracefully || Task.isCancelled }

    func run() async throws {
        var configuration = settings.configuration
        // A group of its own that never commits: this replica reads every partition from the
        // start on every start, whatever other replicas or the consumer do.
        configuration.set("enable.auto.commit", "false")
        configuration.set("auto.offset.reset", "earliest")
        let groupId = "reco-api-replica-\(UUID().uuidString.lowercased())"
        let consumer = try KafkaConsumer(configuration: configuration, groupId: groupId, topics: [settings.topic], logger: logger)
        current.withLock { $0.following = true }
        do {
            try await consumer.waitForCluster(servers: configuration.bootstrapServers, timeout: settings.connectTimeout)
            try await follow(consumer)
        } catch {
            await consumer.close()
            throw error
        }
        await consumer.close()
    }

    private func follow(_ consumer: KafkaConsumer) async throws {
        var lastReport = ContinuousClock.now
        var assigned: Set<KafkaTopicPartition> = []
        // The log's end per partition when it was assigned; nil once every one was reached.
        var startingEnds: [KafkaTopicPartition: ClosedRange<Int64>]? = [:]
        // Where each partition's next message should be: from where it was sought on.
        var gaps = GapTracker()
        while !shouldStop {
            let messages = try await consumer.poll(maximum: 2_000, timeout: .milliseconds(100))
            let partitions = consumer.assignedPartitions
            var sought: Set<KafkaTopicPartition> = []
            if partitions != assigned {
                let added = partitions.subtracting(assigned)
                assigned = partitions
                gaps.retain(partitions)
                if startingEnds != nil {
                    sought = await seekToStart(consumer, added)
                    gaps.assigned(committed: startOffsets.filter { sought.contains($0.key) })
                    startingEnds = await consumer.logRanges(of: partitions, timeout: .seconds(5))
                }
            } else if let ends = startingEnds, ends.count < assigned.count {
                // A leader that did not answer yet: ask again, or readiness would wait for ever.
                let missing = assigned.filter { ends[$0] == nil }
                startingEnds = ends.merging(await consumer.logRanges(of: missing, timeout: .seconds(5))) { old, _ in old }
            }
            // A partition assigned during this poll may have delivered messages from its start
            // before the seek: they are read again from the cutoff, so they are left out here.
            let kept = sought.isEmpty ? messages : messages.filter { !sought.contains(KafkaTopicPartition(topic: $0.topic, partition: $0.partition)) }
            if !kept.isEmpty {
                await checkForGaps(kept, tracker: &gaps, consumer: consumer)
                apply(kept)
            }
            let lag: Int64?
            if let ends = startingEnds {
                // Still reading the log as it was at the start.
                let applied = serving.overlay.nextOffsets
                let remaining = assigned.map { partition -> Int64? in
                    guard let range = ends[partition] else { return nil }
                    let next = applied["\(partition.topic)/\(partition.partition)"] ?? startOffsets[partition] ?? range.lowerBound
                    return max(0, range.upperBound - max(next, range.lowerBound))
                }
                lag = assigned.isEmpty || remaining.contains(nil) ? nil : remaining.reduce(0) { $0 + $1! }
                if lag == 0 { startingEnds = nil }
            } else {
                let lags = consumer.lag()
                lag = !assigned.isEmpty && assigned.allSatisfy({ lags[$0] != nil }) ? lags.values.reduce(0, +) : nil
            }
            let (status, becameReady) = current.withLock { status -> (Status, Bool) in
                let was = status.caughtUp
                status.lag = lag
                status.caughtUp = startingEnds == nil && (lag.map { $0 <= settings.readyLag } ?? false)
                return (status, status.caughtUp && !was)
            }
            if active.load(ordering: .acquiring) { metrics.followerUpdated(lag: lag, overlay: serving.overlay, scoreCache: serving.scoreCache) }
            if becameReady {
                logger.info("caught up with the watch log", metadata: [
                    "model.version": "\(serving.version)", "follow.lag": "\(lag ?? 0)", "follow.folded": "\(status.folded)",
                    "follow.customers": "\(serving.overlay.count)"])
            }
            if ContinuousClock.now - lastReport >= .seconds(30) {
                lastReport = ContinuousClock.now
                logger.info("following the watch log", metadata: [
                    "follow.lag": "\(lag.map(String.init) ?? "unknown")", "follow.folded": "\(status.folded)",
                    "follow.read": "\(status.read)", "follow.learned": "\(status.learned)", "follow.not_an_event": "\(status.notAnEvent)",
                    "follow.before_cutoff": "\(status.beforeCutoff)", "follow.repeat_watches": "\(status.repeatWatches)",
                    "follow.replayed": "\(status.replayed)", "follow.customers": "\(serving.overlay.count)",
                    "follow.evictions": "\(serving.overlay.evictions)"])
            }
        }
    }

    /// A replica serves on after a gap (its lists miss those watches, nothing more): the gap is
    /// logged at error level, counted in `reco_stream_lost_events_total{service="reco-api",…}`
    /// and reported in `/health/ready` (`lost_events`, `last_gap`).
    private func checkForGaps(_ messages: [KafkaConsumedMessage], tracker: inout GapTracker, consumer: KafkaConsumer) async {
        let suspects = tracker.suspects(in: messages)
        tracker.consumed(messages)
        guard !suspects.isEmpty else { return }
        let ranges = await consumer.logRanges(of: Set(suspects.map(\.partition)), timeout: .seconds(5))
        for gap in GapTracker.gaps(in: suspects, logStarts: ranges.mapValues(\.lowerBound)) {
            logger.error("events lost: the watch log no longer holds offsets after the model's start; their watches are not folded in", metadata: [
                "model.version": "\(serving.version)", "kafka.topic": "\(gap.partition.topic)", "kafka.partition": "\(gap.partition.partition)",
                "follow.lost_first_offset": "\(gap.firstLost)", "follow.lost_last_offset": "\(gap.lastLost)", "follow.lost_events": "\(gap.events)"])
            metrics.lost(gap)
            current.withLock {
                $0.lost += gap.events
                $0.lastGap = gap.description
            }
        }
    }

    /// Where reading started in each partition sought to the cutoff (only the follow loop touches it).
    private let startOffsetsStore = Mutex<[KafkaTopicPartition: Int64]>([:])
    private var startOffsets: [KafkaTopicPartition: Int64] { startOffsetsStore.withLock { $0 } }

    /// Where each partition's reading starts, and below which offset its events are what the
    /// model learned (its log positions, where they are of this cluster and topic).
    private let learnedBelow = Mutex<[KafkaTopicPartition: Int64]>([:])

    /// Seeks newly assigned partitions to where the model's learning stopped: its log positions
    /// where this is the log they are of (exact), else the first message at or after its cutoff
    /// time where the brokers can say. Where neither applies (librdkafka's mock cluster answers
    /// no ListOffsets by time) reading starts at the beginning and events before the cutoff are
    /// skipped one by one, with the same result. Returns the partitions sought.
    private func seekToStart(_ consumer: KafkaConsumer, _ partitions: Set<KafkaTopicPartition>) async -> Set<KafkaTopicPartition> {
        guard !partitions.isEmpty else { return [] }
        var offsets: [KafkaTopicPartition: Int64] = [:]
        var how = "cutoff time"
        if let positions = serving.logPositions, positions.topic == settings.topic, let cluster = consumer.clusterId, cluster == positions.clusterId {
            for partition in partitions { offsets[partition] = positions.nextOffset(partition: partition.partition) ?? 0 }
            learnedBelow.withLock { $0.merge(offsets) { _, new in new } }
            how = "log positions"
        } else if let cutoff = serving.cutoffMilliseconds {
            offsets = await offsetsByTime(consumer, cutoff, partitions).filter { partitions.contains($0.key) && $0.value >= 0 }
        }
        guard !offsets.isEmpty else { return [] }
        do {
            try await consumer.seek(offsets, timeout: .seconds(10))
            startOffsetsStore.withLock { $0.merge(offsets) { _, new in new } }
            logger.info("watch log read from the model's \(how)", metadata: [
                "model.version": "\(serving.version)", "follow.partitions_sought": "\(offsets.count)",
                "follow.skipped_before_cutoff": "\(offsets.values.reduce(0, +))"])
            return Set(offsets.keys)
        } catch {
            // Reading from the start is slower, never wrong.
            logger.warning("could not seek to the model's \(how); reading from the start", metadata: ["kafka.error": "\(error)"])
            return []
        }
    }

    /// Folds a batch in. Messages that are not events, and events before the model's cutoff
    /// (it learned from them), only move the applied position on.
    private func apply(_ messages: [KafkaConsumedMessage]) {
        let overlay = serving.overlay
        let cutoff = serving.cutoffMilliseconds ?? .min
        let learned = learnedBelow.withLock { $0 }
        var batch = Status()
        for message in messages {
            let partition = "\(message.topic)/\(message.partition)"
            batch.read += 1
            // Below the model's log position: it learned this event.
            if let below = learned[KafkaTopicPartition(topic: message.topic, partition: message.partition)], message.offset < below {
                overlay.skip(partition: partition, offset: message.offset)
                batch.learned += 1
                continue
            }
            guard let events = try? WatchEventDecoder.decode(message.value) else {
                overlay.skip(partition: partition, offset: message.offset)
                batch.notAnEvent += 1
                continue
            }
            let exact = !learned.isEmpty
            let watches = events.compactMap { event -> (customerId: UInt32, watch: CustomerWatches.Watch)? in
                let time = RFC3339.microsecondsSinceEpoch(event.watchedAt).map { $0 / 1_000 } ?? message.timestampMilliseconds ?? 0
                // With exact positions every event after them counts, whatever its time says.
                guard exact || time >= cutoff else { return nil }
                return (event.customerId, CustomerWatches.Watch(movieId: event.movieId, watchedAt: time))
            }
            if watches.isEmpty {
                overlay.skip(partition: partition, offset: message.offset)
                batch.beforeCutoff += 1
                continue
            }
            switch overlay.fold(watches, position: (partition, message.offset)) {
            case .folded:
                batch.foldedMessages += 1
                batch.folded += watches.count
                // In log order, watch by watch: the kept scores depend on the log alone.
                for (customerId, _) in watches { serving.watchFolded(customerId: customerId) }
            case .unchanged:
                batch.repeatWatches += 1
            case .alreadyApplied:
                batch.replayed += 1
            }
        }
        if active.load(ordering: .acquiring) { metrics.folded(batch.folded) }
        current.withLock {
            $0.folded += batch.folded
            $0.read += batch.read
            $0.foldedMessages += batch.foldedMessages
            $0.learned += batch.learned
            $0.notAnEvent += batch.notAnEvent
            $0.beforeCutoff += batch.beforeCutoff
            $0.repeatWatches += batch.repeatWatches
            $0.replayed += batch.replayed
        }
    }
}
