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
        // Planned one by one, scored together: the factor scans share their passes over the movie rows.
        let plans = customerIds.map { customerId in
            let movies = byCustomer[customerId] ?? []
            let folded = movies.isEmpty ? nil : recommender.foldIn(customerId: customerId, watched: movies)
            return recommender.plan(customerId: customerId, limit: limit, folded: folded)
        }
        let results = recommender.resolve(plans).map { CustomerRecommendations($0, catalog: catalog) }
        return RecommendationBatch(modelVersion: recommender.model.metadata.version, results: results)
    }

    public func shutdown() async {}
}
