import Foundation
import RecoCore
import Testing
import TestSupport

/// What `dags/daily_dag.yaml` needs for one day, as an operator sets it up: synthetic ratings,
/// prepared data, a registry whose first version serves, the embedded broker, a local webhook that
/// answers 503 to each notification's first attempt, and the DAG's environment. The broker and
/// the webhook end with the bed.
final class DailyDagBed {
    static let root = Repository.root
    static let bin = root + "/.build/debug"

    let work: String
    let topic: String
    let registry: ModelRegistry
    let firstVersion: String
    let environment: [String: String]
    private let broker: Process

    init(database: String, name: String = "daily-dag") async throws {
        work = NSTemporaryDirectory() + "\(name)-\(UUID().uuidString.prefix(8))"
        topic = "daily_\(UUID().uuidString.prefix(8).lowercased())"
        let bin = Self.bin
        try await Shell.run("\(bin)/reco synth --ratings 20000 --customers 1000 --movies 300 --seed 3 --output \(work)/raw --no-progress")
        try await Shell.run("\(bin)/reco prepare \(work)/raw --no-trim --output \(work)/prepared --no-progress")
        // The registry's first version, promoted by hand as an operator would.
        try await Shell.run("\(bin)/reco train --registry \(work)/registry --promote --data \(work)/prepared --factors 8 --epochs 5 --ranker ease --no-progress")
        registry = ModelRegistry(directory: "\(work)/registry")
        firstVersion = try #require(try registry.currentVersion())

        broker = Process()
        broker.executableURL = URL(fileURLWithPath: "\(bin)/reco")
        broker.arguments = ["broker", "--port", String(freePort()), "--partitions", "4", "--topics", topic,
                            "--write-config", "\(work)/kafka.properties", "--log-level", "warning"]
        broker.standardOutput = FileHandle.nullDevice
        broker.standardError = FileHandle.nullDevice
        try broker.run()
        for _ in 0..<100 where !FileManager.default.fileExists(atPath: "\(work)/kafka.properties") { try await Task.sleep(for: .milliseconds(100)) }

        let hookPort = freePort()
        // Started in the background by system(): Foundation's waitUntilExit hangs on a shell whose child lives on.
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let started = system("python3 \(Self.root)/scripts/lib/webhook_sink.py --port \(hookPort) --output \(work)/notifications.jsonl "
                             + "--fail-first 1 </dev/null >\(work)/sink.log 2>&1 & echo $! >\(work)/sink.pid")
        #expect(started == 0)

        environment = [
            "RECO_BIN": bin, "RECO_REGISTRY": "\(work)/registry", "RECO_DATA": "\(work)/prepared", "RECO_CATALOG": "\(work)/prepared/movies.csv",
            "RECO_TRAIN_OPTIONS": "--factors 8 --epochs 5 --ranker ease", "RECO_GATE_OPTIONS": "--tolerance 1", "KAFKA_CONFIG": "\(work)/kafka.properties",
            "DATABASE_URL": database, "RECO_EVENTS": "300", "RECO_RATE": "1000", "RECO_IDLE_SECONDS": "3", "RECO_TOPIC": topic,
            "RECO_GROUP": "group-\(topic)", "RECO_API_PORT": String(freePort()),
            "RECO_ARCHIVE_TARGET": "--directory \(work)/archive", "RECO_ARCHIVE_FLUSH_SIZE": "25",
            "RECO_WEBHOOK_URL": "http://127.0.0.1:\(hookPort)/hooks/catch/1/secret-token/",
        ]
    }

    deinit {
        // Signalled here, reaped off the pool: a deinit cannot wait.
        broker.terminate()
        let broker = self.broker
        Thread { broker.waitUntilExit() }.start()
        if let pid = Int32(((try? String(contentsOfFile: "\(work)/sink.pid", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)) {
            kill(pid, SIGKILL)
        }
    }

    /// `reco audit` of the bed's topic with its archive, as JSON partitions, once it exited 0.
    func audit(database: String) async throws -> [JSONValue] {
        let output = try await Shell.output("\(Self.bin)/reco audit --config \(work)/kafka.properties --database-url '\(database)' --topic \(topic) "
                                            + "--archive \(work)/archive --log-level error --json; echo exit=$?")
        #expect(output.hasSuffix("exit=0\n"), "\(output)")
        return try JSONParser.parse(Array((output.components(separatedBy: "exit=").first ?? "").utf8)).array ?? []
    }

    /// The stored events of the bed's topic as "customer:movie" lines, sorted (what was watched,
    /// the same for the same producer seed whoever ran the DAG).
    func storedWatches(database: String) async throws -> [String] {
        let output = try await Shell.output("psql '\(database)' -X -qtA -c \"SELECT customer_id || ':' || movie_id FROM watch_events WHERE topic = '\(topic)' ORDER BY 1\"")
        return output.split(separator: "\n").map(String.init)
    }
}
