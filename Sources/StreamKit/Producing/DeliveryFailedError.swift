import RecoCore
import RecoKafka

/// Kafka refused an event for good (not retriable, or still failing when `message.timeout.ms`
/// ran out): the producer stops instead of sending more events into the same failure.
public struct DeliveryFailedError: Error, CustomStringConvertible {
    public var topic: String
    public var error: KafkaError
    public var delivered: Int
    public var failed: Int

    public var description: String {
        "producer stopped: Kafka refused an event for \(topic) for good (\(error)); \(Decimals.grouped(delivered)) events were delivered, "
            + "\(Decimals.grouped(failed)) failed and nothing more was sent"
    }
}
