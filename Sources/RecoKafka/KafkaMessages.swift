/// A message to produce. `key` decides the partition (same key, same partition, in order).
public struct KafkaOutgoingMessage: Sendable {
    public var topic: String
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [KafkaHeader]

    public init(topic: String, key: [UInt8]?, value: [UInt8], headers: [KafkaHeader] = []) {
        self.topic = topic
        self.key = key
        self.value = value
        self.headers = headers
    }
}

public struct KafkaHeader: Sendable, Equatable {
    public var name: String
    public var value: [UInt8]

    public init(name: String, value: [UInt8]) {
        self.name = name
        self.value = value
    }

    public init(name: String, text: String) {
        self.init(name: name, value: Array(text.utf8))
    }
}

/// A consumed message, copied out of librdkafka's memory.
public struct KafkaConsumedMessage: Sendable, Equatable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [KafkaHeader]
    /// Milliseconds since the epoch, when the broker or producer set one.
    public var timestampMilliseconds: Int64?

    public init(topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8], headers: [KafkaHeader] = [],
                timestampMilliseconds: Int64? = nil) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestampMilliseconds = timestampMilliseconds
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name == name }.map { String(decoding: $0.value, as: UTF8.self) }
    }
}

/// What became of one produced message.
public struct KafkaDeliveryReport: Sendable, Equatable {
    /// The id `KafkaProducer.send` returned for the message.
    public var messageId: UInt64
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    /// nil when the broker acknowledged the message.
    public var error: KafkaError?
}

/// A position in a partition: `offset` is the next message to read when committed.
public struct KafkaTopicPartition: Sendable, Hashable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32

    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public var description: String { "\(topic)[\(partition)]" }

    /// Per partition, the offset after the highest of `messages` (what to store once they are done).
    public static func nextOffsets(after messages: [KafkaConsumedMessage]) -> [KafkaTopicPartition: Int64] {
        var next: [KafkaTopicPartition: Int64] = [:]
        for message in messages {
            let partition = KafkaTopicPartition(topic: message.topic, partition: message.partition)
            next[partition] = max(next[partition] ?? 0, message.offset + 1)
        }
        return next
    }
}
