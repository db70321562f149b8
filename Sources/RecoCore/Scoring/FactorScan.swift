/// A list still to be chosen by a factor model's dot products over every movie (iALS, or the
/// SVD's order): what `Recommender.plan` leaves to a scan. Scans of several customers are run
/// together (`Recommender.scan`), so that each movie row read from memory serves all of them.
public struct FactorScan: Sendable {
    public let customerId: UInt32
    /// The customer's dense index in the model (nil for a newcomer personalised by fold-in).
    let customer: Int?
    let limit: Int
    /// `.ials` (the ranker's factors) or `.svd` (b_i + q_i·p_u).
    let rankedBy: RankedBy
    /// The customer's factors: the model's row or the folded-in vector, `stride` floats.
    let factors: [Float]
    /// Dense movie indices left out, ascending.
    let excluded: [UInt32]
}
