import RecoCore
import RecoKafka

/// A batch of messages decoded into watch events; the messages that are not events become dead
/// letters with the decoder's reason.
public struct WatchEventBatch: Sendable {
    public var events: [(message: KafkaConsumedMessage, events: [WatchEvent])] = []
    public var deadLetters: [DeadLetter] = []

    public init(_ messages: [KafkaConsumedMessage]) {
        for message in messages {
            do {
                events.append((message, try WatchEventDecoder.decode(message.value)))
            } catch {
                deadLetters.append(DeadLetter(message: message, reason: error.reason.rawValue, error: error.description))
            }
        }
    }

    /// Each customer once, in order of first appearance.
    public var customerIds: [UInt32] {
        var seen = Set<UInt32>()
        return events.flatMap { $0.events.map(\.customerId) }.filter { seen.insert($0).inserted }
    }

    public var eventCount: Int { events.reduce(0) { $0 + $1.events.count } }
}
