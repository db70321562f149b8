import Foundation
import Hummingbird
import RecoCore

/// `GET /v1/model` and `POST /v1/admin/reload`.
struct ModelController {
    let models: ModelHolder
    let adminToken: AdminToken?

    struct ModelResponse: Codable {
        var version: String
        var path: String
        var customers: Int
        var movies: Int
        var factors: Int
        var ratingScale: [Double]
        var loadedAt: String
        var loadSeconds: Double
        var formatVersion: UInt32
        var ranker: RankerResponse
        var metadata: ModelMetadata

        enum CodingKeys: String, CodingKey {
            case version, path, customers, movies, factors, metadata, ranker
            case formatVersion = "format_version"
            case ratingScale = "rating_scale"
            case loadedAt = "loaded_at"
            case loadSeconds = "load_seconds"
        }
    }

    /// Which model orders recommendations, and why.
    struct RankerResponse: Codable {
        /// ease, ials, or svd for files without a ranker.
        var name: String
        var description: String
        var parameters: RankerParameters?
        var chosenBy: String?
        var validation: RankingMetrics?
        var similarMovies: String

        enum CodingKeys: String, CodingKey {
            case name, description, parameters, validation
            case chosenBy = "chosen_by"
            case similarMovies = "similar_movies"
        }

        init(_ model: RecoModel) {
            if let kind = model.ranker, let metadata = model.metadata.ranker {
                name = kind.rawValue
                description = "\(metadata.parameters.summary): chooses and orders the top-N; score is the SVD's predicted rating"
                parameters = metadata.parameters
                chosenBy = metadata.chosenBy
                validation = metadata.validation
                similarMovies = kind == .ease ? "EASE item-item weights" : "cosine of iALS movie factors"
            } else {
                name = "svd"
                description = "model format version \(model.formatVersion) has no ranker: the top-N is ordered by the SVD's predicted rating (retrain with this build for a ranker)"
                similarMovies = "cosine of SVD movie factors"
            }
        }
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/v1/model") { _, _ in
            guard let serving = self.models.serving else { throw APIError.notReady }
            let model = serving.file
            return try JSONResponse.make(ModelResponse(
                version: serving.version, path: serving.path, customers: model.customerCount, movies: model.movieCount,
                factors: model.factors, ratingScale: [Double(model.scale.lowest), Double(model.scale.highest)],
                loadedAt: ISO8601DateFormatter().string(from: serving.loadedAt), loadSeconds: serving.loadSeconds,
                formatVersion: model.formatVersion, ranker: RankerResponse(model), metadata: model.metadata))
        }
        router.post("/v1/admin/reload") { request, _ in
            try await self.reload(request)
        }
    }

    func reload(_ request: Request) async throws -> Response {
        // Without a configured token the route does not exist.
        guard let adminToken else { throw APIError.notFound("admin routes are disabled (no admin token configured)") }
        let header = request.headers[.authorization] ?? ""
        guard header.hasPrefix("Bearer "), adminToken.matches(String(header.dropFirst("Bearer ".count))) else {
            throw APIError(status: .unauthorized, message: "a valid 'Authorization: Bearer <token>' header is required", field: "Authorization")
        }
        switch await models.reload(reason: "admin request") {
        case .loaded(let model):
            return try JSONResponse.make(["status": "reloaded", "model_version": model.version])
        case .failed(let message):
            return try JSONResponse.make(["status": "failed", "error": message, "model_version": models.serving?.version ?? ""],
                                         status: .unprocessableContent)
        case .busy:
            return try JSONResponse.make(["status": "busy", "error": "a reload is already running"], status: .conflict)
        }
    }
}
