import Hummingbird
import Logging
import RecoCore
import RecoStore
import ServiceLifecycle

/// The application with its router, the model-loading service and, when following, the reader
/// of the watch log.
func buildApplication(_ configuration: AppConfiguration, logger: Logger) -> some ApplicationProtocol {
    let metrics = APIMetrics()
    let models = ModelHolder(modelPath: configuration.modelPath, moviesPath: configuration.moviesPath, metrics: metrics, logger: logger,
                             overlay: OnlineOverlay(capacity: configuration.overlayCustomers), scoreCacheBytes: configuration.scoreCacheBytes)
    let follower = configuration.follow.map { WatchLogFollower(settings: $0, models: models, metrics: metrics, logger: logger) }
    let history = configuration.historyDatabase.map { WatchHistoryReadModel(store: RecommendationStore(url: $0, logger: logger)) }
    let router = buildRouter(models: models, metrics: metrics, adminToken: configuration.adminToken, follower: follower, history: history)
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "reco-api"),
        logger: logger)
    app.addServices(ModelLoadingService(models: models, logger: logger))
    if let follower { app.addServices(follower) }
    return app
}

/// Every route, with request metrics and logging around them.
func buildRouter(models: ModelHolder, metrics: APIMetrics, adminToken: AdminToken?, follower: WatchLogFollower? = nil,
                 history: WatchHistoryReadModel? = nil) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: RequestObservationMiddleware(metrics: metrics))
    router.add(middleware: UnmatchedRouteMiddleware())
    HealthController(models: models, follower: follower).addRoutes(to: router)
    SeedController(models: models).addRoutes(to: router)
    RecommendationsController(models: models).addRoutes(to: router)
    OnlineController(models: models, database: history).addRoutes(to: router)
    MoviesController(models: models).addRoutes(to: router)
    ModelController(models: models, adminToken: adminToken).addRoutes(to: router)
    DocsController(metrics: metrics).addRoutes(to: router)
    return router
}
