import Crypto
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

extension DeadLetter {
    /// The most key and value bytes a dead letter carries whole. Kafka's default
    /// `message.max.bytes` (1,000,000, broker and client) bounds a whole record, headers included,
    /// and a consumer may read bigger messages than its own producer may write.
    public static let maximumPayloadBytes = 900_000
    /// What a dead letter keeps of a value (or key) too big to carry.
    public static let truncatedPrefixBytes = 64 * 1024

    /// Key, value and headers for the dead-letter topic: error, error.reason, the extra headers,
    /// source.topic, source.partition and source.offset; and, when the payload is cut to fit
    /// (`carry` bytes of it; 0 keeps only the headers), dead_letter.truncated, the original sizes
    /// and the whole payload's SHA-256.
    func outgoing(to topic: String, carry limit: Int) -> KafkaOutgoingMessage {
        var headers = [KafkaHeader(name: "error", text: error), KafkaHeader(name: "error.reason", text: reason)] + extraHeaders + [
            KafkaHeader(name: "source.topic", text: message.topic), KafkaHeader(name: "source.partition", text: String(message.partition)),
            KafkaHeader(name: "source.offset", text: String(message.offset)),
        ]
        let key = message.key ?? []
        guard key.count + message.value.count > Self.maximumPayloadBytes || limit < Self.truncatedPrefixBytes else {
            return KafkaOutgoingMessage(topic: topic, key: message.key, value: message.value, headers: headers)
        }
        headers += [
            KafkaHeader(name: "dead_letter.truncated", text: "true"),
            KafkaHeader(name: "dead_letter.original_value_bytes", text: String(message.value.count)),
            KafkaHeader(name: "dead_letter.original_key_bytes", text: String(key.count)),
            KafkaHeader(name: "dead_letter.value_sha256", text: Self.hex(SHA256.hash(data: message.value))),
        ]
        let keptKey = message.key.map { Array($0.prefix(min(limit, 1_024))) }
        return KafkaOutgoingMessage(topic: topic, key: keptKey, value: Array(message.value.prefix(limit)), headers: headers)
    }
}

extension DeadLetter {
    private static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: digest.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] }, as: UTF8.self)
    }
}

extension KafkaProducer {
    /// Queues each letter for `topic` (see `DeadLetter.outgoing`). A payload too big for Kafka is
    /// cut to a prefix, and if the cluster still refuses the size, to headers only: no message can
    /// stop a service by being too big to dead-letter. The caller stores the source offsets only
    /// after `flushAcknowledged` returned.
    public func send(_ letters: [DeadLetter], to topic: String, logger: Logger) async throws(KafkaError) {
        for letter in letters {
            let message = letter.message
            logger.warning("dead letter", metadata: ["kafka.partition": "\(message.partition)", "kafka.offset": "\(message.offset)",
                                                    "dlq.reason": "\(letter.reason)", "dlq.error": "\(letter.error)",
                                                    "dlq.bytes": "\(message.value.count)"])
            do {
                try await send(letter.outgoing(to: topic, carry: DeadLetter.truncatedPrefixBytes))
            } catch where error.code == KafkaError.Code.messageSizeTooLarge {
                logger.warning("dead letter too large for the cluster; sending its headers only",
                               metadata: ["kafka.offset": "\(message.offset)", "kafka.error": "\(error)"])
                try await send(letter.outgoing(to: topic, carry: 0))
            }
        }
    }
}
