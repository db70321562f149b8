import Logging
import RecoCore
import RecoKafka
import ServiceLifecycle

/// What a handler may ask of the loop while it works on a batch.
public struct BatchContext: Sendable {
    /// The consumer whose partitions are paused while a dependency is down (none in unit tests).
    let consumer: KafkaConsumer?
    public let logger: Logger
    /// Retries while a dependency is down: until it is back or the service stops.
    public var retry = Self.dependencyRetry

    /// What `untilAvailable` does by default (services state it in their `--help`).
    public static let dependencyRetry = RetryPolicy.untilStopped(baseDelay: .milliseconds(200), maxDelay: .seconds(5))

    init(consumer: KafkaConsumer, logger: Logger) {
        self.consumer = consumer
        self.logger = logger
    }

    /// A context without a consumer: handlers called directly (tests) retry without pausing.
    public init(logger: Logger) {
        consumer = nil
        self.logger = logger
    }

    /// The cluster id and log ends behind `messages` (nil without a consumer): see `KafkaConsumer.logIdentity`.
    public func logIdentity(of messages: [KafkaConsumedMessage]) -> (clusterId: String, highWatermarks: [KafkaTopicPartition: Int64])? {
        consumer?.logIdentity(of: messages)
    }

    /// Runs `body` until it succeeds. While it fails with an error that `shouldRetry` accepts,
    /// the assigned partitions are paused (no more messages pile up) and it is retried with
    /// backoff; a shutdown or cancellation ends the retries with the last error, so the batch's
    /// offsets are not stored and its messages are read again. Outages of what a service depends
    /// on (reco-api, PostgreSQL) are never the messages' fault: they are waited out, not dead-lettered.
    public func untilAvailable<T: Sendable>(_ what: String, shouldRetry: (any Error) -> Bool = { _ in true },
                                           _ body: () async throws -> T) async throws -> T {
        var paused: [KafkaTopicPartition] = []
        defer { if !paused.isEmpty { try? consumer?.resume(paused) } }
        return try await retry.run(shouldRetry: { error in
            !Task.isShuttingDownGracefully && shouldRetry(error)
        }, onRetry: { (error: any Error, _, delay) in
            if paused.isEmpty, let consumer {
                paused = Array(consumer.assignedPartitions)
                try? consumer.pause(paused)
            }
            logger.warning("\(what) unavailable, retrying", metadata: ["stream.error": "\(error)", "stream.retry_in_ms": "\(delay.wholeMilliseconds)"])
        }) { _ in
            try await body()
        }
    }
}
