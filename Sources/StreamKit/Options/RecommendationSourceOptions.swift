import ArgumentParser
import CommandOptions
import Foundation
import RecoCore

/// Where a stream service gets each customer's top-N: reco-api's batch route or a model file.
public struct RecommendationSourceOptions: ParsableArguments {
    @Option(help: "reco-api base URL for recommendations.")
    public var api: String?

    @Option(help: "Model file for in-process recommendations (instead of --api).")
    public var model: String?

    @Option(help: "Movie catalogue for titles with --model.")
    public var movies = "data/prepared/movies.csv"

    @Option(help: "Seconds before a call to reco-api times out.")
    public var apiTimeout: Duration = .seconds(10)

    public init() {}

    public func validate() throws {
        guard (api == nil) != (model == nil) else { throw ValidationError("give --api URL or --model FILE") }
        guard apiTimeout > .zero else { throw ValidationError("--api-timeout must be positive") }
    }

    /// A model file scored in process (titles from `--movies` when that file exists), else reco-api.
    public func makeSource() throws -> any RecommendationSource {
        if let model {
            let catalog = FileManager.default.fileExists(atPath: movies) ? try MovieCatalog.load(path: movies) : MovieCatalog()
            return ModelFileSource(recommender: Recommender(model: try RecoModel(path: model)), catalog: catalog)
        }
        return APISource(baseURL: api ?? "", timeout: apiTimeout)
    }
}
