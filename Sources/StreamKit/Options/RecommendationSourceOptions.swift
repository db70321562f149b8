import ArgumentParser
import CommandOptions
import Foundation
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

    @Option(help: "Seconds before a call to reco-api times out.")
    public var apiTimeout: Duration = .seconds(10)

    public init() {}

    public func validate() throws {
        guard (api == nil) != (model.modelPath == nil) else { throw ValidationError("give --api URL or --model FILE") }
        guard apiTimeout > .zero else { throw ValidationError("--api-timeout must be positive") }
    }

    /// A model file scored in process (titles from `--movies`), else reco-api.
    public func makeSource() throws -> any RecommendationSource {
        if let path = model.modelPath {
            return ModelFileSource(recommender: Recommender(model: try RecoModel(path: path)), catalog: try catalog.loadIfPresent())
        }
        return APISource(baseURL: api ?? "", timeout: apiTimeout)
    }
}
