import Foundation
import Logging
import RecoArchive
import RecoCore
import RecoKafka
import RecoKafkaMock
import Testing
import TestSupport

/// The archiver as a real process against the Kafka mock cluster, killed with SIGKILL in the
/// middle of the stream and started again: every event must be in exactly one object, the
/// objects must be those an uninterrupted run writes, and the archive holds the whole day (the
/// open objects are written at the drain, and on schedule while it runs).
@Suite(.serialized) struct ArchiverProcessTests {
    static let root = Repository.root

    private var logger: Logger {
        var logger = Logger(label: "archiver-test")
        logger.logLevel = .error
        return logger
    }

    /// A mock cluster whose topic holds `events` JSON events and a few bad records.
    final class Scenario: Sendable {
        let cluster: KafkaMockCluster
        let topic: String
        let configPath: String
        let directory: String
        let events: Int

        init(events: Int, logger: Logger) async throws {
            cluster = try KafkaMockCluster(brokers: 1, logger: logger)
            topic = "arch-\(UUID().uuidString.prefix(8).lowercased())"
            try cluster.createTopic(topic, partitions: 3)
            try cluster.createTopic(topic + ".archive-dlq", partitions: 1)
            self.events = events
            directory = NSTemporaryDirectory() + "archiver-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            configPath = directory + "/kafka.properties"
            try "bootstrap.servers=\(cluster.bootstrapServers)\nsession.timeout.ms=6000\nheartbeat.interval.ms=500\n"
                .write(toFile: configPath, atomically: true, encoding: .utf8)
        }

        /// Produces events `range` (a bad record after every thousandth).
        func produce(_ range: Range<Int>, logger: Logger) async throws {
            let producer = try KafkaProducer(configuration: KafkaConfiguration(["bootstrap.servers": cluster.bootstrapServers]), logger: logger)
            for index in range {
                let event = WatchEvent(eventId: "ev-\(index)", customerId: UInt32(index % 97), movieId: UInt32(1 + index % 50),
                                       title: nil, year: nil, watchedAt: "2026-11-25T18:00:00Z", source: "test")
                try await producer.send(KafkaOutgoingMessage(topic: topic, key: event.keyBytes, value: event.jsonBytes()))
                if index % 1000 == 999 {
                    try await producer.send(KafkaOutgoingMessage(topic: topic, key: event.keyBytes, value: Array("not json \(index)".utf8)))
                }
            }
            _ = await producer.flush(timeout: .seconds(30))
        }
    }

    /// `idle`: seconds without records before it drains and exits (a run about to be killed gets
    /// long enough never to drain first: draining writes the open objects early).
    private func archiver(_ scenario: Scenario, target: [String], environment: [String: String] = [:], idle: Int = 8,
                          extra: [String] = []) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.root + "/.build/debug/archiver")
        process.arguments = ["--topic", scenario.topic, "--config", scenario.configPath, "--flush-size", "250",
                             "--rotate-interval-ms", "0", "--exit-when-idle", String(idle), "--log-level", "info"] + target + extra
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        // Each run's log is kept next to the scenario's files for a failing test.
        let log = scenario.directory + "/archiver-\(UUID().uuidString.prefix(6)).log"
        FileManager.default.createFile(atPath: log, contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try process.run()
        return process
    }

    private func waitForExit(_ process: Process, seconds: Int) async throws {
        for _ in 0..<(seconds * 10) where process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        if process.isRunning {
            process.terminate()
            Issue.record("archiver still running after \(seconds) s")
        }
    }

    /// Produces the events in `kills + 1` parts; after each part but the last, kills the archiver
    /// while it is writing that part's objects, and starts it again.
    private func runKilled(_ scenario: Scenario, target: [String], environment: [String: String] = [:], kills: Int,
                           objects: @escaping @Sendable () async throws -> Int) async throws {
        let part = scenario.events / (kills + 1)
        var process = try archiver(scenario, target: target, environment: environment, idle: kills > 0 ? 120 : 8)
        var atKills: [Int] = []
        for round in 0..<kills {
            let before = try await objects()
            try await scenario.produce(round * part..<(round + 1) * part, logger: logger)
            // Some of this part's objects are written, not all (a restarted member first waits for
            // the dead one's session to expire).
            for _ in 0..<1500 where try await objects() < before + 10 { try await Task.sleep(for: .milliseconds(10)) }
            kill(process.processIdentifier, SIGKILL)
            await process.exited()
            atKills.append(try await objects())
            process = try archiver(scenario, target: target, environment: environment, idle: round + 1 < kills ? 120 : 8)
        }
        try await scenario.produce(kills * part..<scenario.events, logger: logger)
        try await waitForExit(process, seconds: 120)
        #expect(process.terminationStatus == 0)
        // Each kill landed while its part was being archived, not after it.
        for (round, count) in atKills.enumerated() {
            #expect(count < (round + 1) * part / 250, "objects at the kills \(atKills)")
        }
    }

    /// Every event id once across all objects, each object named by its first record's offset;
    /// objects are full (250) but for those written early (`partial` per partition at most: the
    /// drain's, or also the schedule's).
    private func check(_ scenario: Scenario, keys: [String], events: Int? = nil, partial: Int = 1,
                       read: (String) async throws -> [UInt8]) async throws {
        var seen: [String: Int] = [:]
        var short: [String: Int] = [:]
        var partitions = Set<String>()
        for key in keys {
            let name = try #require(key.split(separator: "/").last)
            let parts = name.dropLast(".json".count).split(separator: "+")
            #expect(parts.count == 3 && parts[0] == scenario.topic && parts[2].count == 10, "bad key \(key)")
            let lines = String(decoding: try await read(key), as: UTF8.self).split(separator: "\n")
            #expect((1...250).contains(lines.count), "\(key) has \(lines.count) lines")
            let partition = parts.count > 1 ? String(parts[1]) : ""
            partitions.insert(partition)
            if lines.count < 250 { short[partition, default: 0] += 1 }
            for line in lines {
                let id = try #require(try JSONParser.parse(Array(line.utf8))["event_id"]?.string)
                seen[id, default: 0] += 1
            }
        }
        #expect(partitions.count == 3)
        #expect(seen.values.allSatisfy { $0 == 1 }, "an event is in more than one object")
        #expect(short.values.allSatisfy { $0 <= partial }, "objects written early: \(short)")
        // The whole day: the open objects were written when the archiver drained.
        #expect(seen.count == events ?? scenario.events)
    }

    /// Issue 26 item 4: an object that stays open (fewer than --flush-size records and nothing
    /// more coming) is written once it has been open --rotate-schedule-interval-ms, while the
    /// archiver runs; SIGTERM writes what is open then, and exits 0.
    @Test func openObjectsAreWrittenOnScheduleAndAtTheDrain() async throws {
        let scenario = try await Scenario(events: 1_000, logger: logger)
        let root = scenario.directory + "/archive"
        let target = DirectoryTarget(root: root)
        let archived = { @Sendable () async throws -> Int in
            var lines = 0
            for key in try await target.list(prefix: "topics/") {
                lines += String(decoding: try Data(contentsOf: URL(fileURLWithPath: root + "/" + key)), as: UTF8.self).split(separator: "\n").count
            }
            return lines
        }
        let process = try archiver(scenario, target: ["--directory", root], idle: 120, extra: ["--rotate-schedule-interval-ms", "1000"])
        // About 233 events a partition: no object fills up, so only the schedule can write them.
        try await scenario.produce(0..<700, logger: logger)
        for _ in 0..<300 where try await archived() < 700 { try await Task.sleep(for: .milliseconds(100)) }
        #expect(try await archived() == 700, "written on schedule while the archiver runs")
        #expect(process.isRunning)
        try await scenario.produce(700..<1_000, logger: logger)
        for _ in 0..<300 where try await archived() < 1_000 { try await Task.sleep(for: .milliseconds(100)) }
        process.terminate()
        try await waitForExit(process, seconds: 30)
        #expect(process.terminationStatus == 0)
        let keys = try await target.list(prefix: "topics/\(scenario.topic)/")
        try await check(scenario, keys: keys, partial: 3) { key in Array(try Data(contentsOf: URL(fileURLWithPath: root + "/" + key))) }
    }

    @Test func directoryArchiveSurvivesKillNine() async throws {
        let scenario = try await Scenario(events: 30_000, logger: logger)
        let root = scenario.directory + "/archive"
        let target = DirectoryTarget(root: root)
        try await runKilled(scenario, target: ["--directory", root], kills: 3) {
            (try? await target.list(prefix: "topics/").count) ?? 0
        }
        let keys = try await target.list(prefix: "topics/\(scenario.topic)/")
        try await check(scenario, keys: keys) { key in Array(try Data(contentsOf: URL(fileURLWithPath: root + "/" + key))) }
        // No temporary file of an interrupted write is left visible as an object.
        #expect(keys.allSatisfy { $0.hasSuffix(".json") })
    }

    @Test(.enabled(if: ArchiveTargetTests.s3Enabled))
    func s3ArchiveSurvivesKillNine() async throws {
        let scenario = try await Scenario(events: 20_000, logger: logger)
        let bucket = "reco-archive-\(UUID().uuidString.prefix(8).lowercased())"
        let client = try ArchiveTargetTests.client(bucket: bucket)
        let endpoint = try #require(ArchiveTargetTests.s3Endpoint)
        try await runKilled(scenario, target: ["--s3-bucket", bucket, "--s3-endpoint", endpoint, "--s3-path-style", "--s3-create-bucket"],
                            environment: ["AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1"],
                            kills: 2) {
            (try? await client.listObjects(prefix: "topics/").count) ?? 0
        }
        let keys = try await client.listObjects(prefix: "topics/\(scenario.topic)/")
        try await check(scenario, keys: keys) { key in try await client.getObject(key: key) }
    }
}
