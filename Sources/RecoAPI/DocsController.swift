import Hummingbird

/// `/openapi.json`, `/docs` and `/metrics`.
struct DocsController {
    let metrics: APIMetrics
    let models: ModelHolder
    private static let docsHTML = Array(DocsPage.html(from: OpenAPIDocument.json).utf8)
    private static let openAPIBytes = Array(OpenAPIDocument.json.utf8)

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/openapi.json") { _, _ in
            JSONResponse.make(bytes: Self.openAPIBytes)
        }
        router.get("/docs") { _, _ in
            JSONResponse.make(bytes: Self.docsHTML, contentType: "text/html; charset=utf-8")
        }
        router.get("/metrics") { _, _ in
            JSONResponse.make(bytes: self.metrics.text(serving: self.models.serving), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
    }
}
