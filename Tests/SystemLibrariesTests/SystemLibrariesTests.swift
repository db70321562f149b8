import CLibPQ
import CRdKafka
import Testing

/// The set-up installed the C libraries and the system-library targets link against them.
@Suite struct SystemLibrariesTests {
    @Test func librdkafkaIsAtLeastVersion2() {
        #expect(rd_kafka_version() >= 0x0200_0000)
    }

    @Test func libpqIsAtLeastVersion15() {
        #expect(PQlibVersion() >= 150_000)
    }
}
