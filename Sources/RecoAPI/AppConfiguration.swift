import RecoCore
import RecoStore

/// Everything `buildApplication` needs, from the command line and the environment.
struct AppConfiguration: Sendable {
    var modelPath: String
    /// Serve the registry's `current` and follow it (`--registry`); nil serves `modelPath`.
    var registry: ModelRegistry?
    var moviesPath: String?
    var host = "127.0.0.1"
    var port = 4000
    var adminToken: AdminToken?
    /// Read the watch log and fold it in (`--follow`); nil serves the model file alone.
    var follow: WatchLogFollower.Settings?
    /// The consumer's database, for the history route's watches before the cutoff (`--database-url`).
    var historyDatabase: DatabaseURL?
    /// Customers the overlay holds at most.
    var overlayCustomers = 1_000_000
    /// Bytes of folded EASE scores each loaded model keeps (`--score-cache-mb`).
    var scoreCacheBytes = ServingModel.defaultScoreCacheBytes
}
