import ArgumentParser
import Foundation
import Logging
import RecoCore
import RecoKafka
import RecoKafkaMock
import UnixSignals

struct BrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker",
        abstract: "Run librdkafka's mock Kafka cluster on 127.0.0.1 as the embedded default broker.",
        discussion: "Speaks the real Kafka protocol (producers, consumer groups, commits, kcat). Listens on one 127.0.0.1 port per broker and nothing else (--port sets them). Creates the topics, writes a client properties file the other services read, prints the bootstrap address, and stops on SIGINT or SIGTERM. Data lives in memory only.")

    @Option(help: "Partitions per topic.")
    var partitions = 4

    @Option(help: "Number of mock brokers.")
    var brokers = 1

    @Option(help: ArgumentHelp(
        "127.0.0.1 port of the first broker, the next brokers on the ports after it; or one port per broker, comma-separated. These are the only ports the cluster listens on and the ones it advertises.",
        discussion: "Default: ports the OS picks, printed and written to --write-config.", valueName: "port[,port…]"))
    var port: String?

    @Option(help: "Topics to create (comma-separated); each also gets its '<topic>.dlq' dead-letter topic.")
    var topics = "watch_events"

    @Option(help: "Write a client properties file (bootstrap.servers=…) here.")
    var writeConfig: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (1...64).contains(partitions), (1...9).contains(brokers) else { throw ValidationError("--partitions must be 1...64 and --brokers 1...9") }
        _ = try brokerPorts()
    }

    /// The port of each broker: `--port` as given, or consecutive ports from a single one.
    func brokerPorts() throws -> [UInt16] {
        guard let port else { return [] }
        let given = port.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let ports = try given.map { text in
            guard let value = UInt16(text), value > 0 else { throw ValidationError("--port: '\(text)' is not a port (1...65535)") }
            return value
        }
        if ports.count == 1 {
            guard Int(ports[0]) + brokers - 1 <= Int(UInt16.max) else { throw ValidationError("--port: \(brokers) brokers from \(ports[0]) go past port 65535") }
            return (0..<brokers).map { ports[0] + UInt16($0) }
        }
        guard ports.count == brokers else { throw ValidationError("--port: \(ports.count) ports for \(brokers) brokers; give one, or one per broker") }
        guard Set(ports).count == ports.count else { throw ValidationError("--port: a port is given twice") }
        return ports
    }

    func run() async throws {
        let logger = global.makeLogger(label: "reco.broker")
        let cluster = try KafkaMockCluster(brokers: brokers, ports: try brokerPorts(), logger: logger)
        let names = topics.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for name in names {
            try cluster.createTopic(name, partitions: partitions, replicationFactor: brokers)
            try cluster.createTopic(name + ".dlq", partitions: 1, replicationFactor: brokers)
        }
        let bootstrap = cluster.bootstrapServers
        if let writeConfig {
            let text = """
                # Written by 'reco broker' (\(WatchEvent.timestamp(Date()))): the embedded mock cluster.
                bootstrap.servers=\(bootstrap)
                # Consumer groups notice a member that died (kill -9) within 10 s instead of librdkafka's
                # 45 s, so a restarted service resumes that soon (the mock ignores group.instance.id).
                session.timeout.ms=10000
                heartbeat.interval.ms=1000

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
        withExtendedLifetime(cluster) {}
    }
}
