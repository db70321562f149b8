import ArgumentParser
import CommandOptions
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import RecoStore
import StreamKit

@main
struct RecoAPICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reco-api",
        abstract: "HTTP service answering top-N movie recommendations from a model file.",
        discussion: """
            The port opens at once; /health/ready answers 200 once the model is read into memory and verified (checksum, structure, finite values). SIGHUP or POST /v1/admin/reload swaps in the model file again (validated first; a bad file leaves the old model serving). SIGTERM or SIGINT shut down gracefully.

            With --registry DIR the replica serves the registry's current version and follows it: a changed 'current' (a promotion or 'reco models rollback') is noticed within half a second; the new version is loaded beside the old one, with --follow its watch log after its cutoff is replayed into its own overlay, and only then swapped in, so no request sees downtime and answers never go back in time. A version that fails to load or to replay is refused; the old one keeps serving, and /health/ready shows last_reload_error. Every answer names model_version.

            The admin route is enabled only with a token, from --admin-token-file or the RECO_API_ADMIN_TOKEN environment variable; the token is never logged.

            With --follow, the replica reads the whole watch-event topic (--config, --topic) in a consumer group of its own and folds every event after the model's training cutoff into that customer's state: the watched movie is left out of their lists from then on, and the ranker scores it as part of their history (a customer unknown to the model is personalised from the first watch). Every replica reads the same log, so all converge on the same state; a restarted replica rebuilds it. /health/ready waits until the replica has caught up (--ready-lag).

            Routes: / , /health/live, /health/ready, /suggested_movies?Cust_Id=N, /v1/customers/{id}/recommendations, /v1/customers/{id}/history, POST /v1/recommendations/batch, POST /v1/sessions/recommendations, /v1/movies/{id}/similar, /v1/model, POST /v1/admin/reload, /metrics, /openapi.json, /docs.
            """)

    /// Swift concurrency runs on the NIO event loops that serve the connections, so a request is
    /// handled on the thread that read it instead of hopping to the cooperative pool and back
    /// (the hops, two context switches per request, were the largest cost of a cheap route).
    /// Blocking work stays off both: model files are read on Dispatch, Kafka and libpq on their own threads.
    static func main() async {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        await main(nil)
    }

    /// reco-api's port, the seed's.
    enum Listen: ListenDefaults {
        static let port = 4000
    }

    @OptionGroup var model: ModelOptions<TrainedModelDefaults>
    @OptionGroup var catalog: CatalogOptions
    @OptionGroup(title: "Learning loop") var registry: RegistryOptions
    @OptionGroup var listen: ListenOptions<Listen>

    @Option(help: "File holding the admin token that enables POST /v1/admin/reload (default: $RECO_API_ADMIN_TOKEN, else disabled).")
    var adminTokenFile: String?

    @Flag(help: "Read the watch-event topic and fold every event after the model's cutoff into the customer's recommendations.")
    var follow = false

    @OptionGroup(title: "Watch log (with --follow)") var kafka: KafkaOptions

    @Option(help: "With --follow: messages behind the end of the log at which the replica counts as caught up (ready).")
    var readyLag: Int64 = 1_000

    @Option(help: "Customers the online overlay holds at most; the least recently active one is evicted beyond.")
    var overlayCustomers = 1_000_000

    @Option(name: .customLong("score-cache-mb"),
            help: "With --follow and an EASE model: MiB of score vectors kept for the most recently active customers, each updated by one row per watch instead of summing the whole history per request (0 turns it off).")
    var scoreCacheMegabytes = ServingModel.defaultScoreCacheBytes >> 20

    /// The consumer's PostgreSQL: /v1/customers/{id}/history adds the stored watch history to the overlay's.
    @OptionGroup(title: "Watch history (optional)") var database: DatabaseOptions

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard !(registry.isGiven && model.givenModelPath != nil) else { throw ValidationError("give --model FILE or --registry DIR, not both") }
        guard readyLag >= 0 else { throw ValidationError("--ready-lag must be 0 or more") }
        guard (1...100_000_000).contains(overlayCustomers) else { throw ValidationError("--overlay-customers must be 1...100000000") }
        guard (0...1_048_576).contains(scoreCacheMegabytes) else { throw ValidationError("--score-cache-mb must be 0...1048576") }
    }

    func run() async throws {
        // Debug logs one line per request.
        let logger = logging.bootstrap(label: "reco-api")

        var token: AdminToken?
        if let adminTokenFile {
            guard let text = try? String(contentsOfFile: adminTokenFile, encoding: .utf8), let value = AdminToken(text) else {
                throw ValidationError("cannot read an admin token from \(adminTokenFile)")
            }
            token = value
        } else if let text = ProcessInfo.processInfo.environment["RECO_API_ADMIN_TOKEN"] {
            token = AdminToken(text)
        }
        let environment = ProcessInfo.processInfo.environment
        var configuration = AppConfiguration(
            modelPath: model.modelPath ?? "", moviesPath: catalog.path, host: listen.host, port: listen.port, adminToken: token)
        configuration.overlayCustomers = overlayCustomers
        if registry.isGiven { configuration.registry = registry.registry }
        configuration.scoreCacheBytes = scoreCacheMegabytes << 20
        if database.isGiven(environment: environment) {
            configuration.historyDatabase = DatabaseURL(database.databaseURL, environment: environment)
        }
        if follow {
            let (settings, _) = try kafka.configuration(logger: logger)
            configuration.follow = WatchLogFollower.Settings(configuration: settings, topic: kafka.topic,
                                                             connectTimeout: kafka.connectTimeout, readyLag: readyLag)
        }
        logger.info("starting", metadata: ["api.model": "\(registry.isGiven ? "registry \(registry.directory)" : configuration.modelPath)", "api.movies": "\(catalog.path ?? "none")",
                                           "api.address": "\(listen.host):\(listen.port)",
                                           "api.admin_reload": "\(token == nil ? "disabled" : "enabled")",
                                           "api.follow": "\(follow ? kafka.topic : "off")",
                                           "api.history_database": "\(configuration.historyDatabase.map { "\($0)" } ?? "none")"])
        let app = buildApplication(configuration, logger: logger)
        try await app.runService()
    }
}
