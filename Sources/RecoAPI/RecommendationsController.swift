import Foundation
import Hummingbird
import RecoCore

/// The versioned recommendation routes.
struct RecommendationsController {
    let models: ModelHolder
    static let maximumBatch = RecommendationBatchRequest.maximumCustomers
    static let maximumBodyBytes = 256 * 1024

    struct CustomerResponse: Codable, Equatable {
        var customerId: UInt32
        var modelVersion: String
        var coldStart: Bool
        /// What chose and ordered the items: ease, ials, svd, popularity or movie bias.
        var rankedBy: RankedBy
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
            try await self.customer(request, context)
        }
        router.post("/v1/recommendations/batch") { request, context in
            try await self.batch(request, context)
        }
    }

    func customer(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let id = try ParameterParsing.id(context.parameters.get("id").map { Substring($0) }, field: "id")
        let limit = try ParameterParsing.limit(request.uri.queryParameters["limit"])
        let excludeRated = try ParameterParsing.flag(request.uri.queryParameters["exclude_rated"], field: "exclude_rated", default: true)
        let ordering = try ParameterParsing.ordering(request.uri.queryParameters["ranker"])
        guard let serving = models.serving else { throw APIError.notReady }
        let result = await serving.recommend(customerId: id, limit: limit, excludeRated: excludeRated, ordering: ordering)
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
            decoded = try RecommendationBatchRequest.parse(body.readableBytesView)
        } catch {
            throw APIError.invalid(error)
        }
        let ids = decoded.customerIds.map { UInt32($0) }
        let limit = decoded.limit ?? 10
        let ordering = try ParameterParsing.ordering(decoded.ranker.map { Substring($0) })
        guard let serving = models.serving else { throw APIError.notReady }
        let watching = decoded.watchingByCustomer
        let results = serving.recommend(customerIds: ids, limit: limit, excludeRated: decoded.excludeRated ?? true, ordering: ordering,
                                        watchingNow: watching)
        let batch = RecommendationBatch(modelVersion: serving.version,
                                        results: results.map { CustomerRecommendations($0, catalog: serving.catalog) })
        return JSONResponse.make(bytes: batch.jsonBytes())
    }
}
