import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import RecoCore
@testable import RecoAPI
import Testing

@Suite struct ReloadTests {
    private func app(_ holder: ModelHolder, token: String?) -> some ApplicationProtocol {
        Application(router: buildRouter(models: holder, metrics: APIMetrics(), adminToken: token.flatMap(AdminToken.init)))
    }

    @Test func adminReloadNeedsAConfiguredTokenAndTheRightOne() async throws {
        let models = try TestModels()
        try await app(try await models.holder(), token: nil).test(.router) { client in
            try await client.execute(uri: "/v1/admin/reload", method: .post, headers: [.authorization: "Bearer x"]) { #expect($0.status == .notFound) }
        }
        try await app(try await models.holder(), token: "s3cret").test(.router) { client in
            try await client.execute(uri: "/v1/admin/reload", method: .post) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/v1/admin/reload", method: .post, headers: [.authorization: "Bearer s3cre"]) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/v1/admin/reload", method: .post, headers: [.authorization: "Bearer s3cret"]) { #expect($0.status == .ok) }
        }
    }

    @Test func aBadFileIsRefusedAndTheOldModelKeepsServing() async throws {
        let models = try TestModels()
        let holder = try await models.holder()
        try await app(holder, token: "t").test(.router) { client in
            // Truncate the file on disk: the reload must refuse it.
            let bytes = try Data(contentsOf: URL(fileURLWithPath: models.modelPath))
            try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: models.modelPath))
            try await client.execute(uri: "/v1/admin/reload", method: .post, headers: [.authorization: "Bearer t"]) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("truncated"))
            }
            try await client.execute(uri: "/v1/customers/100/recommendations", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("model-a"))
            }
            // A good file swaps in.
            try models.write(version: "model-b", movieBias: [0, -1, -1, 2, -1], to: models.modelPath)
            try await client.execute(uri: "/v1/admin/reload", method: .post, headers: [.authorization: "Bearer t"]) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("model-b"))
            }
        }
    }

    /// Requests keep flowing while the model is swapped back and forth: every answer is complete
    /// and comes from one of the two models, never an error.
    @Test func swapsUnderConcurrentRequests() async throws {
        let models = try TestModels()
        let holder = try await models.holder()
        let pathA = models.directory + "/a.recomodel"
        let pathB = models.directory + "/b.recomodel"
        try models.write(version: "model-a", movieBias: [0.0, 0.5, 0.3, -0.5, 0.45], to: pathA)
        try models.write(version: "model-b", movieBias: [0, -1, -1, 2, -1], to: pathB)
        try await app(holder, token: nil).test(.router) { client in
            try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        var versions: [String] = []
                        for _ in 0..<100 {
                            try await client.execute(uri: "/v1/customers/100/recommendations?limit=1", method: .get) { response in
                                #expect(response.status == .ok)
                                let body = try #require(JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
                                let version = body["model_version"] as? String ?? "?"
                                let first = (body["items"] as? [[String: Any]])?.first?["movie_id"] as? Int
                                // Each answer is consistent with the model that produced it.
                                #expect((version == "model-a" && first == 2) || (version == "model-b" && first == 4), "\(version) \(String(describing: first))")
                                versions.append(version)
                            }
                        }
                        return versions
                    }
                }
                group.addTask {
                    for round in 0..<10 {
                        let source = round % 2 == 0 ? pathB : pathA
                        let temporary = models.modelPath + ".swap"
                        try? FileManager.default.removeItem(atPath: temporary)
                        try FileManager.default.copyItem(atPath: source, toPath: temporary)
                        #expect(rename(temporary, models.modelPath) == 0)
                        let outcome = await holder.reload(reason: "test round \(round)")
                        if case .failed(let message) = outcome { Issue.record("reload failed: \(message)") }
                    }
                    return []
                }
                var seen = Set<String>()
                for try await versions in group { seen.formUnion(versions) }
                #expect(seen.isSubset(of: ["model-a", "model-b"]))
            }
        }
        #expect(holder.serving?.version == "model-a")
    }

    @Test func adminTokenComparesWholeValuesAndNeverPrints() {
        let token = AdminToken("  abc123 \n")
        #expect(token?.matches("abc123") == true)
        #expect(token?.matches("abc12") == false)
        #expect(token?.matches("abc1234") == false)
        #expect(token?.matches("") == false)
        #expect(AdminToken("   ") == nil)
        #expect("\(token!)" == "<redacted>")
    }
}
