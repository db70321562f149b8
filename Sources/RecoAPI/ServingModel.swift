import Foundation
import RecoCore
import Synchronization

/// A loaded model with what serving needs around it: its catalogue, the overlay of watches folded
/// in since its cutoff and its kept scores. Requests hold on to the instance they started with,
/// so a reload never changes a model (or its overlay) under a request in flight; a new version
/// gets an overlay of its own, replayed from the log after its cutoff before it is swapped in.
final class ServingModel: Sendable {
    let recommender: Recommender
    let catalog: MovieCatalog
    let path: String
    let loadedAt: Date
    let loadSeconds: Double
    /// The training cutoff (the newest event it learned from, else its creation time) in ms
    /// since the epoch: events before it are what the model learned from, events after it are
    /// folded in. nil when unreadable. Parsed once here: the follower reads it for every batch.
    let cutoffMilliseconds: Int64?
    /// Where in the log its learning stopped (exact, where the replica reads the same log).
    let logPositions: LogPositions?
    /// What customers watched since the cutoff, filled by this model's `WatchLogFollower`.
    let overlay: OnlineOverlay
    /// EASE scores of recently active customers, kept watch by watch by the follower (nil for
    /// other rankers or a zero budget).
    let scoreCache: FoldedScoreCache?
    /// Shares passes over the movie factors between concurrent requests.
    let batcher: ScanBatcher

    /// The default budget of `scoreCache`: 256 MiB (32,000 customers of 2,000 movies, 3,700 of
    /// Netflix's 17,770).
    static let defaultScoreCacheBytes = 256 << 20

    init(recommender: Recommender, catalog: MovieCatalog, path: String, loadedAt: Date, loadSeconds: Double,
         scoreCacheBytes: Int = defaultScoreCacheBytes, overlayCustomers: Int = 1_000_000) {
        scoreCache = FoldedScoreCache(recommender: recommender, byteBudget: scoreCacheBytes)
        cutoffMilliseconds = RFC3339.microsecondsSinceEpoch(recommender.model.metadata.effectiveCutoff).map { $0 / 1_000 }
        logPositions = recommender.model.metadata.logPositions
        overlay = OnlineOverlay(capacity: overlayCustomers)
        batcher = ScanBatcher(recommender: recommender)
        self.recommender = recommender
        self.catalog = catalog
        self.path = path
        self.loadedAt = loadedAt
        self.loadSeconds = loadSeconds
    }

    /// The model file behind the recommender.
    var file: RecoModel { recommender.model }
    var version: String { file.metadata.version }


    /// A customer's list with what this replica knows beyond the model file folded in: the
    /// watches read from the log (`overlay`) and the movies being watched now (`watchingNow`, from
    /// the request). A factor scan shares its pass over the movie rows with concurrent requests.
    func recommend(customerId: UInt32, limit: Int, excludeRated: Bool = true, ordering: Recommender.Ordering = .ranker,
                   watchingNow: [UInt32] = []) async -> Recommendation {
        switch plan(customerId: customerId, limit: limit, excludeRated: excludeRated, ordering: ordering, watchingNow: watchingNow) {
        case .answered(let recommendation): recommendation
        case .scan(let scan): await batcher.list(scan)
        }
    }

    /// Lists of many customers: their factor scans share passes over the movie rows.
    func recommend(customerIds: [UInt32], limit: Int, excludeRated: Bool, ordering: Recommender.Ordering,
                   watchingNow: [UInt32: [UInt32]]) -> [Recommendation] {
        recommender.resolve(customerIds.map { id in
            plan(customerId: id, limit: limit, excludeRated: excludeRated, ordering: ordering, watchingNow: watchingNow[id] ?? [])
        })
    }

    private func plan(customerId: UInt32, limit: Int, excludeRated: Bool, ordering: Recommender.Ordering, watchingNow: [UInt32]) -> ListPlan {
        var watched = overlay.watchedMovieIds(of: customerId)
        for movie in watchingNow where !watched.contains(movie) { watched.append(movie) }
        var folded = watched.isEmpty ? nil : recommender.foldIn(customerId: customerId, watched: watched)
        if let scoreCache, let history = folded, ordering == .ranker { folded = scoreCache.withScores(customerId: customerId, history) }
        return recommender.plan(customerId: customerId, limit: limit, excludeRated: excludeRated, ordering: ordering, folded: folded)
    }

    /// After the follower folded a watch of `customerId` into `overlay`: brings the customer's
    /// kept scores up to date.
    func watchFolded(customerId: UInt32) {
        guard let scoreCache else { return }
        let watched = overlay.watchedMovieIds(of: customerId)
        guard let folded = recommender.foldIn(customerId: customerId, watched: watched) else { return }
        scoreCache.fold(customerId: customerId, folded: folded)
    }

    /// Reads and verifies the model file and reads the catalogue, on a thread outside Swift's
    /// cooperative pool (both are blocking file I/O).
    static func load(modelPath: String, moviesPath: String?, scoreCacheBytes: Int = defaultScoreCacheBytes,
                     overlayCustomers: Int = 1_000_000) async throws -> ServingModel {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                let started = ContinuousClock.now
                // The catalogue is parsed while the model file is read and verified.
                let catalogRead = Mutex<Result<MovieCatalog, any Error>>(.success(MovieCatalog()))
                let reading = DispatchGroup()
                if let moviesPath {
                    DispatchQueue.global(qos: .userInitiated).async(group: reading) {
                        let result = Result { try MovieCatalog.load(path: moviesPath) }
                        catalogRead.withLock { $0 = result }
                    }
                }
                do {
                    let model = try RecoModel(path: modelPath)
                    reading.wait()
                    let catalog = try catalogRead.withLock { $0 }.get()
                    let seconds = (ContinuousClock.now - started).seconds
                    continuation.resume(returning: ServingModel(recommender: Recommender(model: model), catalog: catalog,
                                                                path: modelPath, loadedAt: Date(), loadSeconds: seconds,
                                                                scoreCacheBytes: scoreCacheBytes, overlayCustomers: overlayCustomers))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
