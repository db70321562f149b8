/// One row of `dead_letters`: a Kafka message the consumer sent to its dead-letter topic, kept
/// in PostgreSQL too so that dashboards can count and list them.
public struct DeadLetterRow: Sendable, Equatable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var deadLetterTopic: String
    /// A stable code (`not_json`, `missing_field`, …).
    public var reason: String
    public var error: String

    public init(topic: String, partition: Int32, offset: Int64, deadLetterTopic: String, reason: String, error: String) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.deadLetterTopic = deadLetterTopic
        self.reason = reason
        self.error = error
    }
}
