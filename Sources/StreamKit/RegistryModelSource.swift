import Dispatch
import Foundation
import Logging
import RecoCore
import Synchronization

/// Scores in process like `ModelFileSource`, with the model a registry's `current` names: a
/// changed pointer is noticed on the first batch after `checkInterval`, the new version is loaded
/// (fully verified) and used from the next batch on. A version that fails to load is logged and
/// refused; the previous one keeps scoring (until `current` names another).
public final class RegistryModelSource: RecommendationSource {
    private struct State {
        var source: ModelFileSource?
        var lastCheck: ContinuousClock.Instant?
        var refused: String?
    }

    public let registry: ModelRegistry
    private let catalog: MovieCatalog
    private let logger: Logger
    private let checkInterval: Duration
    private let state = Mutex(State())

    public init(registry: ModelRegistry, catalog: MovieCatalog, logger: Logger, checkInterval: Duration = .milliseconds(500)) {
        self.registry = registry
        self.catalog = catalog
        self.logger = logger
        self.checkInterval = checkInterval
    }

    /// The version scoring now (nil before the first batch).
    public var version: String? { state.withLock { $0.source?.recommender.model.metadata.version } }

    public func recommend(_ customerIds: [UInt32], watching: [RecommendationBatchRequest.Watching], limit: Int) async throws -> RecommendationBatch {
        try await current().recommend(customerIds, watching: watching, limit: limit)
    }

    public func shutdown() async {}

    private func current() async throws -> ModelFileSource {
        let (source, due) = state.withLock { state -> (ModelFileSource?, Bool) in
            let due = state.lastCheck.map { ContinuousClock.now - $0 >= checkInterval } ?? true
            if due { state.lastCheck = .now }
            return (state.source, due)
        }
        guard due else { return source! }
        guard let wanted = try registry.currentVersion() else {
            if let source { return source }
            throw RegistryError(.noCurrent, "the registry \(registry.directory) has no current version yet")
        }
        if let source, source.recommender.model.metadata.version == wanted { return source }
        if let source, state.withLock({ $0.refused }) == wanted { return source }
        do {
            let loaded = try await Self.load(registry.modelPath(wanted), catalog: catalog)
            logger.info("model loaded from the registry", metadata: ["model.version": "\(wanted)", "model.previous_version": "\(source?.recommender.model.metadata.version ?? "-")"])
            state.withLock {
                $0.source = loaded
                $0.refused = nil
            }
            return loaded
        } catch {
            state.withLock { $0.refused = wanted }
            guard let source else { throw error }
            logger.error("a new registry version does not load; the previous one keeps scoring", metadata: [
                "model.version": "\(wanted)", "model.error": "\(error)", "model.serving": "\(source.recommender.model.metadata.version)"])
            return source
        }
    }

    /// Reads and verifies a model file off the cooperative pool (blocking file I/O).
    private static func load(_ path: String, catalog: MovieCatalog) async throws -> ModelFileSource {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                do {
                    continuation.resume(returning: ModelFileSource(recommender: Recommender(model: try RecoModel(path: path)), catalog: catalog))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
