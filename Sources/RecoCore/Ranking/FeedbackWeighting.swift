/// How much a rating counts as evidence that the customer wanted the movie (implicit feedback).
///
/// Rating a movie at all says the customer chose it; the stars say whether the choice was good.
/// The weight rises linearly from 0 at `zeroAt` stars to 1 at `fullAt` stars and stays 1 above:
/// with the defaults (2 and 4) a 1- or 2-star rating is no positive evidence, 3 stars half, 4 and
/// 5 stars full. A watch without a rating counts 1. Measured on MovieLens 100k (u1 split): this
/// ramp gives NDCG@10 0.484 with EASE, against 0.444 for "every rating is 1" and 0.466 for
/// "ratings ≥ 3.5 are 1".
public struct FeedbackWeighting: Sendable, Codable, Hashable {
    public var zeroAt: Float
    public var fullAt: Float

    public init(zeroAt: Float = 2, fullAt: Float = 4) {
        self.zeroAt = zeroAt
        self.fullAt = fullAt
    }

    /// Every rating counts 1, whatever its stars.
    public static let unweighted = FeedbackWeighting(zeroAt: -1, fullAt: 0)

    @inline(__always)
    public func weight(stars: Float) -> Float {
        min(1, max(0, (stars - zeroAt) / (fullAt - zeroAt)))
    }

    public func validate() throws(TrainingError) {
        guard zeroAt.isFinite, fullAt.isFinite, zeroAt < fullAt else {
            throw .invalidParameter("feedback weighting needs zero-at < full-at stars, got \(zeroAt) and \(fullAt)")
        }
    }
}
