import Hummingbird
import Logging
import ServiceLifecycle

/// The application with its router and the model-loading service.
func buildApplication(_ configuration: AppConfiguration, logger: Logger) -> some ApplicationProtocol {
    let metrics = APIMetrics()
    let models = ModelHolder(modelPath: configuration.modelPath, moviesPath: configuration.moviesPath, metrics: metrics, logger: logger)
    let router = buildRouter(models: models, metrics: metrics, adminToken: configuration.adminToken)
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "reco-api"),
        logger: logger)
    app.addServices(ModelLoadingService(models: models, logger: logger))
    return app
}

/// Every route, with request metrics and logging around them.
func buildRouter(models: ModelHolder, metrics: APIMetrics, adminToken: AdminToken?) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: RequestObservationMiddleware(metrics: metrics))
    router.add(middleware: UnmatchedRouteMiddleware())
    HealthController(models: models).addRoutes(to: router)
    SeedController(models: models).addRoutes(to: router)
    RecommendationsController(models: models).addRoutes(to: router)
    MoviesController(models: models).addRoutes(to: router)
    ModelController(models: models, adminToken: adminToken).addRoutes(to: router)
    DocsController(metrics: metrics).addRoutes(to: router)
    return router
}
