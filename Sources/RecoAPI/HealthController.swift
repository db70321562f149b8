import Hummingbird

/// `/`, `/health/live` and `/health/ready`.
struct HealthController {
    let models: ModelHolder
    /// The watch-log reader when following: ready also waits until it has caught up.
    var follower: WatchLogFollower?

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/") { _, _ in
            try JSONResponse.make([
                "service": "reco-api", "docs": "/docs", "openapi": "/openapi.json",
                "message": "Movie recommendations: GET /v1/customers/{id}/recommendations; see /docs.",
            ])
        }
        router.get("/health/live") { _, _ in
            try JSONResponse.make(["status": "live"])
        }
        router.get("/health/ready") { _, _ in
            guard let model = self.models.serving else {
                // No model yet: either the first load is running, or it failed and only a
                // reload (SIGHUP, /v1/admin/reload) of a usable file can make this replica ready.
                guard let error = self.models.lastLoadError else {
                    return try JSONResponse.make(["status": "loading"], status: .serviceUnavailable)
                }
                return try JSONResponse.make(["status": "failed", "error": error], status: .serviceUnavailable)
            }
            guard let follower = self.follower else {
                return try JSONResponse.make(["status": "ready", "model_version": model.version])
            }
            let status = follower.status
            let lag = status.lag.map(String.init) ?? "unknown"
            guard status.caughtUp else {
                return try JSONResponse.make(["status": "catching_up", "model_version": model.version, "lag": lag, "folded": String(status.folded)],
                                             status: .serviceUnavailable)
            }
            return try JSONResponse.make(["status": "ready", "model_version": model.version, "lag": lag, "folded": String(status.folded)])
        }
    }
}
