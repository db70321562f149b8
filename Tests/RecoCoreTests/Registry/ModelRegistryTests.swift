import Foundation
@testable import RecoCore
import Testing
import TestSupport

/// The registry: versions, an atomic `current`, the history, the lock, and refusals that leave
/// everything as it was.
@Suite struct ModelRegistryTests {
    let directory = TemporaryDirectory()
    var registry: ModelRegistry { ModelRegistry(directory: directory.path + "/registry") }

    /// A small model written straight into the registry as `version`.
    private func add(_ version: String, parent: String? = nil, createdAt: String) throws {
        try registry.create()
        var table = RatingsTable()
        var random = SplitMix64(seed: 7)
        for customer in 1...20 {
            for movie in 1...15 where random.nextUnit() < 0.5 {
                table.append(customer: UInt32(customer), movie: UInt32(movie), halfStars: UInt8(2 + random.next(below: 9)), day: 0)
            }
        }
        var parameters = TrainingParameters()
        parameters.factors = 4
        parameters.epochs = 2
        let job = TrainingJob(dataset: RatingsDataset(table, scale: .netflix), parameters: parameters)
        let metadata = try job.write(try job.run(), to: registry.modelPath(version), version: version) { metadata in
            metadata.parentVersion = parent
            metadata.createdAt = createdAt
        }
        try registry.register(RegistryEntry(metadata: metadata, createdBy: "test", addedAt: createdAt))
    }

    @Test func promoteRollbackAndTheHistory() throws {
        try add("v1", createdAt: "2026-12-01T00:00:00Z")
        try add("v2", parent: "v1", createdAt: "2026-12-02T00:00:00Z")
        try add("v3", parent: "v2", createdAt: "2026-12-03T00:00:00Z")
        #expect(try registry.currentVersion() == nil)
        #expect(try registry.entries().map(\.version) == ["v1", "v2", "v3"])
        try registry.promote("v1", reason: "first")
        try registry.promote("v2", reason: "gated")
        try registry.promote("v3", reason: "gated")
        #expect(try registry.currentVersion() == "v3")
        let back = try registry.rollback(reason: "bad day")
        #expect(back.from == "v3" && back.to == "v2" && back.action == .rollback)
        #expect(try registry.currentVersion() == "v2")
        // The version v2 replaced: v1.
        #expect(try registry.rollback(reason: "again").to == "v1")
        #expect(try registry.rollback(to: "v3", reason: "forward").to == "v3")
        let history = try registry.history()
        #expect(history.map(\.action) == [.promote, .promote, .promote, .rollback, .rollback, .rollback])
        #expect(history.map(\.to) == ["v1", "v2", "v3", "v2", "v1", "v3"])
        #expect(history.first?.from == nil && history[1].from == "v1")
    }

    @Test func refusalsLeaveTheRegistryUnchanged() throws {
        try add("v1", createdAt: "2026-12-01T00:00:00Z")
        try add("v2", createdAt: "2026-12-02T00:00:00Z")
        try registry.promote("v1", reason: "first")
        let pointer = directory.bytes("registry/current")
        let history = directory.bytes("registry/history.jsonl")
        #expect(throws: RegistryError.self) { try registry.promote("v9", reason: "unknown") }
        #expect(throws: RegistryError.self) { try registry.promote("../etc", reason: "a path") }
        // A corrupt model file is refused (it would not load on a replica either).
        var bytes = directory.bytes("registry/v2.recomodel")
        bytes[bytes.count / 2] ^= 0xFF
        directory.file("registry/v2.recomodel", bytes: bytes)
        #expect { try registry.promote("v2", reason: "corrupt") } throws: { ($0 as? RegistryError)?.code == .corrupt }
        #expect { try registry.rollback(reason: "nothing before") } throws: { ($0 as? RegistryError)?.code == .refused }
        // Two changes at once: the second is refused while the first holds the lock.
        let held = try RegistryLock(directory: registry.directory)
        #expect { try registry.promote("v1", reason: "busy") } throws: { ($0 as? RegistryError)?.code == .busy }
        withExtendedLifetime(held) {}
        #expect(directory.bytes("registry/current") == pointer && directory.bytes("registry/history.jsonl") == history)
        #expect(try registry.currentVersion() == "v1")
    }

    @Test func aPointerToAMissingVersionIsAnError() throws {
        try add("v1", createdAt: "2026-12-01T00:00:00Z")
        try registry.promote("v1", reason: "first")
        try FileManager.default.removeItem(atPath: registry.modelPath("v1"))
        #expect { try registry.currentVersion() } throws: { ($0 as? RegistryError)?.code == .unknownVersion }
    }

    @Test func pruneKeepsTheNewestCurrentAndItsParent() throws {
        for day in 1...6 { try add("v\(day)", parent: day > 1 ? "v\(day - 1)" : nil, createdAt: "2026-12-0\(day)T00:00:00Z") }
        try registry.promote("v3", reason: "test")
        let removed = try registry.prune(keep: 2)
        #expect(removed == ["v1", "v4"])
        #expect(try registry.entries().map(\.version) == ["v2", "v3", "v5", "v6"])
        #expect(!FileManager.default.fileExists(atPath: registry.modelPath("v1")))
    }

    @Test func aGateDecisionJoinsTheEntryAndTheHistory() throws {
        try add("v1", createdAt: "2026-12-01T00:00:00Z")
        let figures = GateDecision.Figures(ranking: RankingMetrics.mean([]), prequentialHitRate: 0.1, topMovieShare: 0.05)
        let decision = GateDecision(candidate: "v1", baseline: nil, window: .init(events: 5, customers: 2, from: "a", to: "b"),
                                    candidateFigures: figures, baselineFigures: nil, tolerance: 0.005, passed: false,
                                    reasons: ["one movie holds 40% of all top-10 slots"], decidedAt: "2026-12-01T01:00:00Z")
        try registry.record(decision)
        #expect(try registry.entry("v1").gate == decision)
        #expect(try registry.history().last?.reason == "refused: one movie holds 40% of all top-10 slots")
    }
}
