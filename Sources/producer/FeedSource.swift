import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import RecoCore
import Synchronization

/// Polls the seed's real-time feed over HTTP every `interval`. Timeouts and 5xx are retried
/// with backoff; a bad body is logged with what was wrong and skipped, never fatal. The URL's
/// credentials go in an Authorization header and never into a log line (see `FeedURL`).
final class FeedSource: EventSource {
    let url: FeedURL
    let interval: Duration
    let timeout: Duration
    let retries: Int
    private let client: HTTPClient
    private let logger: Logger
    private let polls = PollCounter()

    init(url: FeedURL, interval: Duration, timeout: Duration = .seconds(10), retries: Int = 3, logger: Logger) {
        self.url = url
        self.interval = interval
        self.timeout = timeout
        self.retries = retries
        self.logger = logger
        client = HTTPClient(eventLoopGroupProvider: .singleton)
    }

    func nextBatch() async throws -> [WatchEvent]? {
        if polls.next() > 0 { try await Task.sleep(for: interval) }
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await fetchOnce()
            } catch let error as FeedFailure where error.retriable && attempt <= retries {
                let backoff = Duration.milliseconds(250 * (1 << (attempt - 1)))
                logger.warning("feed request failed, retrying", metadata: ["feed.url": "\(url)", "feed.error": "\(url.scrub(error.message))",
                                                                        "feed.attempt": "\(attempt)", "feed.backoff_ms": "\(backoff.wholeMilliseconds)"])
                try await Task.sleep(for: backoff)
            } catch let error as FeedFailure {
                logger.error("feed response rejected", metadata: ["feed.url": "\(url)", "feed.error": "\(url.scrub(error.message))"])
                return []
            }
        }
    }

    private func fetchOnce() async throws -> [WatchEvent] {
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

    func shutdown() async {
        try? await client.shutdown()
    }

    struct FeedFailure: Error {
        var message: String
        var retriable: Bool
    }
}

/// Counts polls (the first one does not wait).
final class PollCounter: Sendable {
    private let count = Mutex(0)

    func next() -> Int {
        count.withLock { value in
            defer { value += 1 }
            return value
        }
    }
}

