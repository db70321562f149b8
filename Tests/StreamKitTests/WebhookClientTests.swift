import Foundation
import RecoCore
import StreamKit
import Testing
import TestSupport

struct WebhookClientTests {
    private let fastRetry = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(20), maxDelay: .milliseconds(200))

    @Test func retriesServerErrorsThrottlingAndTimeoutsThenDelivers() async throws {
        let server = HookServer { _, attempt in
            switch attempt {
            case 1: .status(503)
            case 2: .status(429, retryAfter: 0)
            case 3: .hang(.seconds(2))
            case 4: .status(408)
            default: .accept
            }
        }
        try await server.serve { url in
            let client = WebhookClient(url: url, retry: fastRetry, timeout: .milliseconds(400))
            let outcome = await client.post(Array(#"{"a":1}"#.utf8), idempotencyKey: "watch_events/0/7")
            #expect(outcome == .delivered(status: 200, attempts: 5))
        }
        #expect(server.attempts == ["watch_events/0/7": 5])
        #expect(server.accepted["watch_events/0/7"] == [#"{"a":1}"#])
        #expect(server.record.withLock { $0.userAgents } == ["reco-notifier/1"])
    }

    @Test func aPermanentRefusalIsNotRetried() async throws {
        let server = HookServer { _, _ in .status(410) }
        try await server.serve { url in
            let outcome = await WebhookClient(url: url, retry: fastRetry).post([], idempotencyKey: "k")
            guard case .rejected(410, 1, _) = outcome else { Issue.record("unexpected \(outcome)"); return }
        }
        #expect(server.attempts == ["k": 1])
    }

    @Test func givesUpAfterMaxAttemptsWithoutQuotingTheURL() async throws {
        let server = HookServer { _, _ in .status(500) }
        try await server.serve { url in
            let client = WebhookClient(url: url, retry: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(10), maxDelay: .milliseconds(50)))
            let outcome = await client.post([], idempotencyKey: "k")
            guard case .exhausted(3, let message) = outcome else { Issue.record("unexpected \(outcome)"); return }
            #expect(message.contains("HTTP 500"))
            #expect(!"\(client)".contains("s3cr3t"))
        }
        // A closed port: the connection error must not quote the URL either.
        let closed = WebhookClient(url: "http://127.0.0.1:9/hooks/catch/1/s3cr3t/", retry: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(10)),
                                   timeout: .milliseconds(300))
        let outcome = await closed.post([], idempotencyKey: "k")
        guard case .exhausted(2, let message) = outcome else { Issue.record("unexpected \(outcome)"); return }
        #expect(!message.contains("s3cr3t"))
    }
}
