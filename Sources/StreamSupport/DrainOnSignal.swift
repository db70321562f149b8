import Logging
import UnixSignals

/// How the stream services stop: `work` runs until it returns; the first SIGINT or SIGTERM calls
/// `requestStop`, after which the work finishes its current batch and returns.
public enum DrainOnSignal {
    public static func run(logger: Logger, requestStop: @escaping @Sendable () -> Void,
                           _ work: @escaping @Sendable () async throws -> Void) async throws {
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await work() }
            group.addTask {
                for await signal in signals {
                    logger.info("stopping on signal", metadata: ["signal": "\(signal)"])
                    requestStop()
                    break
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }
}
