import ArgumentParser
import Foundation
import Logging
import RecoCore
import RecoKafka
import UnixSignals

struct BrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker",
        abstract: "Run librdkafka's mock Kafka cluster on 127.0.0.1 as the embedded default broker.",
        discussion: "Speaks the real Kafka protocol (producers, consumer groups, commits, kcat). Creates the topics, writes a client properties file the other services read, prints the bootstrap address, and stops on SIGINT or SIGTERM. Data lives in memory only.")

    @Option(help: "Partitions per topic.")
    var partitions = 4

    @Option(help: "Number of mock brokers.")
    var brokers = 1

    @Option(help: "Fixed 127.0.0.1 port to bootstrap from (relayed to the first broker); default: the broker's own port.")
    var port: UInt16?

    @Option(help: "Topics to create (comma-separated); each also gets its '<topic>.dlq' dead-letter topic.")
    var topics = "watch_events"

    @Option(help: "Write a client properties file (bootstrap.servers=…) here.")
    var writeConfig: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (1...64).contains(partitions), (1...9).contains(brokers) else { throw ValidationError("--partitions must be 1...64 and --brokers 1...9") }
    }

    func run() async throws {
        let logger = global.makeLogger(label: "reco.broker")
        let cluster = try KafkaMockCluster(brokers: brokers, logger: logger)
        let names = topics.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for name in names {
            try cluster.createTopic(name, partitions: partitions, replicationFactor: brokers)
            try cluster.createTopic(name + ".dlq", partitions: 1, replicationFactor: brokers)
        }
        var bootstrap = cluster.bootstrapServers
        var relay: BootstrapRelay?
        if let port {
            relay = try BootstrapRelay(port: port, target: cluster.bootstrapServers)
            relay?.start()
            bootstrap = "127.0.0.1:\(port)"
        }
        if let writeConfig {
            let text = """
                # Written by 'reco broker' (\(WatchEvent.timestamp(Date()))): the embedded mock cluster.
                bootstrap.servers=\(bootstrap)

                """
            try FileManager.default.createDirectory(atPath: (writeConfig as NSString).deletingLastPathComponent.isEmpty ? "." : (writeConfig as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try AtomicFile.write(text, to: writeConfig)
        }
        Console.line("bootstrap.servers=\(bootstrap)")
        logger.info("broker ready", metadata: ["broker.bootstrap": "\(bootstrap)", "broker.brokers": "\(brokers)",
                                              "broker.topics": "\(names.flatMap { [$0, $0 + ".dlq"] })", "broker.partitions": "\(partitions)",
                                              "broker.config": "\(writeConfig ?? "-")"])
        for await signal in await UnixSignalsSequence(trapping: .sigint, .sigterm) {
            logger.info("stopping", metadata: ["signal": "\(signal)"])
            break
        }
        relay?.stop()
        withExtendedLifetime(cluster) {}
    }
}
