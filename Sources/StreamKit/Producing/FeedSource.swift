import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import RecoCore
import Synchronization

/// Polls the seed's real-time feed over HTTP every `interval`. Timeouts and 5xx are retried
/// with backoff; a bad body is logged with what was wrong and skipped, never fatal. The URL's
/// credentials go in an Authorization header and never into a log line (see `FeedURL`).
public final class FeedSource: EventSource {
    public let url: FeedURL
    public let interval: Duration
    public let timeout: Duration
    /// Retries of one poll's request (timeouts, 5xx, 429); the next poll starts after them.
    public let retry: RetryPolicy
    private let client: HTTPClient
    private let logger: Logger
    private let polls = PollCounter()

    /// Three retries, 250 ms doubling, within one poll.
    public static let defaultRetry = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(250), maxDelay: .seconds(2))

    public init(url: FeedURL, interval: Duration, timeout: Duration = .seconds(10), retry: RetryPolicy = defaultRetry, logger: Logger) {
        self.url = url
        self.interval = interval
        self.timeout = timeout
        self.retry = retry
        self.logger = logger
        client = HTTPClient(eventLoopGroupProvider: .singleton)
    }

    public func nextBatch() async throws -> [WatchEvent]? {
        if polls.next() > 0 { try await Task.sleep(for: interval) }
        do throws(FeedFailure) {
            return try await retry.run(shouldRetry: \.retriable, onRetry: { error, failures, delay in
                logger.warning("feed request failed, retrying", metadata: ["feed.url": "\(url)", "feed.error": "\(url.scrub(error.message))",
                                                                        "feed.attempt": "\(failures)", "feed.backoff_ms": "\(delay.wholeMilliseconds)"])
            }) { (_) throws(FeedFailure) in
                try await fetchOnce()
            }
        } catch {
            logger.error("feed response rejected", metadata: ["feed.url": "\(url)", "feed.error": "\(url.scrub(error.message))"])
            return []
        }
    }

    private func fetchOnce() async throws(FeedFailure) -> [WatchEvent] {
        let response: HTTPClientResponse
        var body = ByteBuffer()
        do {
            var request = HTTPClientRequest(url: url.requestURL)
            if let authorization = url.authorization { request.headers.add(name: "Authorization", value: authorization) }
            response = try await client.execute(request, timeout: TimeAmount(timeout))
            body = try await response.body.collect(upTo: 8 << 20)
        } catch {
            throw FeedFailure(message: "request failed: \(error)", retriable: true)
        }
        guard response.status.code == 200 else {
            throw FeedFailure(message: "HTTP \(response.status.code): \(String(buffer: body).prefix(200))", retriable: response.status.code >= 500 || response.status.code == 429)
        }
        do {
            return try FeedParser.parse(Array(buffer: body), source: "feed")
        } catch {
            throw FeedFailure(message: "bad body (\(error)): \(String(buffer: body).prefix(200))", retriable: false)
        }
    }

    public func shutdown() async {
        try? await client.shutdown()
    }

    struct FeedFailure: Error {
        var message: String
        var retriable: Bool
    }
}

/// Counts polls (the first one does not wait).
public final class PollCounter: Sendable {
    private let count = Mutex(0)

    public func next() -> Int {
        count.withLock { value in
            defer { value += 1 }
            return value
        }
    }
}

