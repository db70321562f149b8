import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import RecoCore

/// POSTs JSON to a webhook (Zapier's "Catch Hook" or anything like it), retrying throttling
/// (429), server errors (5xx), request timeouts (408) and network failures with bounded
/// exponential backoff and full jitter. The URL carries the hook's secret, so it never appears in
/// descriptions or errors.
public struct WebhookClient: Sendable, CustomStringConvertible {
    public enum Outcome: Sendable, Equatable {
        case delivered(status: Int, attempts: Int)
        /// A permanent refusal (4xx other than 408 and 429): retrying would not help.
        case rejected(status: Int, attempts: Int, message: String)
        /// Every attempt failed transiently.
        case exhausted(attempts: Int, message: String)

        public var delivered: Bool { if case .delivered = self { true } else { false } }
        public var attempts: Int {
            switch self {
            case .delivered(_, let attempts), .rejected(_, let attempts, _), .exhausted(let attempts, _): attempts
            }
        }
    }

    private let url: String
    public let retry: RetryPolicy
    public let timeout: TimeAmount

    public init(url: String, retry: RetryPolicy = RetryPolicy(), timeout: TimeAmount = .seconds(10)) {
        self.url = url
        self.retry = retry
        self.timeout = timeout
    }

    public var description: String { "webhook (URL redacted)" }

    /// Posts `body` until it is accepted, refused for good, or the attempts run out. The
    /// idempotency key goes in the `Idempotency-Key` header on every attempt, so that a receiver
    /// can drop the duplicates that at-least-once delivery sends.
    public func post(_ body: [UInt8], idempotencyKey: String) async -> Outcome {
        var attempts = 0
        do throws(AttemptFailure) {
            let status = try await retry.run(shouldRetry: { $0.permanent == nil }, retryAfter: \.retryAfter) { (number) throws(AttemptFailure) in
                attempts = number
                return try await postOnce(body, idempotencyKey: idempotencyKey)
            }
            return .delivered(status: status, attempts: attempts)
        } catch {
            if let status = error.permanent { return .rejected(status: status, attempts: attempts, message: error.message) }
            return .exhausted(attempts: attempts, message: error.message)
        }
    }

    /// Why one POST did not deliver: a permanent refusal (its status) or a transient failure.
    private struct AttemptFailure: Error {
        var message: String
        var permanent: Int?
        var retryAfter: Duration?
    }

    /// One POST; returns the 2xx status.
    private func postOnce(_ body: [UInt8], idempotencyKey: String) async throws(AttemptFailure) -> Int {
        let response: HTTPClientResponse
        let answer: ByteBuffer
        do {
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "Idempotency-Key", value: idempotencyKey)
            request.headers.add(name: "User-Agent", value: "reco-notifier/1")
            request.body = .bytes(ByteBuffer(bytes: body))
            response = try await HTTPClient.shared.execute(request, timeout: timeout)
            answer = try await response.body.collect(upTo: 1 << 20)
        } catch {
            throw AttemptFailure(message: redacted("\(error)"))
        }
        let status = Int(response.status.code)
        if (200..<300).contains(status) { return status }
        let message = redacted("HTTP \(status): \(String(buffer: answer).prefix(200))")
        guard status == 429 || status == 408 || status >= 500 else { throw AttemptFailure(message: message, permanent: status) }
        throw AttemptFailure(message: message, retryAfter: response.headers.first(name: "Retry-After").flatMap(Int.init).map { Duration.seconds($0) })
    }

    /// Errors may quote the URL; it holds the hook's secret.
    private func redacted(_ text: String) -> String {
        text.replacingOccurrences(of: url, with: "<webhook-url>")
    }
}
