import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import RecoCore
@testable import RecoAPI
import StreamKit
import Testing
import TestSupport

@Suite struct RoutesTests {
    private func app(_ holder: ModelHolder, metrics: APIMetrics = APIMetrics(), token: String? = nil) -> some ApplicationProtocol {
        Application(router: buildRouter(models: holder, metrics: metrics, adminToken: token.flatMap(AdminToken.init)))
    }

    /// The body as a JSON object, or empty (which then fails the expectations that read it).
    private func json(_ response: TestResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
    }

    @Test func greetingAndHealth() async throws {
        let models = try TestModels()
        let holder = try await models.holder(loaded: false)
        try await app(holder).test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(json(response)["docs"] as? String == "/docs")
            }
            try await client.execute(uri: "/health/live", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/health/ready", method: .get) { #expect($0.status == .serviceUnavailable) }
            try await client.execute(uri: "/suggested_movies?Cust_Id=100", method: .get) { #expect($0.status == .serviceUnavailable) }
            await holder.reload(reason: "test")
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .ok)
                #expect(json(response)["model_version"] as? String == "model-a")
            }
        }
    }

    /// Issue 15 item 13: with no usable model readiness said "loading" forever; it now says
    /// "failed" with the reason, and a reload of a good file makes the replica ready.
    @Test func readinessSaysFailedWithTheReasonWhenNoModelLoads() async throws {
        let models = try TestModels()
        let good = try Data(contentsOf: URL(fileURLWithPath: models.modelPath))
        try Data("not a model".utf8).write(to: URL(fileURLWithPath: models.modelPath))
        let log = CapturedLog()
        let holder = ModelHolder(modelPath: models.modelPath, moviesPath: models.moviesPath, metrics: APIMetrics(), logger: log.logger(label: "test"))
        try await app(holder).test(.router) { client in
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(json(response)["status"] as? String == "loading")
            }
            await holder.reload(reason: "start")
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(json(response)["status"] as? String == "failed")
                #expect((json(response)["error"] as? String)?.contains(models.modelPath) == true, "\(String(buffer: response.body))")
            }
            #expect(!log.text.contains("still serving the previous model"))
            #expect(log.text.contains("no model to serve"))
            try good.write(to: URL(fileURLWithPath: models.modelPath))
            await holder.reload(reason: "SIGHUP")
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .ok)
                #expect(json(response)["status"] as? String == "ready")
            }
        }
    }

    /// Issue 15 item 5: overwriting the live model file in place (`cp other live`) killed the
    /// server with SIGBUS on the next request (the file was mapped). The served model is a private
    /// copy now, and a reload refuses the half-written file.
    @Test func aModelFileRewrittenInPlaceNeitherCrashesNorReplacesTheServedModel() async throws {
        let models = try TestModels()
        let holder = try await models.holder()
        let original = try Data(contentsOf: URL(fileURLWithPath: models.modelPath))
        let file = try FileHandle(forWritingTo: URL(fileURLWithPath: models.modelPath))
        try file.truncate(atOffset: 0)
        try file.write(contentsOf: original.prefix(original.count / 3))
        try file.close()
        try await app(holder).test(.router) { client in
            try await client.execute(uri: "/v1/customers/200/recommendations", method: .get) { response in
                #expect(response.status == .ok)
                #expect(json(response)["model_version"] as? String == "model-a")
                #expect((json(response)["items"] as? [[String: Any]])?.map { $0["movie_id"] as? Int } == [2, 3, 1])
            }
            guard case .failed(let reason) = await holder.reload(reason: "SIGHUP") else {
                Issue.record("a truncated file was loaded")
                return
            }
            #expect(reason.contains("truncated"), "\(reason)")
            try await client.execute(uri: "/suggested_movies?Cust_Id=200", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test func suggestedMoviesHasTheSeedShapeExactly() async throws {
        let models = try TestModels()
        try await app(try await models.holder()).test(.router) { client in
            try await client.execute(uri: "/suggested_movies?Cust_Id=200", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                // Customer 200 (p = [0, 1], b_u = -0.1) rated movies 4 and 5: ranks 2 (0.5), 3 (0.3), 1 (0).
                #expect(String(buffer: response.body) == #"{"Movie_Id":{"0":2,"1":3,"2":1},"Year":{"0":2004,"1":1997,"2":2003},"Name":{"0":"Isle of Man, TT \"2004\"","1":"Amélie","2":"Dinosaur Planet"},"Estimate_Score":{"0":3.4,"1":3.2,"2":2.9}}"#)
            }
            // Unknown customer: cold start over all movies, including movie 5 without a year → null.
            try await client.execute(uri: "/suggested_movies?Cust_Id=7", method: .get) { response in
                #expect(response.status == .ok)
                let body = json(response)
                #expect(Array((body["Movie_Id"] as? [String: Any] ?? [:]).keys).sorted() == ["0", "1", "2", "3", "4"])
                #expect((body["Year"] as? [String: Any])?["1"] is NSNull)
                #expect((body["Movie_Id"] as? [String: Any])?["1"] as? Int == 5)
            }
        }
    }

    @Test func badCustomerIdsAre422NamingTheField() async throws {
        let models = try TestModels()
        try await app(try await models.holder()).test(.router) { client in
            for query in ["", "?Cust_Id=", "?Cust_Id=abc", "?Cust_Id=-3", "?Cust_Id=0", "?Cust_Id=99999999999", "?Cust_Id=1.5"] {
                try await client.execute(uri: "/suggested_movies" + query, method: .get) { response in
                    #expect(response.status == .unprocessableContent, "\(query)")
                    #expect(json(response)["field"] as? String == "Cust_Id")
                }
            }
            for path in ["/v1/customers/abc/recommendations", "/v1/customers/-1/recommendations", "/v1/customers/100/recommendations?limit=0",
                         "/v1/customers/100/recommendations?limit=101", "/v1/customers/100/recommendations?limit=x",
                         "/v1/customers/100/recommendations?exclude_rated=maybe", "/v1/movies/0/similar", "/v1/movies/2/similar?limit=500"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .unprocessableContent, "\(path)")
                    #expect(json(response)["field"] != nil)
                }
            }
        }
    }

    @Test func customerRecommendationsV1() async throws {
        let models = try TestModels()
        try await app(try await models.holder()).test(.router) { client in
            try await client.execute(uri: "/v1/customers/100/recommendations?limit=2", method: .get) { response in
                #expect(response.status == .ok)
                let body = json(response)
                #expect(body["customer_id"] as? Int == 100)
                #expect(body["model_version"] as? String == "model-a")
                #expect(body["cold_start"] as? Bool == false)
                let items = try #require(body["items"] as? [[String: Any]])
                // Customer 100 rated movie 1; movies 2 and 4 tie at 0.5 → the smaller id first.
                #expect(items.map { $0["movie_id"] as? Int } == [2, 4])
                #expect(items.map { $0["rank"] as? Int } == [1, 2])
                #expect(items[0]["title"] as? String == "Isle of Man, TT \"2004\"")
                #expect(items[0]["score"] as? Double == 3.6)
            }
            try await client.execute(uri: "/v1/customers/100/recommendations?limit=1&exclude_rated=false", method: .get) { response in
                let items = try #require(json(response)["items"] as? [[String: Any]])
                #expect(items.first?["movie_id"] as? Int == 1)
            }
            try await client.execute(uri: "/v1/customers/4242/recommendations?limit=2", method: .get) { response in
                let body = json(response)
                #expect(body["cold_start"] as? Bool == true)
                let items = try #require(body["items"] as? [[String: Any]])
                #expect(items.map { $0["movie_id"] as? Int } == [2, 5])
                #expect(items[1]["year"] is NSNull)
            }
        }
    }

    @Test func batchAnswersInOrderAndRejectsBadBodies() async throws {
        let models = try TestModels()
        try await app(try await models.holder()).test(.router) { client in
            try await client.execute(uri: "/v1/recommendations/batch", method: .post,
                                     body: ByteBuffer(string: #"{"customer_ids":[200,7,100],"limit":1}"#)) { response in
                #expect(response.status == .ok)
                let results = try #require(json(response)["results"] as? [[String: Any]])
                #expect(results.map { $0["customer_id"] as? Int } == [200, 7, 100])
                #expect(results.map { $0["cold_start"] as? Bool } == [false, true, false])
            }
            let tooMany = "{\"customer_ids\":[" + (1...1_001).map(String.init).joined(separator: ",") + "]}"
            let cases: [(String, HTTPResponse.Status, String)] = [
                ("not json", .unprocessableContent, "body"),
                (#"{"limit":5}"#, .unprocessableContent, "customer_ids"),
                (#"{"customer_ids":[]}"#, .unprocessableContent, "customer_ids"),
                (#"{"customer_ids":"100"}"#, .unprocessableContent, "customer_ids"),
                (#"{"customer_ids":[100,-1]}"#, .unprocessableContent, "customer_ids[1]"),
                (#"{"customer_ids":[100],"limit":0}"#, .unprocessableContent, "limit"),
                (tooMany, .unprocessableContent, "customer_ids"),
                (String(repeating: " ", count: 300_000), .contentTooLarge, "body"),
            ]
            for (body, status, field) in cases {
                try await client.execute(uri: "/v1/recommendations/batch", method: .post, body: ByteBuffer(string: body)) { response in
                    #expect(response.status == status, "\(body.prefix(40))")
                    #expect(json(response)["field"] as? String == field, "\(body.prefix(40))")
                }
            }
        }
    }

    /// Issue 15 item 14: nulls were accepted, and 422 messages were Swift decoder text
    /// (`Expected to decode Dictionary<String, Any>…`). Each names the field and the problem.
    /// Query parameters and body fields go through the same checks and speak alike.
    @Test func queryProblemsSayWhatTheBodysDo() async throws {
        let models = try TestModels()
        try await app(try await models.holder()).test(.router) { client in
            let cases: [(String, String, String)] = [
                ("/v1/customers/abc/recommendations", "id", "id: must be a whole number, got 'abc'"),
                ("/v1/customers/4294967296/recommendations", "id", "id: must be between 1 and 4294967295, got '4294967296'"),
                ("/v1/customers/100/recommendations?limit=0", "limit", "limit: must be a whole number from 1 to 100, got '0'"),
                ("/v1/customers/100/recommendations?exclude_rated=maybe", "exclude_rated", "exclude_rated: must be true or false, got 'maybe'"),
                ("/v1/customers/100/recommendations?ranker=als", "ranker", #"ranker: must be "ranker" or "svd", got 'als'"#),
                ("/suggested_movies", "Cust_Id", "Cust_Id: required"),
            ]
            for (uri, field, message) in cases {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .unprocessableContent, "\(uri)")
                    #expect(json(response)["field"] as? String == field, "\(uri)")
                    #expect(json(response)["error"] as? String == message, "\(uri): \(String(buffer: response.body))")
                }
            }
        }
    }

    @Test func batchProblemsNameTheFieldAndTheProblemInWords() async throws {
        let models = try TestModels()
        try await app(try await models.holder()).test(.router) { client in
            let cases: [(String, String, String)] = [
                (#"{"customer_ids":[100,1.5]}"#, "customer_ids[1]", "customer_ids[1]: must be a whole number, got 1.5"),
                (#"{"customer_ids":[100,"7"]}"#, "customer_ids[1]", #"customer_ids[1]: must be a whole number, got the string "7""#),
                (#"{"customer_ids":[4294967296]}"#, "customer_ids[0]", "customer_ids[0]: must be between 1 and 4294967295, got 4294967296"),
                (#"{"customer_ids":[100],"limit":null}"#, "limit", "limit: must be a whole number from 1 to 100, got null"),
                (#"{"customer_ids":[100],"exclude_rated":null}"#, "exclude_rated", "exclude_rated: must be true or false, got null"),
                (#"{"customer_ids":[100],"ranker":"als"}"#, "ranker", #"ranker: must be "ranker" or "svd", got the string "als""#),
                (#"{"customer_ids":[100],"customerIds":[1]}"#, "customerIds", "customerIds: unknown field (known: customer_ids, limit, exclude_rated, ranker, watching)"),
                (#"[1,2]"#, "body", #"body: must be an object {"customer_ids": [...], "limit": 10}, got an array"#),
                (#"{"customer_ids":[1],"watching":[{"customer_id":1}]}"#, "watching[0].movie_id", "watching[0].movie_id: required"),
                (#"{"customer_ids":[1],"watching":[{"customer_id":1,"movie":2}]}"#, "watching[0].movie",
                 "watching[0].movie: unknown field (known: customer_id, movie_id)"),
                (#"{"customer_ids":null}"#, "customer_ids", "customer_ids: must be an array of customer ids, got null"),
            ]
            for (body, field, message) in cases {
                try await client.execute(uri: "/v1/recommendations/batch", method: .post, body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .unprocessableContent, "\(body)")
                    #expect(json(response)["field"] as? String == field, "\(body)")
                    #expect(json(response)["error"] as? String == message, "\(body): \(String(buffer: response.body))")
                }
            }
        }
    }

    /// Issue 15 item 14: a served path with another method gave 404 with an empty body; it is a
    /// JSON 405 with `Allow`, and an unknown path a JSON 404.
    @Test func otherMethodsAre405WithAllowAndUnknownPathsA404WithABody() async throws {
        let models = try TestModels()
        try await app(try await models.holder()).test(.router) { client in
            try await client.execute(uri: "/v1/recommendations/batch", method: .get) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "POST")
                #expect(json(response)["error"] as? String == "GET is not served here; use POST")
            }
            try await client.execute(uri: "/v1/customers/5/recommendations", method: .delete) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET")
            }
            try await client.execute(uri: "/no/such/path", method: .get) { response in
                #expect(response.status == .notFound)
                #expect((json(response)["error"] as? String)?.hasPrefix("no route GET /no/such/path") == true)
            }
        }
    }

    /// The consumer stores what it is given: the batch route's answer, read by the stream
    /// services' decoder, is exactly what the model file gives in process (titles, years,
    /// rounded scores), so rows written with --api and with --model are the same.
    @Test func batchAnswerEqualsTheInProcessSource() async throws {
        let models = try TestModels()
        let recommender = Recommender(model: try RecoModel(path: models.modelPath))
        let expected = try await ModelFileSource(recommender: recommender, catalog: try MovieCatalog.load(path: models.moviesPath))
            .recommend([200, 7, 100], watching: [.init(customerId: 7, movieId: 3), .init(customerId: 7, movieId: 5)], limit: 3)
        try await app(try await models.holder()).test(.router) { client in
            try await client.execute(uri: "/v1/recommendations/batch", method: .post,
                                     body: ByteBuffer(bytes: RecommendationBatchRequest(customerIds: [200, 7, 100], limit: 3,
                                                                                        watching: [.init(customerId: 7, movieId: 3), .init(customerId: 7, movieId: 5)]).jsonBytes())) { response in
                #expect(response.status == .ok)
                let answer = try RecommendationBatch.decode(response.body.readableBytesView)
                #expect(answer == expected)
                #expect(answer.results.first?.items.first?.title != nil)
            }
        }
    }

    @Test func similarMoviesAndModelMetadata() async throws {
        let models = try TestModels()
        try await app(try await models.holder()).test(.router) { client in
            try await client.execute(uri: "/v1/movies/4/similar?limit=2", method: .get) { response in
                #expect(response.status == .ok)
                let body = json(response)
                #expect(body["title"] as? String == "Paula Abdul's Get Up & Dance")
                let items = try #require(body["items"] as? [[String: Any]])
                #expect(items.map { $0["movie_id"] as? Int } == [1, 3])
            }
            try await client.execute(uri: "/v1/movies/99/similar", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(json(response)["field"] as? String == "id")
            }
            try await client.execute(uri: "/v1/model", method: .get) { response in
                let body = json(response)
                #expect(body["version"] as? String == "model-a")
                #expect(body["customers"] as? Int == 2)
                #expect(body["movies"] as? Int == 5)
                #expect((body["metadata"] as? [String: Any])?["dataFingerprint"] as? String == "abc")
            }
        }
    }

    @Test func metricsCountRequestsPerRouteTemplate() async throws {
        let models = try TestModels()
        let metrics = APIMetrics()
        let holder = ModelHolder(modelPath: models.modelPath, moviesPath: models.moviesPath, metrics: metrics, logger: Logger(label: "test"))
        await holder.reload(reason: "test")
        try await app(holder, metrics: metrics).test(.router) { client in
            for id in [100, 200, 300] {
                try await client.execute(uri: "/v1/customers/\(id)/recommendations", method: .get) { #expect($0.status == .ok) }
            }
            try await client.execute(uri: "/no/such/path/123", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains(#"reco_http_requests_total{route="/v1/customers/{id}/recommendations",method="GET",status="200"} 3"#))
                #expect(text.contains(#"reco_http_request_duration_seconds_bucket{route="/v1/customers/{id}/recommendations",method="GET""#))
                #expect(text.contains(#"route="NotFound""#))
                #expect(!text.contains("/v1/customers/100"))
                #expect(text.contains(#"reco_model_info{version="model-a"} 1.0"#))
                #expect(text.contains("reco_model_load_seconds"))
            }
        }
    }

    @Test func openAPIDocumentsEveryServedRouteAndDocsRenderIt() async throws {
        let models = try TestModels()
        let document = try #require(JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let served: [(String, String)] = [
            ("get", "/"), ("get", "/health/live"), ("get", "/health/ready"), ("get", "/suggested_movies"),
            ("get", "/v1/customers/{id}/recommendations"), ("post", "/v1/recommendations/batch"), ("get", "/v1/movies/{id}/similar"),
            ("get", "/v1/model"), ("post", "/v1/admin/reload"), ("get", "/metrics"), ("get", "/openapi.json"), ("get", "/docs"),
            ("get", "/v1/customers/{id}/history"), ("post", "/v1/sessions/recommendations"),
        ]
        #expect(Set(paths.keys) == Set(served.map(\.1)))
        for (method, path) in served { #expect(paths[path]?[method] != nil, "\(method) \(path)") }
        try await app(try await models.holder(), token: "t").test(.router) { client in
            for (method, path) in served {
                let uri = path.replacingOccurrences(of: "{id}", with: "2") + (path == "/suggested_movies" ? "?Cust_Id=100" : "")
                try await client.execute(uri: uri, method: method == "get" ? .get : .post,
                                         body: path.hasSuffix("batch") ? ByteBuffer(string: #"{"customer_ids":[100]}"#) : nil) { response in
                    // Served: anything but "no such route" (the admin route answers 401 without a token).
                    #expect(response.status != .notFound, "\(method) \(path)")
                }
            }
            try await client.execute(uri: "/openapi.json", method: .get) { response in
                #expect(!json(response).isEmpty)
            }
            try await client.execute(uri: "/docs", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                for (_, path) in served { #expect(html.contains(DocsPage.escape(path))) }
                #expect(!html.contains("http://") && !html.contains("https://"))
            }
        }
    }
}
