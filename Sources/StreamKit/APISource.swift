import AsyncHTTPClient
import NIOCore
import RecoCore

/// Calls `POST /v1/recommendations/batch` (keep-alive connections, a timeout per call).
public final class APISource: RecommendationSource {
    public let baseURL: String
    public let timeout: Duration
    private let client = HTTPClient(eventLoopGroupProvider: .singleton)

    public init(baseURL: String, timeout: Duration) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.timeout = timeout
    }

    public func recommend(_ customerIds: [UInt32], watching: [RecommendationBatchRequest.Watching], limit: Int) async throws -> RecommendationBatch {
        var request = HTTPClientRequest(url: baseURL + "/v1/recommendations/batch")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: RecommendationBatchRequest(
            customerIds: customerIds.map(Int64.init), limit: limit,
            watching: watching.isEmpty ? nil : watching).jsonBytes()))
        let response = try await client.execute(request, timeout: TimeAmount(timeout))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        guard response.status.code == 200 else {
            throw APIUnavailable(message: "HTTP \(response.status.code): \(String(buffer: bytes).prefix(200))")
        }
        do {
            return try RecommendationBatch.decode(bytes.readableBytesView)
        } catch {
            // A reco-api that answers garbage is as good as down: retried, never the events' fault.
            throw APIUnavailable(message: "\(error)")
        }
    }

    public func shutdown() async {
        try? await client.shutdown()
    }

    public struct APIUnavailable: Error, CustomStringConvertible {
        public var message: String

        public init(message: String) {
            self.message = message
        }

        public var description: String { message }
    }
}
