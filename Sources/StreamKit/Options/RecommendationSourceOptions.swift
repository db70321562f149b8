import ArgumentParser
import CommandOptions
import Foundation
import Logging
import RecoCore

/// Where a stream service gets each customer's top-N: reco-api's batch route or a model file.
public struct RecommendationSourceOptions: ParsableArguments {
    @Option(help: "reco-api base URL for recommendations.")
    public var api: String?

    /// No default model: `--model` or `--api` must be given.
    public enum InProcessModel: ModelDefaults {
        public static let modelPath: String? = nil
        public static let modelUsage = "for in-process recommendations, instead of --api"
    }

    @OptionGroup public var model: ModelOptions<InProcessModel>
    @OptionGroup public var catalog: CatalogOptions
    /// In process from a registry's current version, followed as it changes.
    @OptionGroup(title: "Learning loop") public var registry: RegistryOptions

    @Option(help: "Seconds before a call to reco-api times out.")
    public var apiTimeout: Duration = .seconds(10)

    public init() {}

    public func validate() throws {
        let given = [api != nil, model.modelPath != nil, registry.isGiven].filter { $0 }.count
        guard given == 1 else { throw ValidationError("give one of --api URL, --model FILE or --registry DIR") }
        guard apiTimeout > .zero else { throw ValidationError("--api-timeout must be positive") }
    }

    /// A model file scored in process (titles from `--movies`), else reco-api.
    public func makeSource(logger: Logger) throws -> any RecommendationSource {
        if registry.isGiven {
            return RegistryModelSource(registry: registry.registry, catalog: try catalog.loadIfPresent(), logger: logger)
        }
        if let path = model.modelPath {
            return ModelFileSource(recommender: Recommender(model: try RecoModel(path: path)), catalog: try catalog.loadIfPresent())
        }
        return APISource(baseURL: api ?? "", timeout: apiTimeout)
    }
}
