import ArgumentParser
@testable import producer
import Testing

/// The producer is a thin command: its options and exit codes (the sources and the loop are
/// StreamKit's, tested there).
@Suite struct ProducerCommandTests {
    @Test func defaultsAndASimulatedSource() throws {
        let command = try ProducerCommand.parse(["--source", "simulate", "--count", "50"])
        #expect(command.events.source == "simulate" && command.count == 50 && command.partitions == 4)
        #expect(command.kafka.topic == "watch_events")
        #expect(command.events.interval == .seconds(20) && command.events.rate == 100)
    }

    @Test(arguments: [
        (["--count", "5"], "Missing expected argument '--source <source>'"),
        (["--source", "ftp://feed.example/x"], "--source must be an http(s) URL with a host, 'simulate' or 'replay'"),
        (["--source", "replay"], "--source replay needs --replay-file"),
        (["--source", "simulate", "--partitions", "0"], "--partitions must be positive"),
        (["--source", "simulate", "--count=-1"], "--count must be ≥ 0"),
        (["--source", "simulate", "--rate=-3"], "--interval and --timeout must be positive; --rate ≥ 0"),
    ])
    func badOptionsAreUsageErrorsThatSayWhy(arguments: [String], message: String) {
        do {
            _ = try ProducerCommand.parse(arguments)
            Issue.record("\(arguments) parsed")
        } catch {
            #expect(ProducerCommand.exitCode(for: error) == .validationFailure)
            #expect(ProducerCommand.message(for: error).contains(message), "\(ProducerCommand.message(for: error))")
        }
    }

    @Test func aFeedURLWithCredentialsIsNeverEchoedInAnError() {
        do {
            _ = try ProducerCommand.parse(["--source", "gopher://user:s3cr3t@feed.example/x"])
        } catch {
            #expect(!ProducerCommand.message(for: error).contains("s3cr3t"))
        }
    }
}
