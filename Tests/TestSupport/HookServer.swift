import Foundation
import Hummingbird
import Logging
import Synchronization

/// A local webhook receiver that misbehaves on purpose: `behaviour(key, attempt)` decides each
/// answer. It records every attempt and the bodies of the accepted ones.
public final class HookServer: Sendable {
    public enum Answer: Sendable {
        case accept
        case status(Int, retryAfter: Int? = nil)
        /// Answers only after this long (longer than the client's timeout).
        case hang(Duration)
    }

    public struct Record: Sendable {
        public var attempts: [String: Int] = [:]
        public var accepted: [String: [String]] = [:]
        public var userAgents: Set<String> = []
    }

    /// The hook's path holds a secret, as Zapier's do.
    public static let path = "/hooks/catch/4242/s3cr3t-hook-token/"
    public let record = Mutex(Record())
    public let behaviour: @Sendable (String, Int) -> Answer

    public init(behaviour: @escaping @Sendable (String, Int) -> Answer) {
        self.behaviour = behaviour
    }

    public var accepted: [String: [String]] { record.withLock { $0.accepted } }
    public var attempts: [String: Int] { record.withLock { $0.attempts } }

    /// Runs the server for the duration of `body`, which gets the hook's URL.
    public func serve(_ body: @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        router.post(RouterPath(Self.path)) { request, _ -> Response in
            let key = request.headers.first { $0.name.canonicalName == "idempotency-key" }?.value ?? "<none>"
            let agent = request.headers[.userAgent] ?? ""
            let text = String(buffer: try await request.body.collect(upTo: 1 << 20))
            let attempt = self.record.withLock { record -> Int in
                record.attempts[key, default: 0] += 1
                record.userAgents.insert(agent)
                return record.attempts[key] ?? 1
            }
            switch self.behaviour(key, attempt) {
            case .accept:
                self.record.withLock { $0.accepted[key, default: []].append(text) }
                return Response(status: .ok, headers: [.contentType: "application/json"],
                                body: .init(byteBuffer: ByteBuffer(string: #"{"status":"success"}"#)))
            case .status(let code, let retryAfter):
                var headers = HTTPFields()
                if let retryAfter { headers[.retryAfter] = String(retryAfter) }
                return Response(status: .init(code: code), headers: headers)
            case .hang(let duration):
                try await Task.sleep(for: duration)
                return Response(status: .ok)
            }
        }
        var logger = Logger(label: "hook-server")
        // Cancelling the server at the end logs errors that are not the test's.
        logger.logLevel = .critical
        let port = Mutex<Int?>(nil)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port } }, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            for _ in 0..<500 where port.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(10)) }
            try await body("http://127.0.0.1:\(port.withLock { $0 } ?? 0)\(Self.path)")
            group.cancelAll()
        }
    }
}
