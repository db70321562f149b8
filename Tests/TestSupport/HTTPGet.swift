import AsyncHTTPClient
import NIOCore

/// GETs `url`, retrying for up to five seconds while the server starts; returns the body.
public func httpGet(_ url: String) async throws -> String {
    var lastError: (any Error)?
    for _ in 0..<50 {
        do {
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(5))
            return String(buffer: try await response.body.collect(upTo: 1 << 20))
        } catch {
            lastError = error
            try await Task.sleep(for: .milliseconds(100))
        }
    }
    throw lastError ?? HTTPClientError.connectTimeout
}
