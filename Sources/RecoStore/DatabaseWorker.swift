import Foundation
import Logging
import RecoCore

/// Runs database work on a dedicated serial queue (libpq blocks; Swift's cooperative pool must
/// not), reconnecting with backoff when the connection is lost.
public final class DatabaseWorker: @unchecked Sendable {
    // Unchecked Sendable: `connection` is only touched on `queue`.
    private let queue = DispatchQueue(label: "reco-database")
    private var connection: PostgresConnection?
    public let url: DatabaseURL
    private let logger: Logger

    public init(url: DatabaseURL, logger: Logger) {
        self.url = url
        self.logger = logger
    }

    /// Runs `body` with a live connection. On failure the connection is dropped, so the next
    /// call reconnects; retrying is the caller's choice (see `DatabaseError.isTransient`).
    func run<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws(DatabaseError) -> T) async throws(DatabaseError) -> T {
        let result: Result<T, DatabaseError> = await withCheckedContinuation { continuation in
            queue.async {
                do throws(DatabaseError) {
                    if self.connection == nil || self.connection?.isHealthy == false {
                        self.connection = nil
                        self.connection = try PostgresConnection(self.url, logger: self.logger)
                        self.logger.info("connected to PostgreSQL", metadata: ["db.url": "\(self.url)"])
                    }
                    guard let connection = self.connection else { throw DatabaseError(kind: .connection, message: "not connected") }
                    continuation.resume(returning: .success(try body(connection)))
                } catch {
                    if error.isTransient { self.connection = nil }
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    /// `run`, retrying transient failures (`DatabaseError.isTransient`) by `policy`.
    func retrying<T: Sendable>(_ policy: RetryPolicy,
                               _ body: @escaping @Sendable (PostgresConnection) throws(DatabaseError) -> T) async throws(DatabaseError) -> T {
        try await policy.run(shouldRetry: { (error: DatabaseError) in error.isTransient }, onRetry: { error, _, delay in
            logger.warning("database unavailable, retrying", metadata: ["db.error": "\(error)", "db.retry_in_ms": "\(delay.wholeMilliseconds)"])
        }) { (_) throws(DatabaseError) in
            try await run(body)
        }
    }
}
