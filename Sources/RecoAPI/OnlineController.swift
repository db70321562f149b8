import Foundation
import Hummingbird
import RecoCore
import RecoStore

/// The routes of the online state: recommendations for an anonymous session, and what a
/// customer watched (since the model's cutoff from the overlay; with `--database-url`, all the
/// consumer stored too).
struct OnlineController {
    let models: ModelHolder
    /// The consumer's `watch_events`, when reco-api was given a database.
    var database: WatchHistoryReadModel?
    static let maximumBodyBytes = 64 * 1024
    /// The customer id a session is scored as: ids start at 1, so no model knows it.
    static let sessionCustomerId: UInt32 = 0

    struct SessionResponse: Codable, Equatable {
        var modelVersion: String
        var coldStart: Bool
        var rankedBy: RankedBy
        /// Movies of the session the model knows (the others cannot change the list).
        var knownMovies: Int
        var items: [RecommendedMovie]

        enum CodingKeys: String, CodingKey {
            case items
            case modelVersion = "model_version"
            case coldStart = "cold_start"
            case rankedBy = "ranked_by"
            case knownMovies = "known_movies"
        }
    }

    struct HistoryResponse: Codable, Equatable {
        struct Watch: Codable, Equatable {
            var movieId: UInt32
            var title: String?
            var year: Int?
            var watchedAt: String

            enum CodingKeys: String, CodingKey {
                case title, year
                case movieId = "movie_id"
                case watchedAt = "watched_at"
            }
        }

        var customerId: UInt32
        /// Where the watches come from: "overlay" (the watch log since the model's cutoff, as this
        /// replica folded it in) or "overlay+postgresql" (with the consumer's stored history).
        var source: String
        /// Newest first, each (movie, time) once.
        var watches: [Watch]
        /// Why PostgreSQL's part is missing, when it could not be read (the overlay's is served).
        var postgresqlError: String?

        enum CodingKeys: String, CodingKey {
            case source, watches
            case customerId = "customer_id"
            case postgresqlError = "postgresql_error"
        }
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.post("/v1/sessions/recommendations") { request, _ in
            try await self.session(request)
        }
        router.get("/v1/customers/:id/history") { request, context in
            try await self.history(request, context)
        }
    }

    func session(_ request: Request) async throws -> Response {
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: Self.maximumBodyBytes)
        } catch {
            throw APIError(status: .contentTooLarge, message: "request body is larger than \(Self.maximumBodyBytes) bytes", field: "body")
        }
        let session: SessionRequest
        do {
            session = try SessionRequest.parse(body.readableBytesView)
        } catch {
            throw APIError.invalid(error)
        }
        guard let serving = models.serving else { throw APIError.notReady }
        let recommender = serving.recommender
        let folded = recommender.foldIn(customerId: Self.sessionCustomerId, watched: session.movieIds)
        let result = recommender.recommend(customerId: Self.sessionCustomerId, limit: session.limit, excludeRated: session.excludeWatched, folded: folded)
        return try JSONResponse.make(SessionResponse(modelVersion: serving.version, coldStart: result.coldStart, rankedBy: result.rankedBy,
                                                     knownMovies: folded?.movies.count ?? 0,
                                                     items: RecommendedMovie.list(result.items, catalog: serving.catalog)))
    }

    func history(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let id = try ParameterParsing.id(context.parameters.get("id").map { Substring($0) }, field: "id")
        let limit = try ParameterParsing.limit(request.uri.queryParameters["limit"], default: 50, maximum: OnlineOverlay.maximumWatchesPerCustomer)
        let serving = models.serving
        let catalog = serving?.catalog ?? MovieCatalog()
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        func watch(_ movie: UInt32, _ time: String) -> HistoryResponse.Watch {
            HistoryResponse.Watch(movieId: movie, title: catalog[movie]?.title, year: catalog[movie]?.year, watchedAt: time)
        }
        var watches = (serving?.overlay.watches(of: id).watches ?? []).reversed().map {
            watch($0.movieId, formatter.string(from: Date(timeIntervalSince1970: Double($0.watchedAt) / 1_000)))
        }
        var source = "overlay"
        var failure: String?
        if let database {
            do {
                let stored = try await database.watches(customerId: id, limit: limit)
                source = "overlay+postgresql"
                // Both render times the same way (UTC, milliseconds), so one watch read from both is one entry.
                var seen = Set(watches.map { "\($0.movieId)@\($0.watchedAt)" })
                for entry in stored where seen.insert("\(entry.movieId)@\(entry.watchedAt)").inserted {
                    watches.append(watch(entry.movieId, entry.watchedAt))
                }
                watches.sort { $0.watchedAt > $1.watchedAt }
            } catch {
                failure = "PostgreSQL could not be read (\(error.kind.rawValue) error); the overlay's watches are shown"
            }
        }
        return try JSONResponse.make(HistoryResponse(customerId: id, source: source, watches: Array(watches.prefix(limit)), postgresqlError: failure))
    }
}
