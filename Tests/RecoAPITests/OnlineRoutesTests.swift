import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import RecoCore
@testable import RecoAPI
import Testing

/// What a replica folds in shows in every route (issue 16): the customer's list, the seed route,
/// the batch route (with the request's own watches), sessions and the history.
@Suite struct OnlineRoutesTests {
    private func holder(_ models: TestModels) async throws -> ModelHolder {
        let path = try models.writeRankerModel()
        let holder = ModelHolder(modelPath: path, moviesPath: models.moviesPath, metrics: APIMetrics(), logger: Logger(label: "test"))
        holder.install(try await ServingModel.load(modelPath: path, moviesPath: models.moviesPath))
        return holder
    }

    private func app(_ holder: ModelHolder) -> some ApplicationProtocol {
        Application(router: buildRouter(models: holder, metrics: APIMetrics(), adminToken: nil))
    }

    private func json(_ response: TestResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
    }

    private func movieIds(_ body: [String: Any]) -> [Int] {
        (body["items"] as? [[String: Any]] ?? []).compactMap { $0["movie_id"] as? Int }
    }

    private var now: Int64 { Int64(Date().timeIntervalSince1970 * 1_000) + 1_000 }

    @Test func aFoldedWatchLeavesTheListAndShowsInTheHistory() async throws {
        let models = try TestModels()
        let holder = try await holder(models)
        try await app(holder).test(.router) { client in
            var before: [Int] = []
            try await client.execute(uri: "/v1/customers/100/recommendations?limit=3", method: .get) { before = movieIds(json($0)) }
            let watched = try #require(before.first)
            holder.serving!.overlay.fold(customerId: 100, watch: .init(movieId: UInt32(watched), watchedAt: now))
            try await client.execute(uri: "/v1/customers/100/recommendations?limit=3", method: .get) { response in
                #expect(response.status == .ok)
                #expect(!movieIds(json(response)).contains(watched))
                #expect(json(response)["ranked_by"] as? String == "ease")
            }
            try await client.execute(uri: "/suggested_movies?Cust_Id=100", method: .get) { response in
                let ids = (json(response)["Movie_Id"] as? [String: Int] ?? [:]).values
                #expect(!ids.isEmpty)
                #expect(!ids.contains(watched))
            }
            try await client.execute(uri: "/v1/customers/100/history", method: .get) { response in
                #expect(response.status == .ok)
                let watches = json(response)["watches"] as? [[String: Any]] ?? []
                #expect(watches.compactMap { $0["movie_id"] as? Int } == [watched])
                #expect(watches.first?["title"] != nil)
            }
            try await client.execute(uri: "/v1/customers/0/history", method: .get) { #expect($0.status == .unprocessableContent) }
            try await client.execute(uri: "/v1/customers/100/history?limit=0", method: .get) { response in
                #expect(response.status == .unprocessableContent)
                #expect(json(response)["field"] as? String == "limit")
            }
        }
    }

    @Test func anUnknownCustomerIsPersonalisedFromTheFirstWatch() async throws {
        let models = try TestModels()
        let holder = try await holder(models)
        try await app(holder).test(.router) { client in
            try await client.execute(uri: "/v1/customers/999/recommendations", method: .get) { response in
                #expect(json(response)["cold_start"] as? Bool == true)
                #expect(json(response)["ranked_by"] as? String == "popularity")
            }
            holder.serving!.overlay.fold(customerId: 999, watch: .init(movieId: 4, watchedAt: now))
            try await client.execute(uri: "/v1/customers/999/recommendations", method: .get) { response in
                #expect(json(response)["cold_start"] as? Bool == false)
                #expect(json(response)["ranked_by"] as? String == "ease")
                #expect(!movieIds(json(response)).contains(4))
            }
        }
    }

    @Test func theBatchFoldsInTheRequestsWatchesWithoutKeepingThem() async throws {
        let models = try TestModels()
        let holder = try await holder(models)
        try await app(holder).test(.router) { client in
            var plain: [Int] = []
            try await client.execute(uri: "/v1/customers/100/recommendations?limit=3", method: .get) { plain = movieIds(json($0)) }
            let watching = try #require(plain.first)
            let body = RecommendationBatchRequest(customerIds: [100, 200], limit: 3,
                                                  watching: [.init(customerId: 100, movieId: UInt32(watching))]).jsonBytes()
            try await client.execute(uri: "/v1/recommendations/batch", method: .post, body: ByteBuffer(bytes: body)) { response in
                #expect(response.status == .ok)
                let answer = try RecommendationBatch.decode(response.body.readableBytesView)
                #expect(!answer.results[0].items.map { Int($0.movieId) }.contains(watching))
            }
            // The replica's state comes from the log only: the request changed nothing.
            #expect(holder.serving!.overlay.count == 0)
            for (text, field) in [("{\"customer_ids\":[100],\"watching\":[{\"customer_id\":100}]}", "watching[0].movie_id"),
                                  ("{\"customer_ids\":[100],\"watching\":[{\"customer_id\":100,\"movie_id\":\"x\"}]}", "watching[0].movie_id"),
                                  ("{\"customer_ids\":[100],\"watching\":[7]}", "watching[0]"),
                                  ("{\"customer_ids\":[100],\"watching\":[{\"customer_id\":1,\"movie_id\":2,\"x\":3}]}", "watching[0].x"),
                                  ("{\"customer_ids\":[100],\"watching\":null}", "watching")] {
                try await client.execute(uri: "/v1/recommendations/batch", method: .post, body: ByteBuffer(string: text)) { response in
                    #expect(response.status == .unprocessableContent, "\(text)")
                    #expect(json(response)["field"] as? String == field, "\(text): \(String(buffer: response.body))")
                }
            }
        }
    }

    @Test func anAnonymousSessionIsScoredFromItsMovies() async throws {
        let models = try TestModels()
        let holder = try await holder(models)
        try await app(holder).test(.router) { client in
            try await client.execute(uri: "/v1/sessions/recommendations", method: .post,
                                     body: ByteBuffer(string: "{\"movie_ids\":[4, 4000000],\"limit\":3}")) { response in
                #expect(response.status == .ok)
                let body = json(response)
                #expect(body["ranked_by"] as? String == "ease")
                #expect(body["cold_start"] as? Bool == false)
                #expect(body["known_movies"] as? Int == 1)
                #expect(movieIds(body).count == 3)
                #expect(!movieIds(body).contains(4))
            }
            try await client.execute(uri: "/v1/sessions/recommendations", method: .post, body: ByteBuffer(string: "{\"movie_ids\":[]}")) { response in
                #expect(response.status == .ok)
                #expect(json(response)["cold_start"] as? Bool == true)
            }
            for (text, field) in [("{\"movie_ids\":[\"x\"]}", "movie_ids[0]"), ("{\"movie_ids\":null}", "movie_ids"),
                                  ("{\"movie_ids\":[1],\"limit\":0}", "limit"), ("{\"movie_ids\":[1],\"extra\":1}", "extra"),
                                  ("{}", "movie_ids"), ("[1]", "body"), ("{\"movie_ids\":[0]}", "movie_ids[0]")] {
                try await client.execute(uri: "/v1/sessions/recommendations", method: .post, body: ByteBuffer(string: text)) { response in
                    #expect(response.status == .unprocessableContent, "\(text)")
                    #expect(json(response)["field"] as? String == field, "\(text): \(String(buffer: response.body))")
                }
            }
        }
    }
}
