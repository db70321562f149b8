import Foundation
import Logging
import RecoCore
import Synchronization

/// The model being served, and how a new one replaces it without downtime: it is loaded beside
/// the old one, its own follower replays the watch log after its cutoff into its own overlay,
/// and only once that caught up is it swapped in atomically; requests in flight finish on the old
/// one. A version that fails to load (or to catch up) is refused and the old one keeps serving.
/// The model comes from a file (`--model`) or from a registry's `current` (`--registry`).
final class ModelHolder: Sendable {
    enum Source: Sendable {
        case file(String)
        case registry(ModelRegistry)
    }

    let source: Source
    let moviesPath: String?
    private let current = Mutex<ServingModel?>(nil)
    private let currentFollower = Mutex<WatchLogFollower?>(nil)
    private let lastError = Mutex<String?>(nil)
    /// Serialises reloads so two at once cannot race to swap.
    private let reloading = Mutex(false)
    private let metrics: APIMetrics
    private let logger: Logger
    /// With `--follow`: how every model's follower reads the log.
    let follow: WatchLogFollower.Settings?
    /// Followers to run (`ReplicaService` runs each in its task group).
    let followers: AsyncStream<WatchLogFollower>
    private let followerRequests: AsyncStream<WatchLogFollower>.Continuation
    /// Bytes each loaded model may keep of folded EASE scores (`ServingModel.scoreCache`).
    let scoreCacheBytes: Int
    let overlayCustomers: Int
    /// How long a new version may take to replay the log before it is refused.
    let catchUpTimeout: Duration
    /// How followers find offsets by time (the brokers; tests stand in for one).
    let offsetsByTime: WatchLogFollower.OffsetsByTime?

    init(source: Source, moviesPath: String?, metrics: APIMetrics, logger: Logger, follow: WatchLogFollower.Settings? = nil,
         overlayCustomers: Int = 1_000_000, scoreCacheBytes: Int = ServingModel.defaultScoreCacheBytes, catchUpTimeout: Duration = .seconds(600),
         offsetsByTime: WatchLogFollower.OffsetsByTime? = nil) {
        self.offsetsByTime = offsetsByTime
        self.source = source
        self.moviesPath = moviesPath
        self.metrics = metrics
        self.logger = logger
        self.follow = follow
        self.overlayCustomers = overlayCustomers
        self.scoreCacheBytes = scoreCacheBytes
        self.catchUpTimeout = catchUpTimeout
        (followers, followerRequests) = AsyncStream.makeStream(of: WatchLogFollower.self)
    }

    convenience init(modelPath: String, moviesPath: String?, metrics: APIMetrics, logger: Logger, follow: WatchLogFollower.Settings? = nil,
                     overlayCustomers: Int = 1_000_000, scoreCacheBytes: Int = ServingModel.defaultScoreCacheBytes) {
        self.init(source: .file(modelPath), moviesPath: moviesPath, metrics: metrics, logger: logger, follow: follow,
                  overlayCustomers: overlayCustomers, scoreCacheBytes: scoreCacheBytes)
    }

    /// The model to use for one request, or nil before the first load finished.
    var serving: ServingModel? { current.withLock { $0 } }

    /// The follower of the model served (nil without `--follow` or before the first load).
    var follower: WatchLogFollower? { currentFollower.withLock { $0 } }

    var lastLoadError: String? { lastError.withLock { $0 } }

    /// No more followers will be asked for (shutdown).
    func finish() { followerRequests.finish() }

    /// Installs an already loaded model (tests, and a first load), with its follower when following.
    func install(_ model: ServingModel, follower: WatchLogFollower? = nil) {
        follower?.activate()
        let previous = currentFollower.withLock { old -> WatchLogFollower? in
            defer { old = follower }
            return old
        }
        current.withLock { $0 = model }
        previous?.stop()
        lastError.withLock { $0 = nil }
        metrics.modelLoaded(model)
    }

    enum ReloadOutcome: Sendable {
        case loaded(ServingModel)
        case failed(String)
        case busy
    }

    /// The version the source names now (the registry's `current`), nil for a file.
    func wantedVersion() throws -> String? {
        guard case .registry(let registry) = source else { return nil }
        return try registry.currentVersion()
    }

    /// Loads the model again (validating it fully), replays the log after its cutoff when
    /// following, and swaps it in; on failure the old model stays.
    @discardableResult
    func reload(reason: String) async -> ReloadOutcome {
        let started = reloading.withLock { busy -> Bool in
            if busy { return false }
            busy = true
            return true
        }
        guard started else { return .busy }
        defer { reloading.withLock { $0 = false } }
        do {
            let path: String
            switch source {
            case .file(let file): path = file
            case .registry(let registry):
                guard let version = try registry.currentVersion() else {
                    throw RegistryError(.noCurrent, "the registry \(registry.directory) has no current version yet (promote one)")
                }
                path = registry.modelPath(version)
            }
            let model = try await ServingModel.load(modelPath: path, moviesPath: moviesPath, scoreCacheBytes: scoreCacheBytes,
                                                    overlayCustomers: overlayCustomers)
            let previous = serving
            var follower: WatchLogFollower?
            if let follow {
                let replay = offsetsByTime.map { WatchLogFollower(settings: follow, serving: model, metrics: metrics, logger: logger, offsetsByTime: $0) }
                    ?? WatchLogFollower(settings: follow, serving: model, metrics: metrics, logger: logger)
                followerRequests.yield(replay)
                follower = replay
                // The first model serves at once (readiness waits for its follower); a new one
                // only once its replay caught up, so answers never go back in time.
                if previous != nil { try await waitUntilCaughtUp(replay) }
            }
            install(model, follower: follower)
            logger.info("model loaded", metadata: [
                "model.version": "\(model.version)", "model.previous_version": "\(previous?.version ?? "-")", "model.reason": "\(reason)",
                "model.customers": "\(model.file.customerCount)", "model.movies": "\(model.file.movieCount)",
                "model.load_seconds": "\(Decimals.format(model.loadSeconds, places: 3))",
                "model.replayed": "\(follower?.status.folded ?? 0)",
            ])
            return .loaded(model)
        } catch {
            let message = "\(error)"
            lastError.withLock { $0 = message }
            metrics.reloadFailed()
            if let serving {
                logger.error("model load failed; still serving the previous model", metadata: [
                    "model.error": "\(message)", "model.reason": "\(reason)", "model.serving": "\(serving.version)",
                ])
            } else {
                logger.error("model load failed; no model to serve, not ready until a reload (SIGHUP or /v1/admin/reload) succeeds", metadata: [
                    "model.error": "\(message)", "model.reason": "\(reason)",
                ])
            }
            return .failed(message)
        }
    }

    /// Waits until `follower` replayed the log (its own readiness); stops it and throws when it
    /// failed or took longer than `catchUpTimeout`.
    private func waitUntilCaughtUp(_ follower: WatchLogFollower) async throws {
        let deadline = ContinuousClock.now + catchUpTimeout
        while !follower.status.caughtUp {
            if let failure = follower.failure {
                throw ReplayError(message: "the new model's replay of the watch log failed: \(failure)")
            }
            guard ContinuousClock.now < deadline, !Task.isCancelled else {
                follower.stop()
                throw ReplayError(message: "the new model's replay of the watch log did not catch up within \(catchUpTimeout)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    struct ReplayError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
