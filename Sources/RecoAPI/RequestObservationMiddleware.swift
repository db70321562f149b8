import RecoCore
import Hummingbird
import Logging

/// Records every request's count and latency under its route template, and logs one line per
/// request at debug level.
struct RequestObservationMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: APIMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let status: Int
        do {
            let response = try await next(request, context)
            status = response.status.code
            finish(request, context, status: status, started: started)
            return response
        } catch {
            status = (error as? any HTTPResponseError)?.status.code ?? 500
            finish(request, context, status: status, started: started)
            throw error
        }
    }

    private func finish(_ request: Request, _ context: Context, status: Int, started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        // Unmatched paths share one label so that scanners cannot create new series.
        let route = context.endpointPath ?? "unmatched"
        metrics.recordRequest(route: route, method: request.method.rawValue, status: status, duration: elapsed)
        context.logger.debug("request", metadata: [
            "http.method": "\(request.method)", "http.route": "\(route)", "http.status": "\(status)",
            "http.duration_ms": "\(elapsed.milliseconds)",
        ])
    }
}
