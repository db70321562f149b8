import Foundation

/// Where runs live: `<root>/<dag_id>/<run_id>/` holds `state.json` and per-task logs; a lock file
/// per DAG allows one active run at a time.
public struct RunStore: Sendable {
    public let root: String

    public init(root: String) {
        self.root = root
    }

    public func dagDirectory(_ dagId: String) -> String { (root as NSString).appendingPathComponent(dagId) }

    public func runDirectory(_ dagId: String, _ runId: String) -> String { (dagDirectory(dagId) as NSString).appendingPathComponent(runId) }

    public func stateFile(_ dagId: String, _ runId: String) -> String { (runDirectory(dagId, runId) as NSString).appendingPathComponent("state.json") }

    /// `runs/<dag>/<run>/<task>/attempt=<n>.log`
    public func taskLog(_ dagId: String, _ runId: String, task: String, attempt: Int) -> String {
        "\(runDirectory(dagId, runId))/\(task)/attempt=\(attempt).log"
    }

    public func serviceLog(_ dagId: String, _ runId: String, task: String, service: String, attempt: Int) -> String {
        "\(runDirectory(dagId, runId))/\(task)/\(service).attempt=\(attempt).log"
    }

    /// Sortable, readable and unique enough for one machine: `2026-11-25T21-40-05Z-1a2b`.
    public static func newRunId(now: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH-mm-ss'Z'"
        return formatter.string(from: now) + "-" + String(UInt16.random(in: 0...UInt16.max), radix: 16)
    }

    /// Takes the DAG's lock (flock, released when the process ends, even by kill -9); nil when
    /// another run holds it.
    public func lock(_ dagId: String) throws -> Int32? {
        try FileManager.default.createDirectory(atPath: dagDirectory(dagId), withIntermediateDirectories: true)
        let descriptor = open((dagDirectory(dagId) as NSString).appendingPathComponent(".lock"), O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            return nil
        }
        return descriptor
    }

    /// Read-modify-write of a run's state file under the run's own lock (flock), for runs whose
    /// tasks are separate processes (`dagrun task` under a scheduler): `create` makes the record
    /// when the run has none yet.
    public func updateRun(_ dagId: String, _ runId: String, create: () -> RunRecord, _ change: (inout RunRecord) -> Void) throws {
        let directory = runDirectory(dagId, runId)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let descriptor = open((directory as NSString).appendingPathComponent(".lock"), O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var record = (try? load(stateFile(dagId, runId))) ?? create()
        change(&record)
        try save(record)
    }

    public func save(_ record: RunRecord) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Self.timestamp(date))
        }
        let path = stateFile(record.dagId, record.runId)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        // Write then rename: a reader never sees half a file.
        let temporary = path + ".tmp"
        try encoder.encode(record).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }

    public func load(_ path: String) throws -> RunRecord {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = Self.date(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an RFC 3339 time: \(text)"))
            }
            return date
        }
        return try decoder.decode(RunRecord.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// RFC 3339 with milliseconds, so durations read back from the file are exact.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    /// Runs of one DAG (or all), newest first.
    public func runs(dagId: String? = nil) -> [RunRecord] {
        let manager = FileManager.default
        let dags = dagId.map { [$0] } ?? ((try? manager.contentsOfDirectory(atPath: root)) ?? [])
        var records: [RunRecord] = []
        for dag in dags {
            for run in (try? manager.contentsOfDirectory(atPath: dagDirectory(dag))) ?? [] {
                if var record = try? load(stateFile(dag, run)) {
                    // A scheduler's run has no runner process of its own to watch.
                    if record.state == .running, record.scheduler == nil, kill(record.pid, 0) != 0, errno == ESRCH {
                        record.state = .failed
                        record.runnerDied = true
                    }
                    records.append(record)
                }
            }
        }
        return records.sorted { $0.startedAt > $1.startedAt }
    }
}
