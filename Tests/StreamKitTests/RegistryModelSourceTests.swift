import Foundation
import Logging
import RecoCore
import StreamKit
import Testing
import TestSupport

/// The consumer's and notifier's in-process model follows the registry's `current`.
@Suite struct RegistryModelSourceTests {
    let directory = TemporaryDirectory()

    private func addVersion(_ registry: ModelRegistry, _ version: String, seed: UInt64) throws {
        var table = RatingsTable()
        var random = SplitMix64(seed: seed)
        for customer in 1...30 {
            for movie in 1...12 where random.nextUnit() < 0.5 {
                table.append(customer: UInt32(customer), movie: UInt32(movie), halfStars: UInt8(2 + random.next(below: 9)), day: 0)
            }
        }
        var parameters = TrainingParameters()
        parameters.factors = 4
        parameters.epochs = 2
        let job = TrainingJob(dataset: RatingsDataset(table, scale: .netflix), parameters: parameters)
        let metadata = try job.write(try job.run(), to: registry.modelPath(version), version: version)
        try registry.register(RegistryEntry(metadata: metadata, createdBy: "test", addedAt: "2026-12-01T00:00:00Z"))
    }

    @Test func aPromotedVersionScoresFromTheNextBatchAndABrokenOneIsRefused() async throws {
        let registry = ModelRegistry(directory: directory.path + "/registry")
        try registry.create()
        try addVersion(registry, "v1", seed: 1)
        try addVersion(registry, "v2", seed: 2)
        let source = RegistryModelSource(registry: registry, catalog: MovieCatalog(), logger: quietLogger("registry-source"), checkInterval: .zero)
        await #expect(throws: RegistryError.self) { _ = try await source.recommend([1], watching: [], limit: 5) }
        try registry.promote("v1", reason: "test")
        #expect(try await source.recommend([1, 2], watching: [], limit: 5).modelVersion == "v1")
        try registry.promote("v2", reason: "test")
        #expect(try await source.recommend([1], watching: [], limit: 5).modelVersion == "v2")
        directory.file("registry/v3.recomodel", "not a model")
        try "v3\n".write(toFile: registry.pointerPath, atomically: true, encoding: .utf8)
        #expect(try await source.recommend([1], watching: [], limit: 5).modelVersion == "v2")
        #expect(source.version == "v2")
    }
}
