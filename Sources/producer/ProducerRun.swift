import Foundation
import Logging
import RecoCore
import RecoKafka
import Synchronization

/// Moves events from a source to Kafka until the source ends, the count is reached or a stop
/// is requested; then flushes and reports what was delivered.
final class ProducerRun: Sendable {
    struct Outcome: Sendable {
        var produced: Int
        var delivered: Int
        var failed: Int
        var undelivered: Int
        var seconds: Double

        var summary: String {
            let rate = seconds > 0 ? Double(delivered) / seconds : 0
            return "produced \(produced), delivered \(delivered), failed \(failed), undelivered \(undelivered) in \(Decimals.format(seconds, places: 2)) s (\(Decimals.format(rate, places: 0)) events/s)"
        }
    }

    let topic: String
    let kafka: KafkaConfiguration
    let source: any EventSource
    let limit: Int?
    let statsInterval: Duration
    let metrics: ProducerMetrics?
    let logger: Logger
    private let stopRequested = Atomic<Bool>(false)

    init(topic: String, kafka: KafkaConfiguration, source: any EventSource, limit: Int?, statsInterval: Duration,
         metrics: ProducerMetrics? = nil, logger: Logger) {
        self.topic = topic
        self.kafka = kafka
        self.source = source
        self.limit = limit
        self.statsInterval = statsInterval
        self.metrics = metrics
        self.logger = logger
    }

    func requestStop() {
        stopRequested.store(true, ordering: .releasing)
    }

    func run() async throws -> Outcome {
        let logger = self.logger
        let metrics = self.metrics
        let producer = try KafkaProducer(configuration: kafka, logger: logger) { report in
            metrics?.delivery(succeeded: report.error == nil)
            if let error = report.error {
                logger.error("delivery failed", metadata: ["kafka.topic": "\(report.topic)", "kafka.error": "\(error)"])
            }
        }
        // Know the topic's leaders before the first event, so early events do not wait on
        // librdkafka's topic scan; a cluster that cannot be reached is only logged here, since
        // send() keeps retrying until message.timeout.ms.
        do {
            let partitions = try await producer.prepare(topic: topic, timeout: .seconds(10))
            logger.info("topic ready", metadata: ["kafka.topic": "\(topic)", "kafka.partitions": "\(partitions)"])
        } catch {
            logger.warning("topic metadata not available yet", metadata: ["kafka.topic": "\(topic)", "kafka.error": "\(error)"])
        }
        let started = ContinuousClock.now
        var lastStats = started
        var lastDelivered = 0
        var produced = 0
        loop: while !stopRequested.load(ordering: .acquiring) {
            if let limit, produced >= limit { break }
            guard let batch = try await source.nextBatch() else { break }
            for event in batch {
                if let limit, produced >= limit { break loop }
                if stopRequested.load(ordering: .acquiring) { break loop }
                try await producer.send(KafkaOutgoingMessage(topic: topic, key: event.keyBytes, value: event.jsonBytes()))
                produced += 1
                metrics?.produced()
            }
            let now = ContinuousClock.now
            if now - lastStats >= statsInterval {
                let statistics = producer.statistics
                metrics?.outstanding(producer.outstanding)
                let rate = Double(statistics.delivered - lastDelivered) / (now - lastStats).seconds
                logger.info("stats", metadata: ["producer.produced": "\(produced)", "producer.delivered": "\(statistics.delivered)",
                                                "producer.failed": "\(statistics.failed)", "producer.rate_per_s": "\(Int(rate))"])
                lastStats = now
                lastDelivered = statistics.delivered
            }
        }
        let undelivered = await producer.flush(timeout: .seconds(30))
        let statistics = producer.statistics
        return Outcome(produced: produced, delivered: statistics.delivered, failed: statistics.failed, undelivered: undelivered,
                       seconds: (ContinuousClock.now - started).seconds)
    }
}
