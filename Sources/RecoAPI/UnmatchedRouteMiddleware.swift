import Hummingbird
import RecoCore

/// Answers requests no route matched with a JSON error: 405 with an `Allow` header when the path
/// is served with other methods, else 404. The paths and methods come from the OpenAPI document,
/// which a test keeps equal to the router's routes.
struct UnmatchedRouteMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Path templates split into segments (`{id}` matches any one) with their methods.
    private let routes: [(segments: [Substring], methods: [String])]

    init(openAPI: String = OpenAPIDocument.json) {
        var routes: [(segments: [Substring], methods: [String])] = []
        if case .object(let document) = (try? JSONParser.parse(Array(openAPI.utf8))) ?? .null,
           case .object(let paths) = document.first(where: { $0.key == "paths" })?.value ?? .null {
            for (path, item) in paths {
                guard case .object(let operations) = item else { continue }
                routes.append((path.split(separator: "/"), operations.map { $0.key.uppercased() }.sorted()))
            }
        }
        self.routes = routes
    }

    /// The methods `path` is served with, or nil when it is not served at all.
    func methods(for path: String) -> [String]? {
        let segments = path.split(separator: "/")
        let matching = routes.filter { route in
            route.segments.count == segments.count
                && zip(route.segments, segments).allSatisfy { template, segment in template.hasPrefix("{") || template == segment }
        }
        return matching.isEmpty ? nil : Array(Set(matching.flatMap(\.methods))).sorted()
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            guard let allowed = methods(for: request.uri.path) else {
                throw APIError.notFound("no route \(request.method.rawValue) \(request.uri.path.prefix(200)); see /docs")
            }
            var response = try APIError(status: .methodNotAllowed, message: "\(request.method.rawValue) is not served here; use \(allowed.joined(separator: ", "))",
                                        field: nil).response(from: request, context: context)
            response.headers[.allow] = allowed.joined(separator: ", ")
            return response
        }
    }
}
