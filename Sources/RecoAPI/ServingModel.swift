import Foundation
import RecoCore

/// A loaded model with what serving needs around it. Requests hold on to the instance they
/// started with, so a reload never changes a model under a request in flight.
final class ServingModel: Sendable {
    let recommender: Recommender
    let catalog: MovieCatalog
    let path: String
    let loadedAt: Date
    let loadSeconds: Double

    init(recommender: Recommender, catalog: MovieCatalog, path: String, loadedAt: Date, loadSeconds: Double) {
        self.recommender = recommender
        self.catalog = catalog
        self.path = path
        self.loadedAt = loadedAt
        self.loadSeconds = loadSeconds
    }

    var model: RecoModel { recommender.model }
    var version: String { model.metadata.version }

    /// Maps and verifies the model file and reads the catalogue, on a thread outside Swift's
    /// cooperative pool (both are blocking file I/O).
    static func load(modelPath: String, moviesPath: String?) async throws -> ServingModel {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                let started = ContinuousClock.now
                do {
                    let model = try RecoModel(path: modelPath)
                    var catalog = MovieCatalog()
                    if let moviesPath {
                        catalog = try MovieCatalog.load(path: moviesPath)
                    }
                    let seconds = (ContinuousClock.now - started).seconds
                    continuation.resume(returning: ServingModel(recommender: Recommender(model: model), catalog: catalog,
                                                                path: modelPath, loadedAt: Date(), loadSeconds: seconds))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
