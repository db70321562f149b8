import Foundation
import RecoCore
@testable import RecoKafka
import Testing

@Suite struct KafkaConfigurationTests {
    /// The seed's Confluent Cloud `python.config`, placeholders as Confluent ships them.
    static let seedFile = """
        # Required connection configs for Kafka producer, consumer, and admin
        bootstrap.servers=pkc-4r297.europe-west1.gcp.confluent.cloud:9092
        security.protocol=SASL_SSL
        sasl.mechanisms=PLAIN
        sasl.username=ABCDEFGH12345678
        sasl.password=sEcReTvAlUe+/xyz0123456789

        # Best practice for higher availability in librdkafka clients prior to 1.7
        session.timeout.ms=45000

        # Required connection configs for Confluent Cloud Schema Registry
        schema.registry.url=https://psrc-abcde.europe-west3.gcp.confluent.cloud
        basic.auth.credentials.source=USER_INFO
        basic.auth.user.info=SRKEY:SRSECRET
        """

    private func write(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "kafka-\(UUID().uuidString).properties"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func seedFileLoadsAsIsAndDropsSchemaRegistryKeys() throws {
        let configuration = try KafkaConfiguration.load(path: try write(Self.seedFile), environment: [:])
        #expect(configuration.bootstrapServers == "pkc-4r297.europe-west1.gcp.confluent.cloud:9092")
        #expect(configuration.properties["sasl.mechanisms"] == "PLAIN")
        #expect(configuration.properties["session.timeout.ms"] == "45000")
        #expect(configuration.droppedKeys == ["schema.registry.url", "basic.auth.credentials.source", "basic.auth.user.info"])
        #expect(configuration.properties.keys.allSatisfy { !$0.hasPrefix("schema.") && !$0.hasPrefix("basic.") })
        // librdkafka accepts every remaining key, for both kinds of client.
        for kind in [RdKafkaHandle.Kind.producer, .consumer] {
            let conf = try configuration.makeConf(for: kind)
            rd_kafka_conf_destroy_for_tests(conf)
        }
    }

    @Test func secretsNeverAppearInTheDescription() throws {
        let configuration = try KafkaConfiguration.load(path: try write(Self.seedFile), environment: [:])
        let text = configuration.description
        #expect(!text.contains("sEcReTvAlUe"))
        #expect(!text.contains("ABCDEFGH12345678"))
        #expect(text.contains("sasl.password=[redacted]"))
        #expect(text.contains("bootstrap.servers=pkc-4r297"))
    }

    @Test func environmentOverridesTheFile() throws {
        let configuration = try KafkaConfiguration.load(
            path: try write(Self.seedFile),
            environment: ["KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9092", "KAFKA_SASL_PASSWORD": "other", "HOME": "/root"])
        #expect(configuration.bootstrapServers == "127.0.0.1:9092")
        #expect(configuration.properties["sasl.password"] == "other")
        #expect(configuration.properties["home"] == nil)
    }

    @Test func unknownKeysFailWithLibrdkafkasMessage() {
        let configuration = KafkaConfiguration(["bootstrap.servers": "x:1", "no.such.setting": "1"])
        #expect { try configuration.makeConf(for: .producer) } throws: { error in
            (error as? KafkaError)?.message.contains("No such configuration property: \"no.such.setting\"") == true
        }
        let secret = KafkaConfiguration(["sasl.password": "p", "session.timeout.ms": "not a number"])
        #expect { try secret.makeConf(for: .consumer) } throws: { error in
            (error as? KafkaError)?.message.contains("session.timeout.ms") == true
        }
    }

    @Test func propertiesParserReportsLinesAndHandlesCommentsAndColons() throws {
        let file = try PropertiesFile(text: "# c\n! also\n\n a = 1 \nb:2\nc=x=y\r\n")
        #expect(file.values == ["a": "1", "b": "2", "c": "x=y"])
        #expect(file.entries.map(\.line) == [4, 5, 6])
        #expect(throws: InputError.self) { try PropertiesFile(text: "ok=1\njust words\n") }
    }
}

import CRdKafka

func rd_kafka_conf_destroy_for_tests(_ conf: OpaquePointer) {
    rd_kafka_conf_destroy(conf)
}
