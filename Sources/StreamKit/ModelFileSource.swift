import RecoCore

/// Scores with a model file in this process, joined with the catalogue exactly as reco-api
/// joins it, so rows are the same whichever source wrote them. Each customer's list is computed
/// with the movies of the request folded in (the events of the batch), as reco-api does; a
/// reco-api replica that follows the topic also folds in everything it has read since the
/// model's cutoff (`reco-api --follow`), which a model file in this process does not know.
public struct ModelFileSource: RecommendationSource {
    public let recommender: Recommender
    public let catalog: MovieCatalog

    public init(recommender: Recommender, catalog: MovieCatalog) {
        self.recommender = recommender
        self.catalog = catalog
    }

    public func recommend(_ customerIds: [UInt32], watching: [RecommendationBatchRequest.Watching], limit: Int) async throws -> RecommendationBatch {
        let byCustomer = RecommendationBatchRequest(customerIds: [], watching: watching).watchingByCustomer
        let results = customerIds.map { customerId in
            let movies = byCustomer[customerId] ?? []
            let folded = movies.isEmpty ? nil : recommender.foldIn(customerId: customerId, watched: movies)
            return CustomerRecommendations(recommender.recommend(customerId: customerId, limit: limit, folded: folded), catalog: catalog)
        }
        return RecommendationBatch(modelVersion: recommender.model.metadata.version, results: results)
    }

    public func shutdown() async {}
}
