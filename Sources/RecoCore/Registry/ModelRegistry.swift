import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A directory holding every model version: `<version>.recomodel` and its `<version>.json`
/// (`RegistryEntry`), an append-only `history.jsonl` of promotions and rollbacks
/// (`RegistryEvent`), and `current`, the version served, replaced atomically (write, fsync,
/// rename, fsync of the directory): a process killed at any moment leaves the old pointer or the
/// new one, never a broken one. Promotions, rollbacks and prunes take the registry's lock; each
/// checks everything it needs first and changes nothing when it refuses.
public struct ModelRegistry: Sendable {
    public static let defaultDirectory = "model/registry"

    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public func modelPath(_ version: String) -> String { directory + "/" + version + ".recomodel" }
    public func entryPath(_ version: String) -> String { directory + "/" + version + ".json" }
    public var pointerPath: String { directory + "/current" }
    public var historyPath: String { directory + "/history.jsonl" }

    /// Creates the directory if needed.
    public func create() throws(RegistryError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw RegistryError(.io, "cannot create the registry \(directory): \(error.localizedDescription)")
        }
    }

    // MARK: Reading

    /// The version `current` names, nil when nothing was promoted yet. A pointer to a version the
    /// registry does not hold is an error, not a silent fallback.
    public func currentVersion() throws(RegistryError) -> String? {
        guard FileManager.default.fileExists(atPath: pointerPath) else { return nil }
        guard let text = try? String(contentsOfFile: pointerPath, encoding: .utf8) else {
            throw RegistryError(.io, "cannot read \(pointerPath)")
        }
        let version = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard Self.isVersionName(version) else { throw RegistryError(.corrupt, "\(pointerPath) does not hold a version name") }
        guard FileManager.default.fileExists(atPath: modelPath(version)) else {
            throw RegistryError(.unknownVersion, "\(pointerPath) points to \(version), whose model file \(modelPath(version)) is missing")
        }
        return version
    }

    /// Every version, oldest first (by creation time, then name).
    public func entries() throws(RegistryError) -> [RegistryEntry] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw RegistryError(.io, "cannot list the registry \(directory): \(error.localizedDescription)")
        }
        var entries: [RegistryEntry] = []
        for name in names where name.hasSuffix(".json") {
            entries.append(try entry(String(name.dropLast(".json".count))))
        }
        return entries.sorted { ($0.metadata.createdAt, $0.version) < ($1.metadata.createdAt, $1.version) }
    }

    public func entry(_ version: String) throws(RegistryError) -> RegistryEntry {
        guard Self.isVersionName(version) else { throw RegistryError(.unknownVersion, "'\(version)' is not a version name") }
        guard let data = FileManager.default.contents(atPath: entryPath(version)) else {
            throw RegistryError(.unknownVersion, "version \(version) is not in the registry \(directory)")
        }
        do {
            return try JSONDecoder().decode(RegistryEntry.self, from: data)
        } catch {
            throw RegistryError(.corrupt, "\(entryPath(version)) is not readable: \(error)")
        }
    }

    /// Promotions and rollbacks, oldest first.
    public func history() throws(RegistryError) -> [RegistryEvent] {
        guard let data = FileManager.default.contents(atPath: historyPath) else { return [] }
        var events: [RegistryEvent] = []
        for (index, line) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated() {
            do {
                events.append(try JSONDecoder().decode(RegistryEvent.self, from: Data(line.utf8)))
            } catch {
                throw RegistryError(.corrupt, "\(historyPath):\(index + 1): not a history line (\(error))")
            }
        }
        return events
    }

    // MARK: Changing

    /// Records a model file already written at `modelPath(entry.version)`.
    public func register(_ entry: RegistryEntry) throws(RegistryError) {
        guard Self.isVersionName(entry.version) else { throw RegistryError(.refused, "'\(entry.version)' is not a version name") }
        guard FileManager.default.fileExists(atPath: modelPath(entry.version)) else {
            throw RegistryError(.unknownVersion, "no model file at \(modelPath(entry.version))")
        }
        guard !FileManager.default.fileExists(atPath: entryPath(entry.version)) else {
            throw RegistryError(.duplicate, "version \(entry.version) is already in the registry")
        }
        try write(entry)
    }

    /// Rewrites a version's entry (the gate's decision joins it).
    public func update(_ entry: RegistryEntry) throws(RegistryError) {
        _ = try self.entry(entry.version)
        try write(entry)
    }

    /// Records a gate decision: in the candidate's entry and as a line of the history.
    @discardableResult
    public func record(_ decision: GateDecision, now: Date = Date()) throws(RegistryError) -> RegistryEvent {
        var entry = try entry(decision.candidate)
        entry.gate = decision
        try write(entry)
        let verdict = (decision.passed ? "passed: " : "refused: ") + decision.reasons.joined(separator: "; ")
        let event = RegistryEvent(time: Self.timestamp(now), action: .gate, from: decision.baseline, to: decision.candidate, reason: verdict)
        try append(event)
        return event
    }

    /// Makes `version` current. Refused, with the registry unchanged, when the version is unknown,
    /// its model file does not load, or another change holds the lock.
    @discardableResult
    public func promote(_ version: String, reason: String, now: Date = Date()) throws(RegistryError) -> RegistryEvent {
        let lock = try RegistryLock(directory: directory)
        defer { withExtendedLifetime(lock) {} }
        _ = try entry(version)
        try checkLoads(version)
        let event = RegistryEvent(time: Self.timestamp(now), action: .promote, from: try? currentVersion(), to: version, reason: reason)
        try point(to: version)
        try append(event)
        return event
    }

    /// Makes the version that was current before the current one current again (or `target`).
    @discardableResult
    public func rollback(to target: String? = nil, reason: String, now: Date = Date()) throws(RegistryError) -> RegistryEvent {
        let lock = try RegistryLock(directory: directory)
        defer { withExtendedLifetime(lock) {} }
        guard let current = try currentVersion() else { throw RegistryError(.noCurrent, "nothing is current in \(directory): nothing to roll back") }
        let destination: String
        if let target {
            destination = target
        } else {
            // The version the current one replaced when it was last promoted (rolling back twice
            // walks back along the promotions, it does not swing between two versions).
            guard let previous = try history().last(where: { $0.action == .promote && $0.to == current })?.from else {
                throw RegistryError(.refused, "\(current) replaced no earlier version: give --to VERSION")
            }
            destination = previous
        }
        guard destination != current else { throw RegistryError(.refused, "\(destination) is current already") }
        _ = try entry(destination)
        try checkLoads(destination)
        let event = RegistryEvent(time: Self.timestamp(now), action: .rollback, from: current, to: destination, reason: reason)
        try point(to: destination)
        try append(event)
        return event
    }

    /// Removes all but the `keep` newest versions; `current` and its parent always stay.
    /// Returns the versions removed.
    @discardableResult
    public func prune(keep: Int) throws(RegistryError) -> [String] {
        let lock = try RegistryLock(directory: directory)
        defer { withExtendedLifetime(lock) {} }
        let entries = try entries()
        let current = try currentVersion()
        var kept = Set(entries.suffix(max(keep, 0)).map(\.version))
        if let current {
            kept.insert(current)
            if let parent = entries.first(where: { $0.version == current })?.metadata.parentVersion { kept.insert(parent) }
        }
        var removed: [String] = []
        for entry in entries where !kept.contains(entry.version) {
            // The entry first: a model file without one is not listed, an entry without its file would be.
            guard unlink(entryPath(entry.version)) == 0 else {
                throw RegistryError(.io, "cannot remove \(entryPath(entry.version)): \(String(cString: strerror(errno)))")
            }
            unlink(modelPath(entry.version))
            unlink(directory + "/" + entry.version + ".window.csv")
            removed.append(entry.version)
        }
        // Exported watches that no remaining version learned or will refit from.
        let referenced = Set(entries.filter { kept.contains($0.version) }.flatMap { $0.recipe?.learnedWatchFiles ?? [] })
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for file in files where file.hasPrefix(Self.watchesPrefix) && file.hasSuffix(".csv") && !referenced.contains(directory + "/" + file) {
            unlink(directory + "/" + file)
        }
        return removed
    }

    static let watchesPrefix = "watches-"

    /// Copies an export of watches into the registry, named by its content
    /// (`watches-<checksum>.csv`), and returns the copy's path: the versions that learned it
    /// refer to it, and their children learn it again, long after the export's folder is gone.
    public func keepWatches(from path: String) throws(RegistryError) -> String {
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw RegistryError(.io, "cannot read the watches \(path)")
        }
        var checksum = Checksum64()
        bytes.withUnsafeBytes { checksum.update($0) }
        let hex = String(checksum.value, radix: 16)
        let kept = directory + "/" + Self.watchesPrefix + String(repeating: "0", count: 16 - hex.count) + hex + ".csv"
        guard !FileManager.default.fileExists(atPath: kept) else { return kept }
        do {
            let file = try AtomicFile(path: kept)
            try file.write([UInt8](bytes))
            try file.commit()
        } catch {
            throw RegistryError(.io, "cannot write \(kept): \(error)")
        }
        return kept
    }

    // MARK: Pieces

    /// Versions name files: letters, digits, '-', '_' and '.', not starting with '.'.
    static func isVersionName(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 200 && !text.hasPrefix(".")
            && text.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) && $0.isASCII || "-_.".unicodeScalars.contains($0) }
    }

    public static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    private func checkLoads(_ version: String) throws(RegistryError) {
        do {
            _ = try RecoModel(path: modelPath(version))
        } catch {
            throw RegistryError(.corrupt, "version \(version) does not load: \(error)")
        }
    }

    private func write(_ entry: RegistryEntry) throws(RegistryError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            try AtomicFile.write(String(decoding: try encoder.encode(entry), as: UTF8.self) + "\n", to: entryPath(entry.version))
        } catch {
            throw RegistryError(.io, "cannot write \(entryPath(entry.version)): \(error)")
        }
    }

    private func point(to version: String) throws(RegistryError) {
        do {
            try AtomicFile.write(version + "\n", to: pointerPath)
        } catch {
            throw RegistryError(.io, "cannot replace \(pointerPath): \(error)")
        }
    }

    private func append(_ event: RegistryEvent) throws(RegistryError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(event) else { throw RegistryError(.io, "cannot encode a history line") }
        let line = Array(data) + [UInt8(ascii: "\n")]
        let descriptor = open(historyPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard descriptor >= 0 else { throw RegistryError(.io, "cannot open \(historyPath): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let written = line.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        guard written == line.count, fsync(descriptor) == 0 else {
            throw RegistryError(.io, "cannot append to \(historyPath): \(String(cString: strerror(errno)))")
        }
    }
}
