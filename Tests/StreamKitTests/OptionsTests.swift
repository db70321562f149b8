import ArgumentParser
import CommandOptions
import RecoKafka
import StreamKit
import Testing
import TestSupport

/// The shared option groups: what each service's command line accepts and defaults to.
struct OptionsTests {
    struct Defaults: StreamServiceDefaults {
        static let group = "test-group"
        static let batchSize = 42
    }

    struct Command: ParsableCommand {
        @OptionGroup var kafka: KafkaOptions
        @OptionGroup var consumerGroup: ConsumerGroupOptions<Defaults>
        @OptionGroup var recommendations: RecommendationSourceOptions
        @OptionGroup var monitoring: MonitoringOptions
        @OptionGroup var logging: LoggingOptions
    }

    @Test func fractionsOfSecondsAreKept() throws {
        let command = try Command.parseAsRoot(["--api", "http://127.0.0.1:4000", "--api-timeout", "0.5", "--exit-when-idle", "1.25",
                                               "--stats-interval", "0.2"]) as? Command
        let parsed = try #require(command)
        #expect(parsed.recommendations.apiTimeout == .milliseconds(500))
        #expect(parsed.consumerGroup.exitWhenIdle == .milliseconds(1_250))
        #expect(parsed.monitoring.statsInterval == .milliseconds(200))
    }

    @Test func eachServiceHasItsOwnDefaults() throws {
        let parsed = try #require(try Command.parseAsRoot(["--model", "m.recomodel"]) as? Command)
        #expect(parsed.consumerGroup.group == "test-group")
        #expect(parsed.consumerGroup.batchSize == 42)
        #expect(parsed.consumerGroup.autoOffsetReset == .earliest)
        #expect(parsed.kafka.topic == "watch_events")
        #expect(parsed.recommendations.apiTimeout == .seconds(10))
        #expect(parsed.monitoring.metricsPort == nil)
        #expect(Command.helpMessage().contains("default: test-group"))
    }

    @Test func badValuesAreRefusedWithTheOptionsName() {
        #expect(throws: (any Error).self) { try Command.parseAsRoot(["--model", "m", "--auto-offset-reset", "smallest"]) }
        #expect(throws: (any Error).self) { try Command.parseAsRoot(["--model", "m", "--api-timeout", "-1"]) }
        #expect(throws: (any Error).self) { try Command.parseAsRoot(["--model", "m", "--api", "http://x"]) }
        #expect(throws: (any Error).self) { try Command.parseAsRoot([]) }
        #expect(throws: (any Error).self) { try Command.parseAsRoot(["--model", "m", "--metrics-port", "70000"]) }
        #expect(throws: (any Error).self) { try Command.parseAsRoot(["--model", "m", "--batch-size", "0"]) }
        let message = Command.message(for: ValidationError("x"))
        #expect(!message.isEmpty)
    }

    /// Issue 15 item 3: no bootstrap servers at all (the default file not found) is an error at
    /// once, naming where they were looked for; `--connect-timeout` keeps fractions.
    @Test func missingBootstrapServersAreAnErrorAtOnce() throws {
        let directory = TemporaryDirectory()
        let file = directory.file("empty.properties", "client.id=x\n")
        let parsed = try #require(try Command.parseAsRoot(["--model", "m", "--config", file, "--connect-timeout", "2.5"]) as? Command)
        #expect(parsed.kafka.connectTimeout == .milliseconds(2_500))
        #expect(throws: (any Error).self) { try Command.parseAsRoot(["--model", "m", "--connect-timeout", "0"]) }
        #expect { try parsed.kafka.configuration(logger: quietLogger("options")) } throws: { error in
            "\(error)".contains("no Kafka bootstrap.servers: \(file) does not set it")
        }
    }

    /// Issue 15 item 4: `--instance-id` gives the consumer static membership (group.instance.id);
    /// empty (`--instance-id ""`, as the DAG passes an unset variable) keeps dynamic membership.
    @Test func instanceIdBecomesGroupInstanceId() throws {
        let kafka = KafkaConfiguration(["bootstrap.servers": "127.0.0.1:9092"])
        func effective(_ arguments: [String]) throws -> [String: String] {
            let parsed = try #require(try Command.parseAsRoot(["--model", "m"] + arguments) as? Command)
            let settings = ConsumerGroupService<NoHandler>.Settings(name: "test", kafka: parsed.kafka, group: parsed.consumerGroup,
                                                                  monitoring: parsed.monitoring, deadLetterTopic: "t.dlq")
            return ConsumerGroupService<NoHandler>.clientConfiguration(kafka, settings: settings).properties
        }
        #expect(try effective(["--instance-id", "consumer-1"])["group.instance.id"] == "consumer-1")
        #expect(try effective(["--instance-id", ""])["group.instance.id"] == nil)
        #expect(try effective([])["group.instance.id"] == nil)
        #expect(try effective([])["auto.offset.reset"] == "earliest")
        #expect(throws: (any Error).self) { try Command.parseAsRoot(["--model", "m", "--instance-id", "two words"]) }
    }

    final class NoHandler: BatchHandler {
        func prepare(_ batch: [KafkaConsumedMessage], context: BatchContext) async throws -> BatchResult<Int> {
            BatchResult(pending: 0, deadLetters: [], finishing: batch)
        }
        func write(_ pending: Int, context: BatchContext) async throws -> [DeadLetter] { [] }
    }
}
