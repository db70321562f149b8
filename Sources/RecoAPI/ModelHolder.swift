import Foundation
import Logging
import RecoCore
import Synchronization

/// The model being served, swapped atomically on reload. A failed reload leaves the old model.
final class ModelHolder: Sendable {
    let modelPath: String
    let moviesPath: String?
    private let current = Mutex<ServingModel?>(nil)
    private let lastError = Mutex<String?>(nil)
    /// Serialises reloads so two at once cannot race to swap.
    private let reloading = Mutex(false)
    private let metrics: APIMetrics
    private let logger: Logger
    /// What customers watched since the model's cutoff (filled by `WatchLogFollower`); it
    /// outlives reloads.
    let overlay: OnlineOverlay
    /// Bytes each loaded model may keep of folded EASE scores (`ServingModel.scoreCache`).
    let scoreCacheBytes: Int

    init(modelPath: String, moviesPath: String?, metrics: APIMetrics, logger: Logger, overlay: OnlineOverlay = OnlineOverlay(capacity: 1_000_000),
         scoreCacheBytes: Int = ServingModel.defaultScoreCacheBytes) {
        self.scoreCacheBytes = scoreCacheBytes
        self.modelPath = modelPath
        self.moviesPath = moviesPath
        self.metrics = metrics
        self.logger = logger
        self.overlay = overlay
    }

    /// The model to use for one request, or nil before the first load finished.
    var serving: ServingModel? { current.withLock { $0 } }

    var lastLoadError: String? { lastError.withLock { $0 } }

    /// Installs an already loaded model (tests, and the first load).
    func install(_ model: ServingModel) {
        // A newer model learned from the watches before its cutoff; later ones stay folded in.
        if let cutoff = model.cutoffMilliseconds { overlay.dropWatches(before: cutoff) }
        current.withLock { $0 = model }
        lastError.withLock { $0 = nil }
        metrics.modelLoaded(model)
    }

    enum ReloadOutcome: Sendable {
        case loaded(ServingModel)
        case failed(String)
        case busy
    }

    /// Loads the file again (validating it fully) and swaps it in; on failure the old model stays.
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
            let model = try await ServingModel.load(modelPath: modelPath, moviesPath: moviesPath, scoreCacheBytes: scoreCacheBytes)
            let previous = self.serving?.version
            install(model)
            logger.info("model loaded", metadata: [
                "model.version": "\(model.version)", "model.previous_version": "\(previous ?? "-")", "model.reason": "\(reason)",
                "model.customers": "\(model.file.customerCount)", "model.movies": "\(model.file.movieCount)",
                "model.load_seconds": "\(Decimals.format(model.loadSeconds, places: 3))",
            ])
            return .loaded(model)
        } catch {
            let message = "\(error)"
            lastError.withLock { $0 = message }
            metrics.reloadFailed()
            if let serving = self.serving {
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
}
