import Hummingbird
import RecoCore

/// The seed's route: `GET /suggested_movies?Cust_Id=N`, answering the top 10 in pandas
/// `DataFrame.to_dict()` shape: one object per column, keyed by row ("0" … "9").
struct SeedController {
    let models: ModelHolder

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/suggested_movies") { request, _ in
            try self.suggested(request)
        }
    }

    func suggested(_ request: Request) throws -> Response {
        let customer = try ParameterParsing.id(request.uri.queryParameters["Cust_Id"], field: "Cust_Id")
        let ordering = try ParameterParsing.ordering(request.uri.queryParameters["ranker"])
        guard let serving = models.serving else { throw APIError.notReady }
        let result = serving.recommend(customerId: customer, limit: 10, ordering: ordering, overlay: models.overlay)
        return JSONResponse.make(bytes: Array(Self.pandasJSON(result.items, catalog: serving.catalog).utf8))
    }

    /// Columns in the seed's order. A movie without a year gets `null` (the seed answered 500 there).
    static func pandasJSON(_ items: [ScoredMovie], catalog: MovieCatalog) -> String {
        func column(_ name: String, _ value: (Int, ScoredMovie) -> String) -> String {
            let cells = items.enumerated().map { "\"\($0.offset)\":\(value($0.offset, $0.element))" }
            return "\"\(name)\":{\(cells.joined(separator: ","))}"
        }
        let columns = [
            column("Movie_Id") { _, movie in String(movie.movieId) },
            column("Year") { _, movie in catalog[movie.movieId]?.year.map(String.init) ?? "null" },
            column("Name") { _, movie in JSONText.quoted(catalog[movie.movieId]?.title ?? "") },
            column("Estimate_Score") { _, movie in String((Double(movie.score) * 1e6).rounded() / 1e6) },
        ]
        return "{" + columns.joined(separator: ",") + "}"
    }
}
