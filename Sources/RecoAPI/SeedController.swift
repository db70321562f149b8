import Hummingbird
import RecoCore

/// The seed's route: `GET /suggested_movies?Cust_Id=N`, answering the top 10 in pandas
/// `DataFrame.to_dict()` shape: one object per column, keyed by row ("0" … "9").
struct SeedController {
    let models: ModelHolder

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/suggested_movies") { request, _ in
            try await self.suggested(request)
        }
    }

    func suggested(_ request: Request) async throws -> Response {
        let customer = try ParameterParsing.id(request.uri.queryParameters["Cust_Id"], field: "Cust_Id")
        let ordering = try ParameterParsing.ordering(request.uri.queryParameters["ranker"])
        guard let serving = models.serving else { throw APIError.notReady }
        let result = await serving.recommend(customerId: customer, limit: 10, ordering: ordering)
        return JSONResponse.make(bytes: Self.pandasJSON(result.items, catalog: serving.catalog))
    }

    /// Columns in the seed's order. A movie without a year gets `null` (the seed answered 500
    /// there). Written directly: this is the route `scripts/bench api` measures.
    static func pandasJSON(_ items: [ScoredMovie], catalog: MovieCatalog) -> [UInt8] {
        var json = JSONBytesWriter(reservingCapacity: 200 + items.count * 80)
        func column(_ name: StaticString, _ value: (inout JSONBytesWriter, ScoredMovie) -> Void) {
            json.raw(name)
            for (row, movie) in items.enumerated() {
                json.raw(row == 0 ? "\"" : ",\"")
                json.integer(row)
                json.raw("\":")
                value(&json, movie)
            }
            json.raw("}")
        }
        column("{\"Movie_Id\":{") { json, movie in json.integer(movie.movieId) }
        column(",\"Year\":{") { json, movie in json.integer(catalog[movie.movieId]?.year) }
        column(",\"Name\":{") { json, movie in json.string(catalog[movie.movieId]?.title ?? "") }
        column(",\"Estimate_Score\":{") { json, movie in json.number((Double(movie.score) * 1e6).rounded() / 1e6) }
        json.raw("}")
        return json.bytes
    }
}
