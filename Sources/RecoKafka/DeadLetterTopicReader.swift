import Logging

/// Reads a dead-letter topic from its start to its end as the brokers hold it now (`reco audit`),
/// in a group of its own that never commits, and returns where each dead letter came from:
/// source partition → source offset → reason (the headers `DeadLetter` writes).
public struct DeadLetterTopicReader: Sendable {
    public let configuration: KafkaConfiguration
    public let logger: Logger

    public init(configuration: KafkaConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    public struct Unreadable: Error, CustomStringConvertible {
        public var topic: String
        public var reason: String
        public var description: String { "could not read the dead-letter topic \(topic): \(reason)" }
    }

    /// Dead letters of `source` in `topic`; nil when the topic does not exist. Throws when the
    /// topic's end is not reached within `timeout`.
    public func read(topic: String, source: String, timeout: Duration) async throws -> [Int32: [Int64: String]]? {
        var settings = configuration
        settings.set("enable.auto.commit", "false")
        settings.set("auto.offset.reset", "earliest")
        let consumer = try KafkaConsumer(configuration: settings, groupId: "reco-audit-dead-letters-\(UInt64.random(in: 0...UInt64.max))",
                                         topics: [topic], logger: logger)
        do {
            let entries = try await read(consumer, topic: topic, source: source, timeout: timeout)
            await consumer.close()
            return entries
        } catch {
            await consumer.close()
            throw error
        }
    }

    private func read(_ consumer: KafkaConsumer, topic: String, source: String, timeout: Duration) async throws -> [Int32: [Int64: String]]? {
        let partitions: [Int32]
        do {
            partitions = try await consumer.partitions(of: topic, timeout: .seconds(10))
        } catch {
            return nil
        }
        let wanted = Set(partitions.map { KafkaTopicPartition(topic: topic, partition: $0) })
        let ranges = await consumer.logRanges(of: wanted, timeout: .seconds(10))
        guard ranges.count == wanted.count else { throw Unreadable(topic: topic, reason: "the brokers did not say where its partitions end") }
        // Next offset still to read per partition; empty partitions are done at once.
        var remaining = ranges.filter { $0.value.upperBound > $0.value.lowerBound }.mapValues(\.upperBound)
        var entries: [Int32: [Int64: String]] = [:]
        let deadline = ContinuousClock.now + timeout
        while !remaining.isEmpty {
            guard ContinuousClock.now < deadline else {
                throw Unreadable(topic: topic, reason: "its end was not reached in \(timeout) (\(remaining.count) partitions left)")
            }
            for message in try await consumer.poll(maximum: 1_000, timeout: .milliseconds(200)) {
                let partition = KafkaTopicPartition(topic: message.topic, partition: message.partition)
                if let end = remaining[partition], message.offset + 1 >= end { remaining[partition] = nil }
                guard message.header("source.topic") == source, let from = message.header("source.partition").flatMap(Int32.init),
                      let offset = message.header("source.offset").flatMap(Int64.init) else { continue }
                entries[from, default: [:]][offset] = message.header("error.reason") ?? ""
            }
        }
        return entries
    }
}
