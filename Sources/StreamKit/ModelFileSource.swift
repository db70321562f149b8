import RecoCore

/// Scores with a memory-mapped model file in this process, joined with the catalogue exactly as
/// reco-api joins it, so rows are the same whichever source wrote them.
public struct ModelFileSource: RecommendationSource {
    public let recommender: Recommender
    public let catalog: MovieCatalog

    public init(recommender: Recommender, catalog: MovieCatalog) {
        self.recommender = recommender
        self.catalog = catalog
    }

    public func recommend(_ customerIds: [UInt32], limit: Int) async throws -> RecommendationBatch {
        RecommendationBatch(modelVersion: recommender.model.metadata.version,
                            results: recommender.recommend(customerIds: customerIds, limit: limit).map { CustomerRecommendations($0, catalog: catalog) })
    }

    public func shutdown() async {}
}
