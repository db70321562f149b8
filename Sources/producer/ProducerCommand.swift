import ArgumentParser
import Foundation
import Logging
import RecoCore
import RecoKafka
import StreamMetrics
import UnixSignals

@main
struct ProducerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "producer",
        abstract: "Produce \"a customer is watching a movie\" events to a Kafka topic.",
        discussion: """
            Sources: an HTTP URL polled every --interval (the seed's real-time feed: a JSON string holding a pandas split-orient object, or the object itself); 'simulate' (customers weighted by activity and movies by popularity from a prepared data set, at --rate per second); 'replay' with --replay-file (JSON lines of watch_event/v1 or the seed's legacy format).

            Events are watch_event/v1 JSON keyed by customer id, so one customer's events stay in order. The producer is idempotent (enable.idempotence=true), counts delivery reports, and on --count, end of input, SIGINT or SIGTERM flushes before exiting. The exit code is 1 if any message could not be delivered.

            Kafka settings come from --config (a librdkafka properties file such as Confluent's python.config; schema-registry keys are dropped) and KAFKA_* environment variables (KAFKA_BOOTSTRAP_SERVERS=…). Secrets are never logged.
            """)

    @Option(help: "Event source: an http(s) URL, 'simulate' or 'replay'.")
    var source: String

    @Option(help: "Kafka client properties file (default: $KAFKA_CONFIG, else config/kafka.local.properties).")
    var config: String?

    @Option(help: "Topic to produce to (created if missing).")
    var topic = "watch_events"

    @Option(help: "Partitions for the topic when it has to be created.")
    var partitions = 4

    @Option(help: "Seconds between polls of an HTTP feed.")
    var interval = 20.0

    @Option(help: "HTTP feed request timeout in seconds.")
    var timeout = 10.0

    @Option(help: "Simulated events per second (0: as fast as possible).")
    var rate = 100.0

    @Option(help: "Prepared data directory for the simulator.")
    var data = "data/prepared"

    @Option(help: "JSON-lines file for --source replay.")
    var replayFile: String?

    @Option(help: "Stop after this many events (then flush and exit).")
    var count: Int?

    @Option(help: "Seconds between statistics lines.")
    var statsInterval = 10.0

    @Option(help: "Seed of the simulator.")
    var seed: UInt64 = 1

    @Option(help: "Serve Prometheus metrics at http://127.0.0.1:PORT/metrics (off unless given).")
    var metricsPort: Int?

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    func validate() throws {
        guard source == "simulate" || source == "replay" || source.hasPrefix("http://") || source.hasPrefix("https://") else {
            throw ValidationError("--source must be an http(s) URL, 'simulate' or 'replay'")
        }
        if source == "replay" && replayFile == nil { throw ValidationError("--source replay needs --replay-file") }
        guard interval > 0, timeout > 0, statsInterval > 0, rate >= 0, partitions > 0 else {
            throw ValidationError("--interval, --timeout, --stats-interval and --partitions must be positive; --rate ≥ 0")
        }
        if let count, count < 0 { throw ValidationError("--count must be ≥ 0") }
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
        let logger = Logger(label: "producer")
        let environment = ProcessInfo.processInfo.environment
        let (kafka, path) = try KafkaConfiguration.forService(explicitPath: config, environment: environment, logger: logger)
        logger.info("configuration", metadata: ["kafka.config_file": "\(path ?? "-")", "kafka.settings": "\(kafka)"])

        do {
            try await KafkaAdmin.createTopics([(topic, partitions)], configuration: kafka, logger: logger)
        } catch {
            // Some clusters (and the mock) refuse the admin request; producing creates the topic where allowed.
            logger.notice("could not create the topic; producing anyway", metadata: ["kafka.topic": "\(topic)", "kafka.error": "\(error)"])
        }

        let eventSource = try makeSource(logger: logger)
        let metrics = ProducerMetrics()
        let run = ProducerRun(topic: topic, kafka: kafka, source: eventSource, limit: count, statsInterval: .milliseconds(Int64(statsInterval * 1000)),
                              metrics: metrics, logger: logger)
        let metricsEndpoint = MetricsEndpoint.start(registry: metrics.registry, port: metricsPort, logger: logger)
        defer { metricsEndpoint?.cancel() }
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        let outcome = try await withThrowingTaskGroup(of: ProducerRun.Outcome?.self) { group in
            group.addTask { try await run.run() }
            group.addTask {
                for await signal in signals {
                    logger.info("stopping on signal", metadata: ["signal": "\(signal)"])
                    run.requestStop()
                    break
                }
                return nil
            }
            var result: ProducerRun.Outcome?
            for try await value in group {
                if let value {
                    result = value
                    group.cancelAll()
                }
            }
            return result
        }
        await eventSource.shutdown()
        guard let outcome else { return }
        print(outcome.summary)
        if outcome.failed > 0 || outcome.undelivered > 0 { throw ExitCode(1) }
    }

    private func makeSource(logger: Logger) throws -> any EventSource {
        switch source {
        case "simulate":
            let dataset = try RatingsStore.load(path: (data as NSString).appendingPathComponent(DataPreparer.ratingsFile))
            let moviesPath = (data as NSString).appendingPathComponent(DataPreparer.moviesFile)
            let catalog = FileManager.default.fileExists(atPath: moviesPath) ? try MovieCatalog.load(path: moviesPath) : MovieCatalog()
            return SimulatedSource(simulator: WatchEventSimulator(dataset: dataset, catalog: catalog, seed: seed), rate: rate)
        case "replay":
            return try ReplaySource(path: replayFile ?? "", logger: logger)
        default:
            return FeedSource(url: source, interval: .milliseconds(Int64(interval * 1000)), timeout: .milliseconds(Int64(timeout * 1000)), logger: logger)
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
