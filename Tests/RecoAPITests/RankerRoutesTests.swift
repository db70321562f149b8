import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import RecoCore
@testable import RecoAPI
import Testing

/// Routes serving a model with a ranker: the ranker's order, the SVD's stars, `?ranker=svd`.
@Suite struct RankerRoutesTests {
    private func rankerModel(_ models: TestModels) throws -> String {
        try models.writeRankerModel()
    }

    private func app(_ models: TestModels, path: String) async throws -> some ApplicationProtocol {
        let holder = ModelHolder(modelPath: path, moviesPath: models.moviesPath, metrics: APIMetrics(), logger: Logger(label: "test"))
        holder.install(try await ServingModel.load(modelPath: path, moviesPath: models.moviesPath))
        return Application(router: buildRouter(models: holder, metrics: APIMetrics(), adminToken: nil))
    }

    private func json(_ response: TestResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
    }

    private func movieIds(_ body: [String: Any]) -> [Int] {
        (body["items"] as? [[String: Any]] ?? []).compactMap { $0["movie_id"] as? Int }
    }

    @Test func rankerOrdersAndSVDScores() async throws {
        let models = try TestModels()
        let path = try rankerModel(models)
        let recommender = Recommender(model: try RecoModel(path: path))
        let byRanker = recommender.recommend(customerId: 100, limit: 3)
        let bySVD = recommender.recommend(customerId: 100, limit: 3, ordering: .svd)
        try await app(models, path: path).test(.router) { client in
            try await client.execute(uri: "/v1/customers/100/recommendations?limit=3", method: .get) { response in
                #expect(response.status == .ok)
                let body = json(response)
                #expect(body["ranked_by"] as? String == "ease")
                #expect(movieIds(body) == byRanker.items.map { Int($0.movieId) })
                // Movies 1 and 2 are the customer's own: never recommended back.
                #expect(!movieIds(body).contains(1) && !movieIds(body).contains(2))
            }
            try await client.execute(uri: "/v1/customers/100/recommendations?limit=3&ranker=svd", method: .get) { response in
                let body = json(response)
                #expect(body["ranked_by"] as? String == "svd")
                #expect(movieIds(body) == bySVD.items.map { Int($0.movieId) })
                let scores = (body["items"] as? [[String: Any]] ?? []).compactMap { $0["score"] as? Double }
                #expect(zip(scores, scores.dropFirst()).allSatisfy { $0 >= $1 })
            }
            try await client.execute(uri: "/v1/customers/100/recommendations?ranker=popular", method: .get) { response in
                #expect(response.status == .unprocessableContent)
                #expect(json(response)["field"] as? String == "ranker")
            }
            try await client.execute(uri: "/v1/recommendations/batch", method: .post,
                                     body: ByteBuffer(string: #"{"customer_ids":[100,7],"limit":3,"ranker":"svd"}"#)) { response in
                #expect(response.status == .ok)
                let results = json(response)["results"] as? [[String: Any]] ?? []
                #expect(results.map { $0["ranked_by"] as? String } == ["svd", "movie bias"])
            }
            try await client.execute(uri: "/v1/recommendations/batch", method: .post,
                                     body: ByteBuffer(string: #"{"customer_ids":[100,7],"limit":3}"#)) { response in
                let results = json(response)["results"] as? [[String: Any]] ?? []
                #expect(results.map { $0["ranked_by"] as? String } == ["ease", "popularity"])
            }
            try await client.execute(uri: "/v1/model", method: .get) { response in
                let ranker = json(response)["ranker"] as? [String: Any] ?? [:]
                #expect(ranker["name"] as? String == "ease")
                #expect((ranker["parameters"] as? [String: Any])?["l2"] as? Double == 1)
                #expect(ranker["similar_movies"] as? String == "EASE item-item weights")
                #expect(json(response)["format_version"] as? Int == 2)
            }
            try await client.execute(uri: "/v1/movies/1/similar?limit=2", method: .get) { response in
                #expect(response.status == .ok)
                #expect(movieIds(json(response)).count == 2)
            }
        }
    }

    @Test func modelWithoutARankerSaysSo() async throws {
        let models = try TestModels()
        try await app(models, path: models.modelPath).test(.router) { client in
            try await client.execute(uri: "/v1/model", method: .get) { response in
                let ranker = json(response)["ranker"] as? [String: Any] ?? [:]
                #expect(ranker["name"] as? String == "svd")
                #expect((ranker["description"] as? String)?.contains("no ranker") == true)
            }
            try await client.execute(uri: "/v1/customers/100/recommendations", method: .get) { response in
                #expect(json(response)["ranked_by"] as? String == "svd")
            }
        }
    }
}
