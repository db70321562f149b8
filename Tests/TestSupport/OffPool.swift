import Foundation

/// Runs CPU-heavy test work on a thread of its own. Swift Testing runs test bodies on Swift's
/// cooperative pool, which has 2 threads here: a body that trains for seconds there stalls every
/// other suite's async work (the DAG runner's timing tests among them).
public func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}
