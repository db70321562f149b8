import Foundation
import Hummingbird
import RecoCore

/// The versioned recommendation routes.
struct RecommendationsController {
    let models: ModelHolder
    static let maximumBatch = 1_000
    static let maximumBodyBytes = 256 * 1024

    struct CustomerResponse: Codable, Equatable {
        var customerId: UInt32
        var modelVersion: String
        var coldStart: Bool
        /// What chose and ordered the items: ease, ials, svd, popularity or movie bias.
        var rankedBy: String
        var items: [RecommendedMovie]

        enum CodingKeys: String, CodingKey {
            case items
            case customerId = "customer_id"
            case modelVersion = "model_version"
            case coldStart = "cold_start"
            case rankedBy = "ranked_by"
        }
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/v1/customers/:id/recommendations") { request, context in
            try self.customer(request, context)
        }
        router.post("/v1/recommendations/batch") { request, context in
            try await self.batch(request, context)
        }
    }

    func customer(_ request: Request, _ context: some RequestContext) throws -> Response {
        let id = try ParameterParsing.id(context.parameters.get("id").map { Substring($0) }, field: "id")
        let limit = try ParameterParsing.limit(request.uri.queryParameters["limit"])
        let excludeRated = try ParameterParsing.flag(request.uri.queryParameters["exclude_rated"], field: "exclude_rated", default: true)
        let ordering = try ParameterParsing.ordering(request.uri.queryParameters["ranker"])
        guard let serving = models.model else { throw APIError.notReady }
        let result = serving.recommender.recommend(customerId: id, limit: limit, excludeRated: excludeRated, ordering: ordering)
        return try JSONResponse.make(CustomerResponse(customerId: id, modelVersion: serving.version, coldStart: result.coldStart,
                                                      rankedBy: result.rankedBy,
                                                      items: RecommendedMovie.list(result.items, catalog: serving.catalog)))
    }

    func batch(_ request: Request, _ context: some RequestContext) async throws -> Response {
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: Self.maximumBodyBytes)
        } catch {
            throw APIError(status: .contentTooLarge, message: "request body is larger than \(Self.maximumBodyBytes) bytes", field: "body")
        }
        let decoded: RecommendationBatchRequest
        do {
            decoded = try JSONDecoder().decode(RecommendationBatchRequest.self, from: Data(buffer: body))
        } catch let DecodingError.keyNotFound(key, _) {
            throw APIError.invalid(key.stringValue, "\(key.stringValue) is required")
        } catch let DecodingError.typeMismatch(_, context) {
            let field = context.codingPath.first?.stringValue ?? "body"
            throw APIError.invalid(field, "\(field) has the wrong type: \(context.debugDescription)")
        } catch {
            throw APIError.invalid("body", "the body must be a JSON object {\"customer_ids\": [...], \"limit\": 10}")
        }
        guard !decoded.customerIds.isEmpty else { throw APIError.invalid("customer_ids", "customer_ids must not be empty") }
        guard decoded.customerIds.count <= Self.maximumBatch else {
            throw APIError.invalid("customer_ids", "at most \(Self.maximumBatch) customer_ids per call, got \(decoded.customerIds.count)")
        }
        let ids = try decoded.customerIds.map { value throws(APIError) -> UInt32 in
            guard value > 0, value <= Int64(UInt32.max) else {
                throw APIError.invalid("customer_ids", "customer_ids must be positive 32-bit integers, got \(value)")
            }
            return UInt32(value)
        }
        let limit = decoded.limit ?? 10
        guard (1...100).contains(limit) else { throw APIError.invalid("limit", "limit must be between 1 and 100, got \(limit)") }
        let ordering = try ParameterParsing.ordering(decoded.ranker.map { Substring($0) })
        guard let serving = models.model else { throw APIError.notReady }
        let results = serving.recommender.recommend(customerIds: ids, limit: limit, excludeRated: decoded.excludeRated ?? true, ordering: ordering)
        let batch = RecommendationBatch(modelVersion: serving.version,
                                        results: results.map { CustomerRecommendations($0, catalog: serving.catalog) })
        return JSONResponse.make(bytes: batch.jsonBytes())
    }
}
