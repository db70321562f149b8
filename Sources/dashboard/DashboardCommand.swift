import ArgumentParser
import CommandOptions
import Foundation
import DagEngine
import Hummingbird
import Logging
import RecoStore
import RecoCore
import ServiceLifecycle

@main
struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Serve an HTML dashboard of the recommendations in PostgreSQL, with CSV and JSON exports (the seed's Heroku Dataclips).",
        discussion: """
            GET /dashboard shows events and recommendations per minute (server-side SVG charts), the most recommended movies, the latest recommendations and the dead letters; it has no script and loads nothing from elsewhere. GET /dashboard/exports/<table>.csv or .json exports per_minute, most_recommended, latest, dead_letters, dead_letters_by_reason and recommendations (?limit=N, at most 100000). GET /health checks the database.

            The learning loop: GET /dashboard/dags shows the DAG runs dagrun recorded in --runs-dir as Airflow's grid (runs × tasks, state colours, durations, tries; a cell opens that task's logs, every attempt); GET /dashboard/models shows the model registry (--registry): versions, current, each gate decision's figures side by side and the promotion and rollback history.

            The database comes from --database-url, else DATABASE_URL, else libpq's PG* variables; the password is never logged; at start the schema migration waits for the database (\(RecommendationStore.startupRetry.summary)). Every query is read-only with bound parameters.
            """)

    enum Listen: ListenDefaults {
        static let port = 8090
    }

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var listen: ListenOptions<Listen>

    @OptionGroup var registry: RegistryOptions

    @Option(help: "The folder of dagrun's run records (dagrun run --runs-dir).")
    var runsDir = "runs"

    @Option(help: "Only this topic's rows (default: all topics).")
    var topic: String?

    @Option(help: "Minutes shown in the charts and the window totals.")
    var minutes = 60

    @Option(help: "Seconds between the page's automatic reloads.")
    var refresh = 30

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard (1...1440).contains(minutes) else { throw ValidationError("--minutes must be 1 to 1440") }
        guard refresh > 0 else { throw ValidationError("--refresh must be positive") }
    }

    func run() async throws {
        let logger = logging.bootstrap(label: "dashboard")
        let database = DatabaseURL(self.database.databaseURL, environment: ProcessInfo.processInfo.environment)
        let store = RecommendationStore(url: database, logger: logger)
        // The tables may not exist yet when the dashboard starts before the first consumer.
        try await store.migrate()
        var options = DashboardRoutes.Options()
        options.minutes = minutes
        options.refreshSeconds = refresh
        let routes = DashboardRoutes(readModel: DashboardReadModel(store: store, topic: topic), options: options, logger: logger)
        let router = routes.router()
        LoopRoutes(registry: registry.registry, runs: RunStore(root: runsDir), refreshSeconds: refresh).add(to: router)
        let app = Application(router: router, configuration: .init(address: .hostname(listen.host, port: listen.port), serverName: "reco-dashboard"),
                              logger: logger)
        logger.info("serving", metadata: ["dashboard.url": "http://\(listen.host):\(listen.port)/dashboard", "db.url": "\(database)"])
        let services = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await services.run()
    }
}
