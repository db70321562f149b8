import RecoCore

/// Top-N movies for many customers: in process from a model file, or from reco-api's batch route.
public protocol RecommendationSource: Sendable {
    /// One answer per customer, in the order of `customerIds`, computed with the movies of
    /// `watching` (the batch's events) folded in; throws when the source is unavailable (never
    /// the events' fault: the caller pauses and retries).
    func recommend(_ customerIds: [UInt32], watching: [RecommendationBatchRequest.Watching], limit: Int) async throws -> RecommendationBatch
    func shutdown() async
}
