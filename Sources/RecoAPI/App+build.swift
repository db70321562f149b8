import Hummingbird
import Logging
import RecoCore
import RecoStore
import ServiceLifecycle

/// The application with its router and the replica service (the model's loads and swaps, and,
/// when following, each model's reader of the watch log).
func buildApplication(_ configuration: AppConfiguration, logger: Logger) -> some ApplicationProtocol {
    let metrics = APIMetrics()
    let source: ModelHolder.Source = configuration.registry.map { .registry($0) } ?? .file(configuration.modelPath)
    let models = ModelHolder(source: source, moviesPath: configuration.moviesPath, metrics: metrics, logger: logger,
                             follow: configuration.follow, overlayCustomers: configuration.overlayCustomers,
                             scoreCacheBytes: configuration.scoreCacheBytes)
    let history = configuration.historyDatabase.map { WatchHistoryReadModel(store: RecommendationStore(url: $0, logger: logger)) }
    let router = buildRouter(models: models, metrics: metrics, adminToken: configuration.adminToken, history: history)
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "reco-api"),
        logger: logger)
    app.addServices(ReplicaService(models: models, logger: logger))
    return app
}

/// Every route, with request metrics and logging around them.
func buildRouter(models: ModelHolder, metrics: APIMetrics, adminToken: AdminToken?,
                 history: WatchHistoryReadModel? = nil) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: RequestObservationMiddleware(metrics: metrics))
    router.add(middleware: UnmatchedRouteMiddleware())
    HealthController(models: models).addRoutes(to: router)
    SeedController(models: models).addRoutes(to: router)
    RecommendationsController(models: models).addRoutes(to: router)
    OnlineController(models: models, database: history).addRoutes(to: router)
    MoviesController(models: models).addRoutes(to: router)
    ModelController(models: models, adminToken: adminToken).addRoutes(to: router)
    DocsController(metrics: metrics, models: models).addRoutes(to: router)
    return router
}
