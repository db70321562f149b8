import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
@testable import RecoAPI
import RecoCore
import RecoStore
import Testing
import TestSupport

/// `GET /v1/customers/{id}/history` with `--database-url` (issue 16 item 4): the overlay's watches
/// and the consumer's stored history together, newest first, each watch once; without a readable
/// database, the overlay's with the reason.
@Suite struct HistoryRouteTests {
    static var enabled: Bool { TestEnvironment.databaseEnabled }

    private func app(database url: String, customer: UInt32) async throws -> (some ApplicationProtocol, ModelHolder) {
        let (_, _, path) = try await SmallModel.make()
        let holder = ModelHolder(modelPath: path, moviesPath: nil, metrics: APIMetrics(), logger: quietLogger("history-test"))
        holder.install(try await ServingModel.load(modelPath: path, moviesPath: nil))
        let store = RecommendationStore(url: DatabaseURL(url, environment: [:]), logger: quietLogger("history-test"))
        let router = buildRouter(models: holder, metrics: APIMetrics(), adminToken: nil, history: WatchHistoryReadModel(store: store))
        return (Application(router: router), holder)
    }

    private func watches(_ response: TestResponse) -> [String] {
        let body = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
        return (body["watches"] as? [[String: Any]] ?? []).map { "\($0["movie_id"] as? Int ?? 0)@\($0["watched_at"] as? String ?? "")" }
    }

    @Test(.enabled(if: enabled))
    func theStoredHistoryAndTheOverlayAreOneListNewestFirst() async throws {
        let url = try TestEnvironment.requireDatabase()
        let store = RecommendationStore(url: DatabaseURL(url, environment: [:]), logger: quietLogger("history-test"))
        try await store.migrate()
        let customer = UInt32.random(in: 3_000_000_000...4_000_000_000)
        let topic = "history-\(UUID().uuidString.prefix(8))"
        func list(_ offset: Int64, movie: UInt32, at time: String) -> RecommendationList {
            RecommendationList(topic: topic, partition: 0, offset: offset, eventIndex: 0, eventId: "h\(offset)", customerId: customer, watchedMovieId: movie,
                               watchedAt: time, movieIds: [7_001], scores: [4], modelVersion: "v", coldStart: false, source: "test")
        }
        try await store.write([list(0, movie: 7_003, at: "2026-11-01T10:00:00.000Z"), list(1, movie: 7_004, at: "2026-11-02T10:00:00.000Z")],
                              movies: [])
        let (app, holder) = try await app(database: url, customer: customer)
        // The newest watch, read by this replica and stored by the consumer: shown once.
        let now = Int64(Date().timeIntervalSince1970 * 1_000) + 60_000
        holder.serving!.overlay.fold(customerId: customer, watch: .init(movieId: 7_005, watchedAt: now))
        let time = ISO8601DateFormatter()
        time.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let overlayTime = time.string(from: Date(timeIntervalSince1970: Double(now) / 1_000))
        try await store.write([list(2, movie: 7_005, at: overlayTime)], movies: [])
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/customers/\(customer)/history", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("\"source\":\"overlay+postgresql\""))
                #expect(watches(response) == ["7005@\(overlayTime)", "7004@2026-11-02T10:00:00.000Z", "7003@2026-11-01T10:00:00.000Z"])
            }
            try await client.execute(uri: "/v1/customers/\(customer)/history?limit=2", method: .get) { response in
                #expect(watches(response).count == 2)
            }
        }
    }

    @Test func anUnreadableDatabaseLeavesTheOverlaysWatchesWithTheReason() async throws {
        let customer: UInt32 = 77
        let (app, holder) = try await app(database: "postgresql://nobody:secret@127.0.0.1:\(freePort())/none?connect_timeout=2", customer: customer)
        holder.serving!.overlay.fold(customerId: customer, watch: .init(movieId: 7_002, watchedAt: Int64(Date().timeIntervalSince1970 * 1_000) + 60_000))
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/customers/\(customer)/history", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(text.contains("\"source\":\"overlay\""))
                #expect(text.contains("postgresql_error"))
                #expect(!text.contains("secret"))
                #expect(watches(response).count == 1)
            }
        }
    }
}
