import Hummingbird

/// `/`, `/health/live` and `/health/ready`.
struct HealthController {
    /// With `--follow`, ready also waits until the served model's follower caught up.
    let models: ModelHolder

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
            // A newer version refused: this replica still serves, and says so.
            var details = ["model_version": model.version]
            if let refused = self.models.lastLoadError { details["last_reload_error"] = refused }
            guard self.models.follow != nil else {
                return try JSONResponse.make(details.merging(["status": "ready"]) { $1 })
            }
            let status = self.models.follower?.status ?? WatchLogFollower.Status()
            details["lag"] = status.lag.map(String.init) ?? "unknown"
            details["folded"] = String(status.folded)
            // Every message read, under what became of it.
            details["read"] = String(status.read)
            details["folded_messages"] = String(status.foldedMessages)
            details["skipped_learned"] = String(status.learned)
            details["skipped_not_an_event"] = String(status.notAnEvent)
            details["skipped_before_cutoff"] = String(status.beforeCutoff)
            details["repeat_watches"] = String(status.repeatWatches)
            details["replayed"] = String(status.replayed)
            details["lost_events"] = String(status.lost)
            if let gap = status.lastGap { details["last_gap"] = gap }
            guard status.caughtUp else {
                return try JSONResponse.make(details.merging(["status": "catching_up"]) { $1 }, status: .serviceUnavailable)
            }
            return try JSONResponse.make(details.merging(["status": "ready"]) { $1 })
        }
    }
}
