import RecoCore

/// Top-N movies for many customers: in process from a model file, or from reco-api's batch route.
public protocol RecommendationSource: Sendable {
    /// One answer per customer, in the order of `customerIds`; throws when the source is
    /// unavailable (never the events' fault: the caller pauses and retries).
    func recommend(_ customerIds: [UInt32], limit: Int) async throws -> RecommendationBatch
    func shutdown() async
}
