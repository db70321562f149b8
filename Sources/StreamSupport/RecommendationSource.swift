import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import RecoCore

/// Top-N movies for many customers: in process from a model file, or from reco-api's batch route.
public protocol RecommendationSource: Sendable {
    /// Results in the order of `customerIds`; throws when the source is unavailable (never the
    /// events' fault: the caller pauses and retries).
    func recommend(_ customerIds: [UInt32], limit: Int) async throws -> (version: String, results: [CustomerRecommendations])
    func shutdown() async
}

/// The source the stream services' `--model` / `--api` options name.
public enum RecommendationSources {
    /// A model file scored in process (titles from `movies` when that file exists), else reco-api at `api`.
    public static func make(model: String?, movies: String, api: String?, apiTimeout: Duration) throws -> any RecommendationSource {
        if let model {
            let catalog = FileManager.default.fileExists(atPath: movies) ? try MovieCatalog.load(path: movies) : MovieCatalog()
            return ModelFileSource(recommender: Recommender(model: try RecoModel(path: model)), catalog: catalog)
        }
        return APISource(baseURL: api ?? "", timeout: apiTimeout)
    }
}

public struct CustomerRecommendations: Sendable {
    public var customerId: UInt32
    public var coldStart: Bool
    public var items: [(movieId: UInt32, title: String?, year: Int?, score: Float)]

    public init(customerId: UInt32, coldStart: Bool, items: [(movieId: UInt32, title: String?, year: Int?, score: Float)]) {
        self.customerId = customerId
        self.coldStart = coldStart
        self.items = items
    }
}

/// Scores with a memory-mapped model file in this process.
public struct ModelFileSource: RecommendationSource {
    public let recommender: Recommender
    public let catalog: MovieCatalog

    public init(recommender: Recommender, catalog: MovieCatalog) {
        self.recommender = recommender
        self.catalog = catalog
    }

    public func recommend(_ customerIds: [UInt32], limit: Int) async throws -> (version: String, results: [CustomerRecommendations]) {
        let results = recommender.recommend(customerIds: customerIds, limit: limit).map { result in
            CustomerRecommendations(customerId: result.customerId, coldStart: result.coldStart, items: result.items.map {
                ($0.movieId, catalog[$0.movieId]?.title, catalog[$0.movieId]?.year, $0.score)
            })
        }
        return (recommender.model.metadata.version, results)
    }

    public func shutdown() async {}
}

/// Calls `POST /v1/recommendations/batch` (keep-alive connections, timeout).
public final class APISource: RecommendationSource {
    public let baseURL: String
    public let timeout: Duration
    private let client = HTTPClient(eventLoopGroupProvider: .singleton)

    public init(baseURL: String, timeout: Duration) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.timeout = timeout
    }

    public func recommend(_ customerIds: [UInt32], limit: Int) async throws -> (version: String, results: [CustomerRecommendations]) {
        var request = HTTPClientRequest(url: baseURL + "/v1/recommendations/batch")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        let body = "{\"customer_ids\":[\(customerIds.map(String.init).joined(separator: ","))],\"limit\":\(limit)}"
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await client.execute(request, timeout: .milliseconds(Int64(timeout.components.seconds * 1000)))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        guard response.status.code == 200 else {
            throw APIUnavailable(message: "HTTP \(response.status.code): \(String(buffer: bytes).prefix(200))")
        }
        return try Self.decode(bytes.readableBytesView)
    }

    /// Reads `{"model_version":…,"results":[{"customer_id":…,"cold_start":…,"items":[{"movie_id":…,
    /// "title":…,"year":…,"score":…}]}]}` (JSONDecoder took most of the consumer's time here).
    public static func decode(_ bytes: some Collection<UInt8>) throws -> (version: String, results: [CustomerRecommendations]) {
        let answer = try JSONParser.parse(bytes)
        guard let version = answer["model_version"]?.string, let results = answer["results"]?.array else {
            throw APIUnavailable(message: "the batch answer has no model_version or results")
        }
        func id(_ value: JSONValue?) throws -> UInt32 {
            guard let number = value?.number, let id = UInt32(exactly: number) else { throw APIUnavailable(message: "the batch answer has a bad id") }
            return id
        }
        return (version, try results.map { result in
            guard let items = result["items"]?.array else { throw APIUnavailable(message: "the batch answer has a result without items") }
            return CustomerRecommendations(customerId: try id(result["customer_id"]), coldStart: result["cold_start"] == .bool(true),
                                          items: try items.map { item in
                                              guard let score = item["score"]?.number else { throw APIUnavailable(message: "the batch answer has an item without score") }
                                              return (try id(item["movie_id"]), item["title"]?.string, item["year"]?.number.flatMap { Int(exactly: $0) }, Float(score))
                                          })
        })
    }

    public func shutdown() async {
        try? await client.shutdown()
    }

    public struct APIUnavailable: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }
}
