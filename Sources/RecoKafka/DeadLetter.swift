import Logging

/// A consumed message that cannot be processed, on its way to a dead-letter topic with the
/// reason: nothing is dropped, and the topic says why and where each message came from.
public struct DeadLetter: Sendable {
    public var message: KafkaConsumedMessage
    /// A stable code (`not_json`, `webhook_rejected`, …).
    public var reason: String
    public var error: String
    public var extraHeaders: [KafkaHeader]

    public init(message: KafkaConsumedMessage, reason: String, error: String, extraHeaders: [KafkaHeader] = []) {
        self.message = message
        self.reason = reason
        self.error = error
        self.extraHeaders = extraHeaders
    }
}

extension KafkaProducer {
    /// Queues each letter's key and value for `topic` with headers error, error.reason, the extra
    /// ones, source.topic, source.partition and source.offset. The caller stores the source
    /// offsets only after `flushAcknowledged` returned.
    public func send(_ letters: [DeadLetter], to topic: String, logger: Logger) async throws(KafkaError) {
        for letter in letters {
            let message = letter.message
            logger.warning("dead letter", metadata: ["kafka.partition": "\(message.partition)", "kafka.offset": "\(message.offset)",
                                                    "dlq.reason": "\(letter.reason)", "dlq.error": "\(letter.error)"])
            let headers = [KafkaHeader(name: "error", text: letter.error), KafkaHeader(name: "error.reason", text: letter.reason)]
                + letter.extraHeaders + [
                    KafkaHeader(name: "source.topic", text: message.topic), KafkaHeader(name: "source.partition", text: String(message.partition)),
                    KafkaHeader(name: "source.offset", text: String(message.offset)),
                ]
            try await send(KafkaOutgoingMessage(topic: topic, key: message.key, value: message.value, headers: headers))
        }
    }
}
